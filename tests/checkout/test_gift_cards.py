"""Gift cards at checkout and their purchase page: a code applied on the review step pays part
(the gateway charges the rest) or all (no gateway) of an order; wrong codes say why and are
rate-limited; buying one is an order of its own, paid through the gateway, with no shipping."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import GiftCard, GiftCardStatus, GiftCardUse
from credit.services.gift_cards import gift_card_issue, gift_card_void
from orders.models import Order, OrderStatus, PaymentStatus
from payments.models import Payment
from tests.factories import UserFactory, delivery, details, fill_cart, place, review_key
from tests.harness import clear_cache

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


@pytest.fixture(autouse=True)
def _fresh_limits():
    clear_cache()  # the rate limit's counters
    yield
    clear_cache()


def to_review(client, *lines):
    fill_cart(client, *(lines or [("HOOD-M", 1)]))
    assert details(client, email="").status_code == 302
    assert delivery(client).status_code == 302


def apply(client, code, amount=""):
    return client.post(reverse("checkout:gift_card"), {"code": code, "amount": amount}, follow=True)


def test_a_card_pays_part_and_the_gateway_the_rest(shopper, shop, card):
    to_review(shopper)
    apply(shopper, card.code.lower().replace("-", " "), "60.00")  # typed loosely: still the card
    response = shopper.get(reverse("checkout:review"))
    assert response.context["gift_card_amount"] == Decimal("60.00")
    assert response.context["to_pay"] == response.context["total"] - Decimal("60.00")
    assert card.code not in response.content.decode()  # the page shows the masked code only
    place(shopper, response.context["key"])
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    card.refresh_from_db()
    assert card.balance == Decimal("40.00") and payment.amount == order.total - Decimal("60.00")
    shopper.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID and order.total == order.subtotal + order.shipping_total


def test_a_card_covering_everything_pays_without_a_gateway(shopper, shop):
    big = gift_card_issue(
        actor=UserFactory(is_staff=True),
        amount="1000",
        recipient_name="Rosa",
        recipient_email="rosa@example.pe",
        sender_name="Lucía",
        reason="Prueba",
    )
    to_review(shopper)
    apply(shopper, big.code)
    response = place(shopper, review_key(shopper))
    order = Order.objects.get()
    assert response.url == order.get_absolute_url()
    assert (order.status, order.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    assert not Payment.objects.filter(order=order).exists()
    big.refresh_from_db()
    assert big.balance == Decimal("1000.00") - order.total


def test_replaying_the_place_form_spends_once(shopper, shop, card):
    to_review(shopper)
    apply(shopper, card.code, "40.00")
    key = review_key(shopper)
    place(shopper, key)
    place(shopper, key)
    assert GiftCardUse.objects.count() == 1 and Order.objects.count() == 1


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "no existe"),
        ("ABCD-EFGH-JKLM-NPQR", "no existe"),
        ("<script>", "no existe"),
        ("x" * 500, "no existe"),
    ],
)
def test_unknown_codes_say_so_and_apply_nothing(shopper, shop, code, message):
    to_review(shopper)
    body = apply(shopper, code).content.decode()
    assert message in body
    assert shopper.get(reverse("checkout:review")).context["applied_gift_card"] is None


def test_voided_and_expired_cards_say_so(shopper, shop, card):
    to_review(shopper)
    GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert apply(shopper, card.code).context["applied_gift_card"] is None
    GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() + timedelta(days=1))
    gift_card_void(card_id=card.pk, actor=UserFactory(is_staff=True), reason="Fraude")
    response = apply(shopper, card.code)
    assert response.context["applied_gift_card"] is None


@pytest.mark.parametrize("amount", ["-10", "0", "abc", "100.01", "1e3"])
def test_tampered_amounts_are_refused(shopper, shop, card, amount):
    to_review(shopper)
    apply(shopper, card.code, amount)
    assert shopper.get(reverse("checkout:review")).context["applied_gift_card"] is None


def test_a_card_spent_elsewhere_after_applying_refuses_the_placement(shopper, shop, card):
    from credit.services.gift_cards import gift_card_spend
    from tests.factories import make_order

    to_review(shopper)
    apply(shopper, card.code, "80.00")
    key = review_key(shopper)
    gift_card_spend(code=card.code, order=make_order(), amount="50.00")
    response = place(
        shopper,
        key,
    )
    assert (
        response.status_code == 302
        and Order.objects.filter(customer__isnull=False, email="rosa@example.pe", lines__sku="HOOD-M").count() == 0
    )
    assert GiftCardUse.objects.count() == 1


def test_guessing_codes_is_rate_limited(shopper, shop, settings):
    settings.GIFT_CARD_RATE_LIMIT = "3/10m/ip"
    to_review(shopper)
    for _ in range(3):
        apply(shopper, "ABCD-EFGH-JKLM-NPQR")
    body = apply(shopper, "ABCD-EFGH-JKLM-NPQR").content.decode()
    assert "Demasiados códigos" in body


# --- buying -------------------------------------------------------------------------------------


def buy(client, **changes):
    page = client.get(reverse("checkout:gift_card_buy"))
    data = {
        "key": page.context["key"],
        "amount": "100",
        "other_amount": "",
        "recipient_name": "Lucía",
        "recipient_email": "lucia@example.pe",
        "sender_name": "Rosa",
        "message": "<b>¡Feliz día!</b>",
        "deliver_on": timezone.localdate().isoformat(),
        "payment_method": "tarjeta-prueba",
        **changes,
    }
    return client.post(reverse("checkout:gift_card_buy"), data)


def test_buying_a_card_is_an_order_without_shipping_paid_at_the_gateway(
    shopper, shop, django_capture_on_commit_callbacks
):
    response = buy(shopper, amount="other", other_amount="250")
    order = Order.objects.get()
    assert response.url == reverse("payments:pay", args=[order.number])
    assert (order.total, order.gift_cards_total, order.shipping_total, order.shipping_method) == (
        Decimal("250.00"),
        Decimal("250.00"),
        Decimal("0.00"),
        None,
    )
    assert Payment.objects.get(order=order).amount == Decimal("250.00")
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    card = GiftCard.objects.get(order=order)
    assert (card.status, card.balance, card.message) == (GiftCardStatus.ACTIVE, Decimal("250.00"), "<b>¡Feliz día!</b>")
    assert card.delivered_at is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "other", "other_amount": "49"},
        {"amount": "other", "other_amount": "1001"},
        {"amount": "other", "other_amount": "99.50"},
        {"amount": "75"},
        {"recipient_email": "lucia@"},
        {"deliver_on": "2000-01-01"},
        {"message": "x" * 301},
        {"payment_method": "nope"},
        {"recipient_name": ""},
    ],
)
def test_bad_purchases_are_refused_and_write_nothing(shopper, shop, changes):
    response = buy(shopper, **changes)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Order.objects.exists() and not GiftCard.objects.exists()


def test_a_double_submit_buys_once_and_a_stale_key_is_refused(shopper, shop):
    page = shopper.get(reverse("checkout:gift_card_buy"))
    data = {
        "key": page.context["key"],
        "amount": "50",
        "recipient_name": "Lucía",
        "recipient_email": "l@example.pe",
        "sender_name": "Rosa",
        "deliver_on": timezone.localdate().isoformat(),
        "payment_method": "tarjeta-prueba",
    }
    shopper.post(reverse("checkout:gift_card_buy"), data)
    shopper.post(reverse("checkout:gift_card_buy"), data)
    assert Order.objects.count() == 1 and GiftCard.objects.count() == 1
    shopper.post(reverse("checkout:gift_card_buy"), {**data, "key": "0" * 32})
    assert Order.objects.count() == 1


def test_buying_needs_an_account(client, shop):
    response = client.get(reverse("checkout:gift_card_buy"))
    assert response.status_code == 302 and "login" in response.url


# --- balance page -------------------------------------------------------------------------------


def test_the_balance_page_shows_balance_and_expiry_but_no_history(client, card):
    from credit.services.gift_cards import gift_card_spend
    from tests.factories import make_order

    order = make_order()
    gift_card_spend(code=card.code, order=order, amount="30.00")
    response = client.post(reverse("credit:gift_card_balance"), {"code": card.code})
    body = response.content.decode()
    assert response.status_code == 200 and "70.00" in body and order.number not in body
    assert response["Cache-Control"] == "private, no-store"


def test_the_balance_page_limits_guessing(client, db, settings):
    settings.GIFT_CARD_RATE_LIMIT = "2/10m/ip"
    for _ in range(2):
        assert client.post(reverse("credit:gift_card_balance"), {"code": "ABCD-EFGH-JKLM-NPQR"}).status_code == 200
    assert client.post(reverse("credit:gift_card_balance"), {"code": "ABCD-EFGH-JKLM-NPQR"}).status_code == 429


def test_the_gift_card_orders_page_lists_its_cards_and_no_delivery(shopper, shop, django_capture_on_commit_callbacks):
    buy(shopper)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    body = shopper.get(order.get_absolute_url()).content.decode()
    assert "Tarjeta de regalo para Lucía" in body and "lucia@example.pe" in body
    assert "Dirección de envío" not in body and GiftCard.objects.get().code not in body
