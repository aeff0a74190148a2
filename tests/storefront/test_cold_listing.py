"""A category's, a family's or a brand's listing after a catalog write, on the render path (the
page cache is off here, tests/conftest.py): a write to a product of another category (brand)
leaves its content and facet counts warm (nothing of the catalog is read again); a write to one
of its products, a subcategory's included, shows on the next request, whichever row of the
product was written."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductImageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


@pytest.fixture
def listings(client, shop):
    """Hoodies (Hoodie Básico and Tech, and its subcategory Hoodies niños: Hoodie Mini), the
    subcategory alone and the family, each rendered once: every cache warm."""
    urls = {"hoodies": "/c/hoodies/", "kids": "/c/hoodies-ninos/", "family": "/f/moda/"}
    for url in urls.values():
        assert client.get(url).status_code == 200
    return urls


def _page(client, url: str) -> tuple[str, list[str]]:
    """The page and the catalog's tables it read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [
        query["sql"] for query in queries.captured_queries if '"catalog_' in query["sql"]
    ]


def _new_price(product, price: str) -> None:
    from catalog.services import product_prices_set

    product_prices_set(prices={product.pk: Decimal(price)})


def test_a_write_to_another_category_s_product_leaves_a_listing_s_content_and_counts_warm(
    client, shop, listings, django_assert_num_queries
):
    _new_price(shop["cheap"], "89.00")  # of Hoodies, not of Hoodies niños

    with django_assert_num_queries(0):
        response = client.get(listings["kids"])
    assert "Hoodie Mini" in response.content.decode()


def test_a_write_to_a_subcategory_s_product_shows_at_once_on_every_listing_that_holds_it(client, shop, listings):
    _new_price(shop["kid"], "69.00")

    for url in listings.values():
        html, catalog_reads = _page(client, url)
        assert "S/ 69.00" in html, url
        assert catalog_reads, f"{url} was served as it was before the write"


def test_a_picture_of_a_product_shows_at_once_on_its_listing(client, shop, listings):
    """A picture's row names its product, not its category: the category is read from the product."""
    ProductImageFactory(product=shop["kid"], alt="Hoodie Mini en Cusco")

    html, _reads = _page(client, listings["kids"])
    assert "Hoodie Mini en Cusco" in html


def test_a_product_put_in_an_upcoming_drop_hides_its_price_on_its_listing_at_once(client, shop, listings):
    """A drop item's row names its product: its category's listing ends, and the card keeps the price secret."""
    from catalog.models import CollectionItem
    from tests.factories import CollectionFactory, ahead

    drop = CollectionFactory(starts_at=ahead(days=2))
    assert "S/ 79.00" in _page(client, listings["kids"])[0]
    CollectionItem.objects.create(collection=drop, product=shop["kid"])

    html, _reads = _page(client, listings["kids"])
    assert "Hoodie Mini" in html and "S/ 79.00" not in html


def test_a_brand_s_listing_stays_warm_while_another_brand_s_products_are_written(
    client, shop, django_assert_num_queries
):
    url = "/marca/inti-wear/"  # Hoodie Básico and Hoodie Mini
    assert client.get(url).status_code == 200
    _new_price(shop["pricey"], "299.00")  # a Nike

    with django_assert_num_queries(1):  # the brand, read on every render
        assert "Hoodie Mini" in client.get(url).content.decode()

    ProductImageFactory(product=shop["kid"], alt="Hoodie Mini en Puno")  # its row names no brand
    assert "Hoodie Mini en Puno" in client.get(url).content.decode()
