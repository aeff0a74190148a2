"""A product page rendered cold: after a write to the product itself (its catalog entries end, no
other's), after a write to another product (nothing of it is read again), and with the caches
emptied (a deploy, a flush). The query counts are ceilings: a new read on this path has to be
folded into one it already makes. The page cache is off here (tests/conftest.py): this is the
render path, what the first request after the write costs."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductImageFactory, stock, three_for_two
from tests.harness import clear_cache, warm_site_settings

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


@pytest.fixture
def pages(client, shop):
    """Hoodie Básico (pictures, two sizes in stock, Hoodie Tech among its related products) and
    Hoodie Mini (another category), each rendered once: every cache warm."""
    ProductImageFactory(product=shop["cheap"])
    for variant in shop["cheap"].variants.all():
        stock(variant, quantity=3)
    urls = {"cheap": "/p/hoodie-basico/", "kid": "/p/hoodie-mini/"}
    for url in urls.values():
        assert client.get(url).status_code == 200
    return urls


def _new_price(shop) -> None:
    from catalog.services import product_prices_set

    product_prices_set(prices={shop["cheap"].pk: Decimal("89.00")})


def _new_name(shop) -> None:
    from catalog.services import product_save

    product = shop["cheap"]
    product.name = "Hoodie Básico Algodón"
    product_save(product=product)


def test_a_product_page_rendered_after_its_own_write_makes_at_most_five_queries(
    client, shop, pages, django_assert_max_num_queries
):
    _new_price(shop)
    # The product, its variants, their option values, its pictures; its stock (read afresh in tests).
    with django_assert_max_num_queries(5):
        response = client.get(pages["cheap"])
    assert "S/ 89.00" in response.content.decode()


def test_a_write_to_another_product_leaves_a_product_page_s_catalog_entries_warm(client, shop, pages):
    _new_price(shop)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(pages["kid"])
    assert response.status_code == 200
    catalog_reads = [query["sql"] for query in queries.captured_queries if '"catalog_' in query["sql"]]
    assert not catalog_reads, "\n".join(catalog_reads)


def test_a_product_page_rendered_with_the_caches_emptied_makes_at_most_fourteen_queries(
    client, pages, django_assert_max_num_queries
):
    clear_cache()
    warm_site_settings()  # as every query count here: the page, not the settings' own read
    # Besides the five above: the category tree (3), the next scheduled changes, the related
    # products and their pictures, the shipping rates, the payment methods' names.
    with django_assert_max_num_queries(14):
        assert client.get(pages["cheap"]).status_code == 200


def test_a_product_page_rendered_once_after_its_own_write_is_warm_again(
    client, shop, pages, django_assert_max_num_queries, monkeypatch
):
    """The page's content is built from entries read at different moments (its catalog data, read
    again after the write, and its related products, still warm from before it): it holds while
    each of them does, not only while none of their products is written after the oldest."""
    from storefront import views

    rendered = []
    render_parts = views._product_parts
    monkeypatch.setattr(views, "_product_parts", lambda *args: rendered.append(1) or render_parts(*args))
    _new_name(shop)
    client.get(pages["cheap"])
    with django_assert_max_num_queries(1):  # its stock, read afresh in tests
        response = client.get(pages["cheap"])
    assert "Hoodie Básico Algodón" in response.content.decode()
    assert len(rendered) == 1


@pytest.mark.page_cache
def test_a_product_page_cached_after_its_own_write_is_served_from_the_page_cache_again(client, shop, pages):
    _new_price(shop)
    client.get(pages["cheap"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(pages["cheap"])
    assert "S/ 89.00" in response.content.decode()
    assert len(queries) == 0, [query["sql"] for query in queries.captured_queries]


def test_a_product_running_a_quantity_offer_reads_it_once_a_render(
    client, shop, pages, django_assert_max_num_queries, django_assert_num_queries
):
    """Its badge says an offer runs, so each render reads which (promotions.selectors.product_quantity_offer,
    one query compiled once per process), warm or not."""
    three_for_two(shop["cheap"], name="3x2 Hoodies")
    assert "3x2 Hoodies" in client.get(pages["cheap"]).content.decode()
    with django_assert_num_queries(2):  # its offer, and its stock (read afresh in tests)
        assert "3x2 Hoodies" in client.get(pages["cheap"]).content.decode()
    _new_price(shop)
    with django_assert_max_num_queries(6):  # the five of its own write, and its offer
        response = client.get(pages["cheap"])
    assert "S/ 89.00" in response.content.decode() and "3x2 Hoodies" in response.content.decode()


# --- a render kept by what it shows ---------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """The product content's and buy boxes' renders, by name."""
    from storefront import views

    counted = {"content": 0, "buy box": 0}
    render_parts, render_shared = views._product_parts, views._shared_html

    def content(*args):
        counted["content"] += 1
        return render_parts(*args)

    def shared(template, *args):
        counted["buy box"] += template == "catalog/_buy_box.html"
        return render_shared(template, *args)

    monkeypatch.setattr(views, "_product_parts", content)
    monkeypatch.setattr(views, "_shared_html", shared)
    return counted


def test_a_product_saved_as_it_was_has_its_page_read_again_and_nothing_rendered_again(
    client, shop, pages, renders, django_assert_max_num_queries
):
    from catalog.services import product_save

    before = client.get(pages["cheap"]).content.decode()
    product_save(product=shop["cheap"])
    with django_assert_max_num_queries(5):  # its catalog data read again: it could have changed
        after = client.get(pages["cheap"]).content.decode()
    assert renders == {"content": 0, "buy box": 0}
    assert _without_tokens(after) == _without_tokens(before)


def test_a_price_change_renders_the_buy_box_again_and_keeps_the_content_around_it(client, shop, pages, renders):
    _new_price(shop)
    html = client.get(pages["cheap"]).content.decode()
    assert "S/ 89.00" in html
    assert renders == {"content": 0, "buy box": 1}


def test_a_change_the_content_shows_renders_it_again(client, shop, pages, renders):
    _new_name(shop)
    assert '<h1 class="product-title">Hoodie Básico Algodón</h1>' in client.get(pages["cheap"]).content.decode()
    assert renders == {"content": 1, "buy box": 1}


def test_a_change_to_a_related_product_renders_the_content_again(client, shop, pages, renders):
    from catalog.services import product_prices_set

    product_prices_set(prices={shop["pricey"].pk: Decimal("333.00")})  # Hoodie Tech, among the related
    assert "S/ 333.00" in client.get(pages["cheap"]).content.decode()
    assert renders["content"] == 1


def test_a_kept_render_is_served_no_longer_than_its_bound_counted_from_when_it_was_rendered(
    client, shop, pages, renders, monkeypatch
):
    """Rendered at 0 s, saved as it was at 50 s and read again then: served, but its entry ends at 60 s
    (LISTING_FRESH_SECONDS) from the render, not from the read, so what no write announces (stock on
    its related products' cards) is no staler than before."""
    import time

    from catalog.services import product_save
    from storefront.views import LISTING_FRESH_SECONDS

    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + LISTING_FRESH_SECONDS - 10)
    product_save(product=shop["cheap"])
    client.get(pages["cheap"])
    assert renders["content"] == 0
    monkeypatch.setattr(time, "time", lambda: start + LISTING_FRESH_SECONDS + 1)
    client.get(pages["cheap"])
    assert renders["content"] == 1


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|nonce=")[^"]+', r"\1", html)


def _price_fields():
    from catalog.selectors import PRICES

    return [(model, name) for model, names in PRICES.items() for name in sorted(names)]


@pytest.mark.parametrize(("model", "name"), _price_fields(), ids=lambda value: getattr(value, "__name__", value))
def test_a_price_the_content_is_named_without_changes_none_of_that_content(
    client, shop, pages, monkeypatch, model, name
):
    """catalog.selectors.PRICES: a change of one of them alone serves the content kept before it, so
    the content must not show it. Each is changed and the content rendered afresh is compared; an
    annotation (the moment a launch reveals the price) is not in the content's templates."""
    from django.core.cache import caches
    from django.template.loader import get_template

    from catalog import listing_cache
    from catalog.models import Product, Variant
    from storefront import views

    fields = {field.attname: field for field in model._meta.concrete_fields}
    if name not in fields or fields[name].generated:
        for template in views.PRODUCT_CONTENT_TEMPLATES:
            assert name not in get_template(template).template.source, template
        return
    rendered = []
    render_parts = views._product_parts
    monkeypatch.setattr(views, "_product_parts", lambda *args: rendered.append(render_parts(*args)) or rendered[-1])

    def content() -> dict:
        clear_cache()
        caches["fragments"].clear()
        listing_cache._read_entries.clear()
        assert client.get(pages["cheap"]).status_code == 200
        return rendered[-1]

    before = content()
    rows = (
        Product.objects.filter(pk=shop["cheap"].pk)
        if model is Product
        else Variant.objects.filter(product=shop["cheap"])
    )
    new_values = {"compare_at_price": Decimal("500.00"), "promo_badge": "3x2", "promo_percent": Decimal("10")}
    rows.update(**{name: new_values.get(name, Decimal("7.00"))})
    assert content() == before
