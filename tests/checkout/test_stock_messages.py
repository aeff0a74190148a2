"""A line that can no longer be had when the order is placed is named as the shopper knows it:
the product and its option, never its SKU."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from inventory.models import Reservation
from orders.models import Order
from tests.factories import (
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
    delivery,
    details,
    fill_cart,
    place,
    review_key,
    stock,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


@pytest.mark.parametrize(
    "taken, expected",
    [
        (3, "Polera Kallpa (XL) se agotó mientras completabas tu compra. Quítalo del carrito para continuar."),
        (2, "Solo queda 1 unidad de Polera Kallpa (XL). Cambia la cantidad en tu carrito para continuar."),
    ],
)
def test_a_line_lost_during_checkout_is_named_with_its_option(client, shop, taken, expected):
    xl = OptionValueFactory(option=OptionFactory(code="size"), slug="xl", value="XL")
    polera = VariantFactory(
        sku="POL-XL", values=[xl], product=ProductFactory(name="Polera Kallpa", base_price=Decimal("89.00"))
    )
    stock(polera, shop["warehouse"], 3)
    fill_cart(client, ("POL-XL", 2))
    details(client)
    delivery(client)
    key = review_key(client)
    Reservation.objects.update(expires_at=timezone.now())  # the cart's hold lapsed
    fill_cart(Client(), ("POL-XL", taken))  # and someone took the units

    response = place(client, key)

    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [expected]
    assert "POL-XL" not in messages[0]
    assert not Order.objects.exists()
