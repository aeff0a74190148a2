"""Cold pages as the catalog grows: the same pages on catalogs of several sizes (BENCH_SCALE_SIZES,
default "5000,50000"; issue 50 asks 5,000 against 500,000), each on a bench database of its own
(bench_<name>_<size>, kept between runs: 500,000 products take 15 minutes or more to load).

Every request is cold: the cache (this run's key prefix only) and the process' template fragments
are emptied before it, untimed, as after a cache loss; a catalog write costs less (the catalog tree
and the cards stay). Measured in process through Django's full request cycle, with the SQL queries of
one such request: the biggest category's first page, the same filtered (brand, price range, an
option value, by price), and searches nobody made before (several distinct ones: broad words, two
words, a typo). Then the admin's product list as a superuser, plain and searched (a name, a SKU).
After the sizes, `ratio.<page>.cold.p50` = the largest size's median over the smallest's, from the
same run (the goal: at most 1.5 for listings and searches, queries the same)."""

import os

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.bench_catalog import _ensure_catalog
from bench.timing import figures, measure
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


def _measure_size(size: int) -> dict[str, dict]:
    _ensure_catalog(size)
    _empty_caches()
    found = {"catalog.products": {"value": Product.objects.count(), "unit": "count"}}
    client = Client()
    for name, url in _storefront_pages().items():
        for figure in _Get(client, url).figures(f"{name}.cold", repeat=REPEAT, before=_empty_caches):
            found[figure["name"]] = figure
    admin = _admin_client()
    for name, url in _admin_pages().items():
        for figure in _Get(admin, url).figures(name, repeat=max(REPEAT // 2, 3)):
            found[figure["name"]] = figure
    return found


def run():
    base = str(connection.settings_dict["NAME"])  # bench_<name>, made by bench/__main__.py
    by_size = {}
    for size in SIZES:
        _use_database(size, base)
        by_size[size] = _measure_size(size)
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
