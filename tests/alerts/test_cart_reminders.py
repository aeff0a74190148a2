"""Forgotten-cart reminders: once per cart, only with marketing consent, never after the order; the
signed link brings the cart back; the admin counts reminders, recoveries and sales."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from alerts import services, tokens
from alerts.models import CartReminder
from cart.store import LineKey, cart_store
from legal.services import consent_marketing_set
from orders.models import Order
from tests.factories import (
    CollectionFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    add,
    age_cart,
    ahead,
    checkout,
    details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


@pytest.fixture
def customer_who_left_a_cart(client, shop):
    """A signed-in customer who consented to marketing e-mails and left a polera_m_sold_out in the cart a day ago."""
    user = UserFactory(email="ana@example.pe")
    consent_marketing_set(user=user, granted=True)
    client.force_login(user)
    add(client, "HOOD-M", 2)
    age_cart(f"user-{user.pk}", 25)
    return user


def _restore_path(message) -> str:
    url = next(word for word in message.body.split() if "/avisos/carrito/" in word)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_cart_left_a_day_is_reminded_once(customer_who_left_a_cart):
    assert services.cart_reminders_send_due(idle_hours=24) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.pe"]
    assert "2 × Hoodie Andino" in message.body and "S/" in message.body
    assert services.cart_reminders_send_due(idle_hours=24) == 0
    reminder = CartReminder.objects.get()
    assert (reminder.units, reminder.user) == (2, customer_who_left_a_cart)


def test_coming_back_and_leaving_again_sends_nothing_more(client, customer_who_left_a_cart):
    services.cart_reminders_send_due(idle_hours=24)
    add(client, "CAP-U")
    age_cart(f"user-{customer_who_left_a_cart.pk}", 30)
    assert services.cart_reminders_send_due(idle_hours=24) == 0
    assert len(mail.outbox) == 1


def test_not_before_the_hours_pass(client, customer_who_left_a_cart):
    age_cart(f"user-{customer_who_left_a_cart.pk}", 3)
    assert services.cart_reminders_send_due(idle_hours=24) == 0


def test_no_email_without_consent_or_once_withdrawn(client, shop):
    quiet = UserFactory(email="sin-permiso@example.pe")
    client.force_login(quiet)
    add(client, "HOOD-M")
    age_cart(f"user-{quiet.pk}", 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 0
    consent_marketing_set(user=quiet, granted=True)
    consent_marketing_set(user=quiet, granted=False)
    assert services.cart_reminders_send_due(idle_hours=24) == 0
    assert mail.outbox == []


def test_never_after_the_cart_was_ordered(client, customer_who_left_a_cart):
    order = checkout(client, email="ana@example.pe")
    age_cart(f"user-{customer_who_left_a_cart.pk}", 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 0
    # A new cart after that order is a new cart.
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at - timedelta(hours=30))
    add(client, "CAP-U")
    age_cart(f"user-{customer_who_left_a_cart.pk}", 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 1


def test_a_guest_who_consented_at_checkout_is_reminded(client, shop, policies):
    add(client, "CAP-U")
    assert details(client, email="rosa@example.pe", accept_terms="on", accept_marketing="on").status_code == 302
    cart_key = client.session["cart_id"]
    age_cart(cart_key, 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 1
    assert mail.outbox[0].to == ["rosa@example.pe"]


def test_a_guest_without_marketing_consent_is_not(client, shop, policies):
    add(client, "CAP-U")
    assert details(client, email="rosa@example.pe", accept_terms="on").status_code == 302
    age_cart(client.session["cart_id"], 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 0


def test_a_secret_price_stays_secret(customer_who_left_a_cart):
    drop = CollectionFactory(collection_type="drop", starts_at=ahead(days=2))
    secret = VariantFactory(product=ProductFactory(name="Zapatilla Secreta", base_price="777.00"))
    drop.items.create(product=secret.product, order=0)
    cart_store().add(f"user-{customer_who_left_a_cart.pk}", LineKey(secret.pk), 1)
    age_cart(f"user-{customer_who_left_a_cart.pk}", 25)
    assert services.cart_reminders_send_due(idle_hours=24) == 1
    body = mail.outbox[0].body
    assert "Zapatilla Secreta (precio al lanzamiento)" in body and "777" not in body


def test_the_link_brings_a_guests_cart_back_in_another_browser(client, shop, policies, django_user_model):
    from django.test import Client

    add(client, "CAP-U", 2)
    details(client, email="rosa@example.pe", accept_terms="on", accept_marketing="on")
    age_cart(client.session["cart_id"], 25)
    services.cart_reminders_send_due(idle_hours=24)
    other = Client()
    link = _restore_path(mail.outbox[0])
    response = other.get(link)
    assert response.status_code == 302 and response.url == reverse("cart:detail")
    page = other.get(reverse("cart:detail"))
    assert "Gorra Inti" in page.content.decode()
    reminder = CartReminder.objects.get()
    assert reminder.recovered_at is not None
    first = reminder.recovered_at
    assert other.get(link).status_code == 302  # a replay: still that cart, recovered once
    reminder.refresh_from_db()
    assert reminder.recovered_at == first


def test_a_customers_link_asks_to_sign_in_and_is_refused_to_another_account(client, customer_who_left_a_cart):
    services.cart_reminders_send_due(idle_hours=24)
    link = _restore_path(mail.outbox[0])
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and "/login/" in response.url
    client.force_login(UserFactory())
    response = client.get(link)
    assert response.status_code == 403
    assert CartReminder.objects.get().recovered_at is None
    client.force_login(customer_who_left_a_cart)
    assert client.get(link).status_code == 302
    assert CartReminder.objects.get().recovered_at is not None


def test_tampered_and_expired_links_are_refused(client, customer_who_left_a_cart):
    services.cart_reminders_send_due(idle_hours=24)
    reminder = CartReminder.objects.get()
    good = tokens.token_make(tokens.CART, pk=reminder.pk, email=reminder.email)
    for token in (
        good[:-3] + "abc",
        tokens.token_make(tokens.CONFIRM, pk=reminder.pk, email=reminder.email),
        tokens.token_make(tokens.CART, pk=reminder.pk, email="otro@example.pe"),
    ):
        response = client.get(reverse("alerts:cart_restore", args=[token]))
        assert response.status_code == 400
    tokens.MAX_AGE[tokens.CART] = -1
    try:
        response = client.get(reverse("alerts:cart_restore", args=[good]))
    finally:
        tokens.MAX_AGE[tokens.CART] = 7 * tokens.DAY
    assert response.status_code == 400 and "venció" in response.content.decode()


def test_the_admin_counts_reminders_recoveries_and_sales(client, customer_who_left_a_cart, admin_client):
    services.cart_reminders_send_due(idle_hours=24)
    client.get(_restore_path(mail.outbox[0]))
    order = checkout(client, email="ana@example.pe")
    response = admin_client.get(reverse("admin:alerts_cartreminder_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recordatorios enviados" in html and order.number in html
    totals = response.context["totals"]
    assert (totals["sent"], totals["recovered"], totals["sales"]) == (1, 1, 1)
