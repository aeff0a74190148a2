"""The product's details fields: the manufacturer's model number, the derived "on offer" flag, the line's image and specs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from tests.factories import ProductFactory, ProductLineFactory, VariantFactory, png_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("price", "compare_at", "on_offer"),
    [("99.00", None, False), ("99.00", "99.00", False), ("99.00", "129.90", True)],
)
def test_on_offer_is_derived_from_the_compare_at_price(price, compare_at, on_offer):
    product = Product(base_price=Decimal(price), compare_at_price=Decimal(compare_at) if compare_at else None)
    assert product.is_on_offer is on_offer


def test_product_page_shows_the_model_number_and_links_the_brand(client):
    product = ProductFactory(model_number="RTX4060-O8G", specs={})
    VariantFactory(product=product)

    page = client.get(reverse("catalog:product", args=[product.slug])).content.decode()

    assert "RTX4060-O8G" in page and "Número de modelo" in page
    assert f'href="/marca/{product.brand.slug}/"' in page


def test_no_model_number_no_row(client):
    product = ProductFactory(model_number="", specs={"Color": "Negro"})
    VariantFactory(product=product)
    page = client.get(reverse("catalog:product", args=[product.slug])).content.decode()
    assert "Número de modelo" not in page


def test_line_page_shows_its_image_and_base_specs(client):
    line = ProductLineFactory(name="GeForce RTX 4060", base_specs={"Memoria": "8 GB GDDR6"}, image=png_file("l.png"))
    offer = ProductFactory(line=line, base_price=Decimal("1299.00"), compare_at_price=Decimal("1499.00"))
    VariantFactory(product=offer)

    page = client.get(line.get_absolute_url()).content.decode()

    assert 'class="line-image"' in page and line.image.url in page
    assert "Memoria" in page and "8 GB GDDR6" in page
    assert "price--sale" in page  # the offer is shown from the derived flag


def test_line_page_without_image_has_no_broken_picture(client):
    line = ProductLineFactory()
    VariantFactory(product=ProductFactory(line=line))
    page = client.get(line.get_absolute_url()).content.decode()
    assert 'class="line-image"' not in page


def test_admin_finds_a_product_by_model_number(admin_client):
    ProductFactory(name="Tarjeta buscada", model_number="B650M-DS3H")
    ProductFactory(name="Otra tarjeta")
    response = admin_client.get(reverse("admin:catalog_product_changelist"), {"q": "B650M-DS3H"})
    assert response.status_code == 200
    assert [p.name for p in response.context["cl"].result_list] == ["Tarjeta buscada"]
