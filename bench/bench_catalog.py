"""Storefront read paths on a realistic catalog: 50,000 products, about 200,000 variants
(BENCH_PRODUCTS overrides). Server time through Django's full request cycle, plus the
queries each page makes. Listings and searches are measured twice: as shoppers mostly get
them (facet counts cached) and right after a catalog change (`.fresh_facets`: counted again). The
product page and the biggest listing are rendered cold and warm side by side (`.render.*`: after
a write to another product, to the product itself, to the catalog at large)."""

import os

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.timing import figures, measure
from catalog import category_counts, listing_cache
from catalog.models import Collection, Product

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "50000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))


def _ensure_catalog(products: int = PRODUCTS) -> None:
    """A demo catalog of about `products` products, with stock (bench_scale builds several sizes)."""
    from demo.inventory import delete_demo_stock, load_demo_inventory

    if Product.objects.count() < products * 0.95:
        from demo.catalog.loader import DemoCatalogError, load_demo_catalog

        delete_demo_stock()
        try:
            load_demo_catalog(products=products, seed=2026, reset=True, progress=True)
        except DemoCatalogError as error:
            name = connection.settings_dict["NAME"]
            raise SystemExit(
                f"{error} Another bench ran first on a smaller catalog: drop the bench database "
                f"(dropdb {name}) and run `make bench`, which starts with this one."
            ) from error
    load_demo_inventory(progress=True)  # stock for every page's availability and in-stock counts
    category_counts.refresh()  # the listings' kept counts current, as the worker keeps them


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def run():
    _ensure_catalog()
    client = Client()
    biggest = Product.objects.visible().values("category__slug").annotate(n=Count("pk")).order_by("-n").first()
    category = biggest["category__slug"]
    product = Product.objects.visible().order_by("-units_sold").values_list("slug", flat=True).first()
    brand = Product.objects.visible().filter(category__slug=category).values_list("brand__slug", flat=True).first()
    yield {"name": "catalog.products", "value": Product.objects.count(), "unit": "count"}
    yield {"name": "catalog.biggest_category_products", "value": biggest["n"], "unit": "count"}

    pages = {
        "home": "/",
        "listing_first_page": f"/c/{category}/",
        "listing_page_50": f"/c/{category}/?page=50",
        "listing_filtered": f"/c/{category}/?brand={brand}&min_price=100&max_price=5000&sort=price_asc",
        "product_page": f"/p/{product}/",
        "search_rtx": "/search/?q=rtx+4070",
        "search_silla_oficina": "/search/?q=silla+de+oficina",
        "search_typo_zapatilas": "/search/?q=zapatilas",
    }
    drop = Collection.objects.filter(is_active=True).values_list("slug", flat=True).first()
    if drop:
        pages["collection"] = f"/collections/{drop}/"
    for name, url in pages.items():
        client.get(url)  # warm caches
        yield {"name": f"{name}.queries", "value": _queries(client, url), "unit": "count"}
        yield from figures(name, measure(lambda url=url: client.get(url), repeat=REPEAT))
        if name.startswith(("listing", "search")):
            # Right after a catalog change every listing counts its facets afresh.
            def fresh(url=url):
                listing_cache.bump()
                return client.get(url)

            yield from figures(f"{name}.fresh_facets", measure(fresh, repeat=REPEAT))
    biggest_brand = (
        Product.objects.visible().values("brand__slug").annotate(n=Count("pk")).order_by("-n").first()["brand__slug"]
    )
    yield from _cold_and_warm(client, product, category, biggest_brand)


def _cold_and_warm(client: Client, product: str, category: str, brand: str):
    """The render path (page cache off: what the first request after a write costs) of the product
    page, the biggest category's and brand's listings and the home page, warm and right after a write:
    to another category's and brand's product, neither featured nor new (the pages that do not show
    it stay warm), to the
    product itself (saved as it is, its price changed, its name changed: the content around the buy
    box is kept by what it shows, so only the last renders all of it again), to the catalog at large
    (a brand renamed: every page). Side by side, one figure each, with the queries of one such render.
    Each price and name written is new (one already rendered would be served again) and the first ones
    are put back after, with the price history those writes added: the bench database stays as it was."""
    from decimal import Decimal

    from django.conf import settings

    from catalog.models import PriceHistory
    from catalog.services import product_prices_set, product_save

    shown = Product.objects.get(slug=product)
    price, name = shown.base_price, shown.name
    history_before = PriceHistory.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    written = {"price": 0, "name": 0}

    def new_price() -> None:
        written["price"] += 1
        product_prices_set(prices={shown.pk: price + Decimal(written["price"]) / 100})

    def new_name() -> None:
        written["name"] += 1
        shown.refresh_from_db()
        shown.name = f"{name} ({written['name']})"
        product_save(product=shown)

    elsewhere = (
        Product.objects.visible()
        .exclude(category_id=shown.category_id)
        .exclude(category__slug=category)
        .exclude(brand__slug=brand)
    )
    other = elsewhere.filter(is_featured=False, is_new=False).order_by("-units_sold").first()
    writes = {
        "warm": None,
        "after_other_product_write": lambda: product_save(product=other),
        "after_own_write": lambda: product_save(product=shown),
        "after_own_price_write": new_price,
        "after_own_name_write": new_name,
        "after_catalog_write": listing_cache.bump,
    }
    settings.STOREFRONT_PAGE_CACHE = False
    try:
        rendered = (
            ("product_page", f"/p/{product}/"),
            ("listing_first_page", f"/c/{category}/"),
            ("brand_listing", f"/marca/{brand}/"),
            ("home", "/"),
        )
        for page, url in rendered:
            for when, write in writes.items():
                if page != "product_page" and when.startswith("after_own_"):
                    continue
                client.get(url)  # warm
                if write is not None:
                    write()
                yield {"name": f"{page}.render.{when}.queries", "value": _queries(client, url), "unit": "count"}
                stats = measure(lambda url=url: client.get(url), repeat=REPEAT, before=write)
                yield from figures(f"{page}.render.{when}", stats)
    finally:
        settings.STOREFRONT_PAGE_CACHE = True
        product_prices_set(prices={shown.pk: price})
        shown.refresh_from_db()
        shown.name = name
        product_save(product=shown)
        PriceHistory.objects.filter(pk__gt=history_before).delete()
