"""The names of a product page's catalog data (catalog.selectors.rows_names): the same rows read again
have the same names, whatever else changed (when they were saved, another product); a changed value
anywhere in what the page shows gives another name, and a price only the first of the two."""

from decimal import Decimal

import pytest

from catalog import selectors
from catalog.models import Brand, Product, ProductImage, Variant
from tests.factories import ProductImageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


@pytest.fixture
def product(shop):
    ProductImageFactory(product=shop["cheap"], alt="De frente")
    return shop["cheap"]


def _names(product) -> tuple[str, str]:
    data = selectors._product_catalog_data(product.slug)
    assert data is not None
    return data.reading, data.reading_but_prices


def test_the_same_rows_read_again_have_the_same_names(product, shop):
    first = _names(product)
    Product.objects.filter(pk=shop["kid"].pk).update(name="Hoodie Mini Plus")  # another product
    product.save()  # saved as it was: only its `auto_now` moment moves
    assert _names(product) == first


@pytest.mark.parametrize(
    "write",
    [
        lambda product: Product.objects.filter(pk=product.pk).update(description="Algodón peruano."),
        lambda product: Brand.objects.filter(pk=product.brand_id).update(name="Inti Wear Perú"),
        lambda product: ProductImage.objects.filter(product=product).update(alt="De espaldas"),
        lambda product: Variant.objects.filter(pk=product.variants.first().pk).update(is_active=False),
    ],
    ids=["its description", "its brand's name", "a picture's text", "a variant off sale"],
)
def test_a_value_the_page_shows_changed_gives_other_names(product, write):
    first = _names(product)
    write(product)
    whole, but_prices = _names(product)
    assert whole != first[0] and but_prices != first[1]


def test_a_price_changed_renames_the_whole_not_what_leaves_prices_out(product):
    whole, but_prices = _names(product)
    Product.objects.filter(pk=product.pk).update(base_price=Decimal("79.00"))
    assert _names(product)[0] != whole
    assert _names(product)[1] == but_prices
