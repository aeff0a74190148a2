"""Cold pages as the catalog grows: the same pages on catalogs of several sizes (BENCH_SCALE_SIZES,
default "5000,50000"; issue 50 asks 5,000 against 500,000), each on a bench database of its own
(bench_<name>_<size>, kept between runs: 500,000 products take 15 minutes or more to load).

Every request is cold: the cache (this run's key prefix only) and the process' template fragments
are emptied before it, untimed, as after a cache loss; a catalog write costs less (the catalog tree
and the cards stay). Measured in process through Django's full request cycle, with the SQL queries of
one such request: the biggest category's first page, the same filtered (brand, price range, an
option value, by price), and searches nobody made before (several distinct ones: broad words, two
words, a typo), the sizes taking turns request by request. Then the admin's product list as a
superuser, plain and searched (a name, a SKU), one size after the other.
After the sizes, `ratio.<page>.cold.p50` = the largest size's median over the smallest's, from the
same run (the goal: at most 1.5 for listings and searches, queries the same)."""

import os
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.bench_catalog import _ensure_catalog
from bench.timing import figures, measure, summary
from catalog.models import OptionValue, Product, ProductOptionValue, Variant

SIZES = sorted(int(size) for size in os.environ.get("BENCH_SCALE_SIZES", "5000,50000").split(","))
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
SEARCHES = {
    "search_laptop": "laptop",
    "search_zapatillas": "zapatillas",
    "search_silla_oficina": "silla de oficina",
    "search_audifonos_bluetooth": "audifonos bluetooth",
    "search_mouse_gamer": "mouse gamer",
    "search_rtx_4070": "rtx 4070",
    "search_typo_zapatilas": "zapatilas",
}


def _use_database(size: int, base: str) -> None:
    """Switch this process to the bench database of `size` products (created and migrated if new)."""
    connection.close()
    connection.settings_dict["TEST"]["NAME"] = f"{base}_{size}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def _empty_caches() -> None:
    # Only this run's keys (its own prefix): the Redis is shared with other runs and the tests.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*", itersize=10_000)
    else:
        cache.clear()  # local memory: this process' own
    caches["fragments"].clear()


class _Get:
    """One page's request, which notes the time its SQL took (the database's share, which is what
    grows with the catalog; the rest is Python and templates, and a busy machine's noise)."""

    def __init__(self, client: Client, url: str):
        self.client, self.url = client, url
        self.sql_ms: list[float] = []
        self.queries = 0

    def __call__(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(self.url)
        assert response.status_code == 200, (self.url, response.status_code)
        self.sql_ms.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        self.queries = len(captured)

    def figures(self, prefix: str, *, repeat: int, before=None) -> list[dict]:
        found = figures(prefix, measure(self, repeat=repeat, warmup=1, before=before))
        return self._with_queries(prefix, found, repeat)

    def figures_of(self, prefix: str, samples: list[float]) -> list[dict]:
        """The figures of samples timed by the caller (this page's requests among others')."""
        return self._with_queries(prefix, figures(prefix, summary(samples)), len(samples))

    def _with_queries(self, prefix: str, found: list[dict], repeat: int) -> list[dict]:
        found.append({"name": f"{prefix}.queries", "value": self.queries, "unit": "count"})
        sql = sorted(self.sql_ms[-repeat:])
        found.append({"name": f"{prefix}.sql_p50_ms", "value": round(sql[len(sql) // 2], 3), "unit": "ms"})
        return found


def _storefront_pages() -> dict[str, str]:
    visible = Product.objects.visible()
    biggest = visible.values("category_id", "category__slug").annotate(n=Count("pk")).order_by("-n").first()
    category, category_id = biggest["category__slug"], biggest["category_id"]
    brand = visible.filter(category_id=category_id).values("brand__slug").annotate(n=Count("pk")).order_by("-n")[0]
    option = (
        ProductOptionValue.objects.filter(category_id=category_id)
        .values("option_value_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    filtered = f"/c/{category}/?brand={brand['brand__slug']}&min_price=100&max_price=5000&sort=price_asc"
    if option is not None:
        value = OptionValue.objects.select_related("option").get(pk=option["option_value_id"])
        filtered += f"&{value.option.code}={value.slug}"
    pages = {"listing_first_page": f"/c/{category}/", "listing_filtered": filtered}
    pages.update({name: f"/search/?q={words.replace(' ', '+')}" for name, words in SEARCHES.items()})
    return pages


def _admin_pages() -> dict[str, str]:
    product = Product.objects.order_by("pk").values("name", "base_sku").first() or {"name": "", "base_sku": ""}
    sku = Variant.objects.order_by("-pk").values_list("sku", flat=True).first() or ""
    return {
        "admin_products": "/admin/catalog/product/",
        "admin_products_page_100": "/admin/catalog/product/?p=100",
        "admin_search_name": "/admin/catalog/product/?q=" + "+".join(product["name"].split()[:2]),
        "admin_search_base_sku": f"/admin/catalog/product/?q={product['base_sku']}",
        "admin_search_variant_sku": f"/admin/catalog/product/?q={sku}",
        "admin_search_nothing": "/admin/catalog/product/?q=zzqx",
    }


def _admin_client() -> Client:
    User = get_user_model()
    user = User.objects.filter(email="bench-scale-admin@example.pe").first() or User.objects.create_superuser(
        email="bench-scale-admin@example.pe", password="bench-scale-admin-pass"
    )
    client = Client()
    client.force_login(user)
    return client


def _connection_to(database: str) -> BaseDatabaseWrapper:
    """A connection of its own to one size's database, kept open for the whole run as the default's
    is (a new one per request would time PostgreSQL filling a new backend's catalog caches)."""
    settings_dict = {**connection.settings_dict, "NAME": database}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def _cold_storefront(databases: dict[int, str], pages: dict[int, dict[str, str]]) -> dict[int, dict[str, dict]]:
    """Each page cold on every size, the sizes taking turns request by request: a machine whose speed
    drifts (by a third within a minute on some) slows every size alike, where measuring one size after
    the other put the drift into the ratio. Every request is cold (caches emptied before it, untimed),
    so one database's readings never serve another's (the catalog's versions are new tokens each time)."""
    client = Client()
    found: dict[int, dict[str, dict]] = {size: {} for size in databases}
    kept, connected = connections[DEFAULT_DB_ALIAS], {size: _connection_to(name) for size, name in databases.items()}
    try:
        for name in pages[SIZES[0]]:
            _turns(client, name, pages, connected, found)
    finally:
        connections[DEFAULT_DB_ALIAS] = kept
        for other in connected.values():
            other.close()
    return found


def _turns(client: Client, name: str, pages: dict, connected: dict, found: dict) -> None:
    """One page: the sizes in turn, 1 + REPEAT times each."""
    gets = {size: _Get(client, pages[size][name]) for size in connected}
    samples: dict[int, list[float]] = {size: [] for size in connected}
    for turn in range(1 + REPEAT):  # the first turn warms the process, untimed
        for size, get in gets.items():
            connections[DEFAULT_DB_ALIAS] = connected[size]
            _empty_caches()
            started = time.perf_counter()
            get()
            if turn:
                samples[size].append((time.perf_counter() - started) * 1000)
    for size, get in gets.items():
        for figure in get.figures_of(f"{name}.cold", samples[size]):
            found[size][figure["name"]] = figure


def _admin(size: int) -> dict[str, dict]:
    """The admin's product list on one size (its goal is a time, under a second, not a ratio)."""
    _empty_caches()  # nothing read from another size's database (a cached user is keyed by its id)
    found = {"catalog.products": {"value": Product.objects.count(), "unit": "count"}}
    admin = _admin_client()
    for name, url in _admin_pages().items():
        for figure in _Get(admin, url).figures(name, repeat=max(REPEAT // 2, 3)):
            found[figure["name"]] = figure
    return found


def run():
    base = str(connection.settings_dict["NAME"])  # bench_<name>, made by bench/__main__.py
    databases, pages, by_size = {}, {}, {}
    for size in SIZES:
        _use_database(size, base)
        _ensure_catalog(size)
        databases[size] = connection.settings_dict["NAME"]
        pages[size] = _storefront_pages()
        by_size[size] = _admin(size)
    for size, figures_of_size in _cold_storefront(databases, pages).items():
        by_size[size].update(figures_of_size)
    for size in SIZES:
        for name, figure in by_size[size].items():
            yield {"name": f"{size}.{name}", "size": size, "value": figure["value"], "unit": figure["unit"]}
    small, large = by_size[SIZES[0]], by_size[SIZES[-1]]
    for name, figure in large.items():
        if name.endswith((".p50_ms", ".queries")) and small.get(name, {}).get("value"):  # sql_p50_ms too
            yield {
                "name": f"ratio.{name}",
                "value": round(figure["value"] / small[name]["value"], 2),
                "unit": f"{SIZES[-1]}/{SIZES[0]}",
            }
