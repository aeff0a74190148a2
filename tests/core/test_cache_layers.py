"""The registry of cache layers (core.cache_layers) against the code: every model of the apps whose
rows pages show is shown by a page or declared not shown, every receiver it names is connected,
every bound is the module's own constant, every cached view and template fragment is declared.
That each kind of write then shows on the pages within its bound is tests/storefront/
test_cache_layers_walk.py."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.urls import URLPattern, get_resolver

from core import cache_layers
from core.cache_layers import LAYERS, NOT_SHOWN, NOT_SHOWN_APPS, NOT_SHOWN_HISTORY, PAGE_DATA_APPS, layer

ROOT = Path(__file__).resolve().parents[2]


def _page_reaches(label: str) -> list[str]:
    return [page.name for page in cache_layers.page_layers() if cache_layers.reaches(page.name, label)]


def test_every_app_is_a_page_data_app_or_says_why_no_page_shows_it():
    project_apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert project_apps | {"constance"} == set(PAGE_DATA_APPS) | set(NOT_SHOWN_APPS)
    assert not set(PAGE_DATA_APPS) & set(NOT_SHOWN_APPS)


@pytest.mark.parametrize("app_label", PAGE_DATA_APPS)
def test_every_model_a_page_may_show_is_shown_by_a_layer_or_declared_not_shown(app_label):
    """A new model in these apps fails here until it is shown by a layer (and so told of, or
    bounded) or declared not shown on cached pages, with why."""
    undeclared = [
        model._meta.label
        for model in apps.get_app_config(app_label).get_models()
        if not cache_layers.is_history(model)
        and not _page_reaches(model._meta.label)
        and model._meta.label not in NOT_SHOWN
    ]
    assert not undeclared, f"shown by no cache layer nor declared in NOT_SHOWN: {undeclared}"


def test_a_model_declared_not_shown_exists_and_no_page_shows_it():
    for label, reason in NOT_SHOWN.items():
        assert apps.get_model(label) and reason
        assert not _page_reaches(label), f"{label} is declared not shown, but {_page_reaches(label)} show it"
    assert NOT_SHOWN_HISTORY


def test_the_other_apps_models_reach_no_page():
    for app_label in NOT_SHOWN_APPS:
        config = next((c for c in apps.get_app_configs() if c.label == app_label), None)
        for model in config.get_models() if config else ():
            assert not _page_reaches(model._meta.label), model._meta.label


def test_every_layer_named_exists_and_every_layer_is_reached_from_a_page():
    names = [found.name for found in LAYERS]
    assert len(names) == len(set(names))
    reached = set()

    def walk(name: str) -> None:
        if name in reached:
            return
        reached.add(name)
        found = layer(name)
        for inner in (*found.follows, *found.inside, *found.filled):
            walk(inner)

    for page in cache_layers.page_layers():
        walk(page.name)
    assert reached == set(names)


def test_every_model_named_exists():
    for found in LAYERS:
        for label in (*found.shows, *found.told_by, *(model for model, _ in found.told_by_services)):
            app_label, _dot, name = label.partition(".")
            if name == cache_layers.EVERY_MODEL:
                assert apps.get_app_config(app_label)
            else:
                assert apps.get_model(label), label


def _receiver_names(signal, sender) -> set[str]:
    live = signal._live_receivers(sender)
    receivers = [*live[0], *live[1]] if isinstance(live, tuple) else live
    return {f"{receiver.__module__}.{receiver.__qualname__}" for receiver in receivers}


@pytest.mark.parametrize("found", [found for found in LAYERS if found.told_by], ids=lambda found: found.name)
def test_every_model_a_layer_is_told_of_by_signal_reaches_its_receivers(found):
    """Saving or deleting the model runs one of the layer's receivers: what ends its entries."""
    assert found.receivers
    for model in cache_layers.models(found.name):
        for signal in (post_save, post_delete):
            assert _receiver_names(signal, model) & set(found.receivers), (
                f"{model._meta.label}: no receiver of {found.name} on {signal}"
            )
    declared = {label.partition(".")[0] for label in found.told_by}
    assert {model._meta.app_label for model in cache_layers.models(found.name)} == declared


def test_the_stated_bounds_are_the_modules_own():
    from accounts import user_cache
    from catalog import category_counts, listing, listing_cache, renditions, tree
    from core import site_settings
    from inventory import shown_stock
    from payments import selectors as payments
    from reviews import selectors as reviews
    from shipping import estimates
    from storefront import page_cache

    expected = {
        cache_layers.PRODUCT_PAGES: page_cache.STOCK_CHECKED_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.LISTING_PAGES: page_cache.LISTING_FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.PRODUCT_CONTENT: page_cache.LISTING_FRESH_SECONDS,
        cache_layers.LISTING_CONTENT: page_cache.LISTING_FRESH_SECONDS,
        cache_layers.HOME_PAGE: page_cache.LISTING_FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.HOME_CONTENT: page_cache.LISTING_FRESH_SECONDS,
        cache_layers.LISTING_COUNTS: listing_cache.TTL_SECONDS,
        cache_layers.STOCK_LISTING_PAGES: page_cache.FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.STOCK_LISTING_CONTENT: page_cache.FRESH_SECONDS,
        cache_layers.STOCK_LISTING_COUNTS: listing.STOCK_COUNTS_FRESH_SECONDS,
        cache_layers.CATEGORY_PAGES: page_cache.LISTING_FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.CATEGORY_CONTENT: page_cache.LISTING_FRESH_SECONDS,
        cache_layers.CATEGORY_COUNTS: listing_cache.TTL_SECONDS,
        cache_layers.KEPT_COUNTS: category_counts.MAX_AGE.total_seconds(),
        cache_layers.STOCK_CATEGORY_PAGES: page_cache.FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS,
        cache_layers.STOCK_CATEGORY_CONTENT: page_cache.FRESH_SECONDS,
        cache_layers.STOCK_CATEGORY_COUNTS: listing.STOCK_COUNTS_FRESH_SECONDS,
        cache_layers.CATALOG_DATA: listing_cache.TTL_SECONDS,
        cache_layers.SCHEDULE: listing_cache.TTL_SECONDS,
        cache_layers.SHOWN_STOCK: shown_stock.TTL_SECONDS,
        cache_layers.SIGNED_IN_REVIEWS: page_cache.FRESH_SECONDS,
        cache_layers.OWN_REVIEWS: reviews.OWN_REVIEWS_TTL_SECONDS,
        cache_layers.USER_CACHE: user_cache.TTL_SECONDS,
        cache_layers.SITE_SETTINGS: site_settings.CACHE_SECONDS,
        cache_layers.CATEGORY_TREE: tree.CACHE_SECONDS,
        cache_layers.SHIPPING_RATES: estimates.CACHE_SECONDS,
        cache_layers.SHOPPER_PLACE: estimates.PLACE_SECONDS,
        cache_layers.PAYMENT_NAMES: payments.OFFERED_NAMES_SECONDS,
        cache_layers.PICTURE_SRCSETS: renditions.LOOK_AGAIN_SECONDS,
    }
    assert {name: layer(name).stale_seconds for name in expected} == expected
    # A product page past FRESH_SECONDS is served only while the stock it shows holds.
    assert layer(cache_layers.PRODUCT_PAGES).checks == cache_layers.SHOWN_STOCK
    assert (
        layer(cache_layers.PRODUCT_PAGES).checked_seconds == page_cache.FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS
    )
    # The rest are keyed by what they show (or hold nothing): never stale by themselves.
    assert all(found.stale_seconds == 0 for found in LAYERS if found.name not in expected)


@pytest.mark.parametrize("found", LAYERS, ids=lambda found: found.name)
def test_every_layer_lives_where_it_says(found):
    if found.module.startswith("templates/"):
        assert (ROOT / found.module).exists()
        return
    parts = found.module.split(".")  # a module, or a function in one ("storefront.views._catalog_content")
    try:
        imported, attributes = importlib.import_module(found.module), []
    except ImportError:
        imported, attributes = importlib.import_module(".".join(parts[:-1])), parts[-1:]
    for attribute in attributes:
        assert callable(getattr(imported, attribute))


def test_every_template_fragment_cache_is_a_declared_layer():
    declared = " ".join(found.key for found in LAYERS)
    for path in (ROOT / "templates").rglob("*.html"):
        for name in re.findall(r"{%\s*cache\s+\S+\s+(\w+)", path.read_text()):
            assert f"template.cache.{name}." in declared, f"{path}: {{% cache %}} {name} is in no layer"


def _page_cached(view) -> bool:
    while view is not None:
        code = getattr(view, "__code__", None)
        if code and code.co_filename.endswith("page_cache.py") and code.co_name == "wrapper":
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _storefront_pages() -> dict[str, object]:
    pages: dict[str, object] = {}
    for namespace in ("catalog", "storefront"):
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns:
            if isinstance(pattern, URLPattern) and pattern.callback.__module__ == "storefront.views":
                pages[f"{namespace}:{pattern.name}"] = pattern.callback
    return pages


def test_every_storefront_page_is_declared_and_the_cached_ones_by_a_page_cache_layer():
    declared = {name: found for found in cache_layers.page_layers() for name in found.pages}
    pages = _storefront_pages()
    assert {name for name in declared if "?" not in name} == set(pages)
    for name, found in declared.items():  # "url name?query": the page with that query is another layer's
        view = pages[name.partition("?")[0]]
        assert _page_cached(view) == (found.stale_seconds > 0), name


@pytest.mark.parametrize(
    "marker, table", [("table", cache_layers.markdown_table), ("late", cache_layers.late_writes_table)]
)
def test_the_docs_tables_are_the_registry(marker, table):
    page = (ROOT / "docs" / "caching.md").read_text()
    found = re.search(rf"<!-- cache-layers:{marker} -->\n(.*?)\n<!-- /cache-layers:{marker} -->", page, re.S)
    assert found, f"docs/caching.md has no cache-layers:{marker} markers"
    assert found.group(1) == table(), "print the tables again (docs/caching.md says how)"


def test_every_key_a_request_reads_with_the_others_is_a_declared_layer_s():
    from core import request_reads

    keys = " ".join(found.key for found in LAYERS)
    assert request_reads._KEYS and all(key in keys for key in request_reads._KEYS)


def test_product_pages_are_told_of_every_catalog_model_but_the_home_page_s_banners():
    catalog_models = {
        model._meta.label for model in apps.get_app_config("catalog").get_models() if not cache_layers.is_history(model)
    }
    # CategoryCounts: a layer's own table (the listing counts kept per category), no page's data.
    assert {*cache_layers.PRODUCT_PAGE_CATALOG, "catalog.Banner", "catalog.CategoryCounts"} == catalog_models
    versions = layer(cache_layers.PRODUCT_VERSIONS)
    assert set(versions.per_product) <= set(versions.told_by)


def test_every_per_product_model_names_the_products_its_writes_touch():
    from catalog import listing_cache

    assert set(listing_cache._PRODUCTS_OF) == set(layer(cache_layers.PRODUCT_VERSIONS).per_product)
