"""The pages a crowd opens first, rendered before it arrives.

Every shared cache layer (docs/caching.md) fills on its first request: right after a catalog-wide
write, a deploy or a cache loss, the first shoppers of a sale pay for the cold renders while the
crowd queues behind them (`bench mixed_load`: most of its slowest reads in the first seconds).
`pages_warm` asks for the home page, every family and category, the best-selling products and the
searches staff expect, through the store's own request handling and under the shop's address, so
the content, catalog data, cards, counts and facets are in Redis, for every web node, before the
doors open. The requests carry a staff pass: the waiting room lets them through without a place in
line or a seat under its cap."""

import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalog.selectors import visible_products
from catalog.tree import catalog_tree
from core.sites import LOCAL_HOSTS
from waitingroom.middleware import WAITING_HEADER, staff_pass_cookie


@dataclass
class WarmReport:
    pages: int = 0
    seconds: float = 0.0
    failed: list[tuple[str, int]] = field(default_factory=list)  # (address, status)
    held: list[str] = field(default_factory=list)  # answered by the waiting room's page, not rendered


def warm_addresses(*, products: int, searches: list[str]) -> list[str]:
    """Home, every visible family and category, the `products` best sellers, the searches."""
    tree = catalog_tree()
    addresses = [reverse("storefront:home")]
    addresses += [family.url for family in tree.families]
    addresses += [node.url for node in tree.categories.values()]
    best_sellers = visible_products(tree).order_by("-units_sold", "-pk").values_list("slug", flat=True)[:products]
    addresses += [reverse("catalog:product", args=[slug]) for slug in best_sellers]
    addresses += [f"{reverse('catalog:search')}?{urlencode({'q': words})}" for words in searches]
    return addresses


def pages_warm(*, products: int = 200, searches: list[str] | None = None) -> WarmReport:
    """Render each of warm_addresses once, as a shopper's browser would ask for it at SITE_DOMAIN."""
    domain = settings.SITE_DOMAIN
    client = Client(HTTP_HOST=domain, secure=not domain.startswith(LOCAL_HOSTS), raise_request_exception=False)
    name, value = staff_pass_cookie()
    client.cookies[name] = value
    report = WarmReport()
    started = time.perf_counter()
    for address in warm_addresses(products=products, searches=searches or []):
        response = client.get(address)
        report.pages += 1
        if WAITING_HEADER in response:
            report.held.append(address)
        elif response.status_code != 200:
            report.failed.append((address, response.status_code))
    report.seconds = time.perf_counter() - started
    return report
