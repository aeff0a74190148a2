"""The purchase limit after leaving without paying (issue 30): an unpaid order's units still count
(the order holds them for the shopper), and the refusal says so, names the order and links to
paying it; once the order is cancelled or its window closes, the units can be added again."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inventory.models import Reservation
from orders.models import Order
from tests.factories import UserFactory, checkout, fill_cart

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


@pytest.fixture
def customer_left_cap_order_unpaid(shop, django_capture_on_commit_callbacks):
    """A signed-in customer who bought the most of a limited cap (2), then left without paying."""
    cap = shop["cap"].product
    cap.max_per_customer = 2
    cap.save(update_fields=["max_per_customer"])
    client = Client()
    client.force_login(UserFactory(email="ana@example.pe"))
    fill_cart(client, ("CAP-U", 2))
    with django_capture_on_commit_callbacks(execute=True):  # the cart is emptied when the order commits
        order = checkout(client, email="ana@example.pe")
    client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "abandon"})
    return client, order


def add_cap(client):
    return client.post(reverse("cart:add"), {"sku": "CAP-U", "quantity": "1"}, headers={"HX-Request": "true"})


def test_the_refusal_names_the_unpaid_order_and_links_to_paying_it(customer_left_cap_order_unpaid):
    client, order = customer_left_cap_order_unpaid

    page = add_cap(client).content.decode()

    assert "ya tienes 2, contando tu pedido N.º " + order.number + " pendiente de pago" in page
    assert f'<a href="{reverse("payments:pay", args=[order.number])}">págalo aquí</a>' in page
    assert "podrás agregarlas de nuevo" in page
    assert "&lt;a" not in page  # the link is a link, not escaped text


def test_once_the_shopper_cancels_the_unpaid_order_the_units_can_be_added_again(customer_left_cap_order_unpaid):
    client, order = customer_left_cap_order_unpaid
    client.post(reverse("orders:cancel", args=[order.number]))

    assert "Agregado a tu carrito" in add_cap(client).content.decode()


def test_once_the_window_closes_the_units_can_be_added_again(customer_left_cap_order_unpaid):
    client, order = customer_left_cap_order_unpaid
    past = timezone.now() - timedelta(minutes=61)
    Order.objects.filter(pk=order.pk).update(placed_at=past)
    Reservation.objects.filter(order_id=order.pk).update(expires_at=past + timedelta(minutes=60))

    assert "Agregado a tu carrito" in add_cap(client).content.decode()


def test_units_bought_and_paid_keep_the_plain_refusal(customer_left_cap_order_unpaid):
    client, order = customer_left_cap_order_unpaid
    client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "tarjeta-prueba"})
    client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})

    page = add_cap(client).content.decode()

    assert "ya tienes 2" in page and "pendiente de pago" not in page
