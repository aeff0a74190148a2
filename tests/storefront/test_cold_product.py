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
    _new_price(shop)
    client.get(pages["cheap"])
    with django_assert_max_num_queries(1):  # its stock, read afresh in tests
        response = client.get(pages["cheap"])
    assert "S/ 89.00" in response.content.decode()
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
