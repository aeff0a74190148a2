"""Every stock refusal a shopper reads names the product and its option, never a SKU or an
internal id: one wording (inventory.messages) for the product page, the kit page and the cart."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cart.services import Cart, CartError, cart_add
from inventory.messages import stock_shortage_message
from inventory.services import reservations
from tests.factories import (
    KitFactory,
    KitItemFactory,
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    stock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyboard():
    warehouse = WarehouseFactory(code="LIM", priority=1)
    size = OptionFactory(code="size", name="Talla", order=0)
    color = OptionFactory(code="color", name="Color", order=1)
    red = OptionValueFactory(option=color, slug="rojo", value="Rojo")
    black = OptionValueFactory(option=color, slug="negro", value="Negro")
    product = ProductFactory(name="Teclado Kallpa K1", slug="teclado-k1", base_price=Decimal("199.90"))
    never_stocked = VariantFactory(product=product, sku="K1-ROJO", values=[red])  # no stock level at all
    two_left = VariantFactory(product=product, sku="K1-NEGRO", values=[black])
    stock(two_left, warehouse, 2)
    hoodie = VariantFactory(
        sku="HOOD-M-NEG",
        values=[OptionValueFactory(option=size, slug="m", value="M"), black],
        product=ProductFactory(name="Hoodie Andino", base_price=Decimal("149.00")),
    )
    plain = VariantFactory(sku="GORRA-U", product=ProductFactory(name="Gorra Inti"))
    return {"red": never_stocked, "black": two_left, "hoodie": hoodie, "plain": plain, "warehouse": warehouse}


def test_the_wording_names_the_product_and_its_options(keyboard):
    assert stock_shortage_message(keyboard["red"], available=0) == "Teclado Kallpa K1 (Rojo) está agotado."
    assert (
        stock_shortage_message(keyboard["black"], available=2) == "Solo quedan 2 unidades de Teclado Kallpa K1 (Negro)."
    )
    assert stock_shortage_message(keyboard["hoodie"], available=1) == "Solo queda 1 unidad de Hoodie Andino (M, Negro)."
    assert stock_shortage_message(keyboard["plain"], available=0) == "Gorra Inti está agotado."
    assert stock_shortage_message(keyboard["red"], available=0, at_checkout=True).startswith(
        "Teclado Kallpa K1 (Rojo) se agotó mientras completabas tu compra."
    )
    assert stock_shortage_message(keyboard["black"], available=2, at_checkout=True).startswith(
        "Solo quedan 2 unidades de Teclado Kallpa K1 (Negro)."
    )


@pytest.mark.parametrize("in_database", [True, False], ids=["database-path", "python-path"])
def test_a_variant_never_stocked_is_named_not_numbered(client, keyboard, monkeypatch, in_database):
    monkeypatch.setattr(reservations, "RESERVE_IN_DATABASE", in_database)

    response = client.post(reverse("cart:add"), {"sku": "K1-ROJO", "quantity": "1"}, HTTP_HX_REQUEST="true")

    assert response.context["error"] is True
    assert response.context["message"] == "Teclado Kallpa K1 (Rojo) está agotado."


@pytest.mark.parametrize("in_database", [True, False], ids=["database-path", "python-path"])
def test_asking_for_more_than_is_left_says_how_many_of_what(keyboard, monkeypatch, in_database):
    monkeypatch.setattr(reservations, "RESERVE_IN_DATABASE", in_database)

    with pytest.raises(CartError) as refusal:
        cart_add(cart=Cart(id="anon-messages"), sku="K1-NEGRO", quantity=3)

    assert str(refusal.value) == "Solo quedan 2 unidades de Teclado Kallpa K1 (Negro)."


def test_a_kit_with_a_sold_out_choice_names_it(client, keyboard):
    kit = KitFactory(slug="kit-teclado", name="Kit Teclado")
    item = KitItemFactory(kit=kit, product=keyboard["red"].product)

    response = client.post(
        reverse("cart:add_kit", args=["kit-teclado"]), {f"item-{item.pk}": "K1-ROJO"}, HTTP_HX_REQUEST="true"
    )

    assert response.context["message"] == "Teclado Kallpa K1 (Rojo) está agotado."
    assert not re.search(rf"\b{keyboard['red'].pk}\b", response.context["message"])  # no internal id
