"""The delivery step preselects home delivery for a home address (never in-store pickup unless
chosen), and the review says when the order arrives, or when it is ready for pickup, in one
sentence."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from core.templatetags.dates import delivery_estimate
from shipping.models import ShippingMethod
from tests.factories import delivery, details, fill_cart

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def checked_method(html: str) -> str | None:
    found = re.findall(r'name="shipping_method" value="(\d+)" required checked', html)
    assert len(found) <= 1
    return ShippingMethod.objects.get(pk=found[0]).code if found else None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("CAP-U", 1)], "serpost"),  # S/ 59: the cheapest home delivery
        ([("HOOD-M", 2)], "olva-lima"),  # S/ 298: Olva is free from S/ 199
    ],
)
def test_home_delivery_is_preselected_after_a_home_address(client, shop, lines, expected):
    fill_cart(client, *lines)
    assert details(client).status_code == 302

    html = client.get(reverse("checkout:delivery")).content.decode()

    assert "Recojo en tienda" in html  # pickup is offered...
    assert checked_method(html) == expected  # ...but not chosen for the shopper


def test_pickup_stays_selected_once_chosen(client, shop):
    fill_cart(client, ("CAP-U", 1))
    details(client)
    assert delivery(client, "recojo-tienda").status_code == 302

    assert checked_method(client.get(reverse("checkout:delivery")).content.decode()) == "recojo-tienda"
    ShippingMethod.objects.filter(code="recojo-tienda").update(
        pickup_address="Av. Larco 345, Miraflores", pickup_hours="Lunes a sábado, 10:00 a 20:00"
    )
    review = client.get(reverse("checkout:review")).content.decode()
    assert "Listo para recoger desde el" in review
    assert "Llega" not in review
    # The store the shopper collects from, not the home address typed on the first step.
    assert "Recoger en" in review and "Av. Larco 345, Miraflores" in review and "Lunes a sábado" in review
    assert "Av. Arequipa 1234" not in review and "Recoge Rosa Quispe" in review


def test_a_tampered_method_shows_the_form_again_with_nothing_forced(client, shop):
    fill_cart(client, ("CAP-U", 1))
    details(client)
    response = client.post(
        reverse("checkout:delivery"), {"shipping_method": "99999", "payment_method": "tarjeta-prueba"}
    )
    assert response.status_code == 200
    assert checked_method(response.content.decode()) is None
    assert response.context["form"].errors


@pytest.mark.parametrize(
    ("pickup", "start", "end", "spanish", "english"),
    [
        (
            False,
            date(2026, 11, 24),
            date(2026, 11, 24),
            "Llega el martes 24 de noviembre",
            "Arrives on Tuesday, November 24",
        ),
        (
            False,
            date(2026, 11, 24),
            date(2026, 11, 26),
            "Llega entre el martes 24 de noviembre y el jueves 26 de noviembre",
            "Arrives between Tuesday, November 24 and Thursday, November 26",
        ),
        (
            True,
            date(2026, 11, 24),
            date(2026, 11, 24),
            "Listo para recoger desde el martes 24 de noviembre",
            "Ready to pick up from Tuesday, November 24",
        ),
    ],
)
def test_the_delivery_sentence(pickup, start, end, spanish, english):
    option = SimpleNamespace(is_pickup=pickup, delivery_from=start, delivery_to=end)
    with translation.override("es-pe"):
        assert delivery_estimate(option) == spanish
    with translation.override("en"):
        assert delivery_estimate(option) == english
