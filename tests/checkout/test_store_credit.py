"""Spending store credit at checkout: applied on the review step, checked again under the credit's
lock when placing; a credit that covers everything pays the order without a gateway, otherwise
the gateway charges the rest."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditUse, StoreCredit
from credit.services import store_credit_issue
from orders.models import Order, OrderStatus, PaymentStatus
from payments.models import Payment
from tests.factories import (
    BUYER_DNI,
    ON_POSTGRESQL,
    UserFactory,
    VariantFactory,
    delivery,
    details,
    fill_cart,
    place,
    review_key,
    stock,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def to_review(client, *lines):
    fill_cart(client, *(lines or [("HOOD-M", 1)]))
    assert details(client, email="").status_code == 302
    assert delivery(client).status_code == 302


def apply(client, credit_id, amount=""):
    return client.post(reverse("checkout:credit"), {"credit": credit_id, "amount": amount})


def test_review_offers_the_shoppers_credit_and_applies_part_of_it(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="50.00")
    to_review(shopper)
    body = shopper.get(reverse("checkout:review")).content.decode()
    assert credit.number in body
    apply(shopper, credit.pk, "30.00")
    response = shopper.get(reverse("checkout:review"))
    assert response.context["credit_amount"] == Decimal("30.00")
    assert response.context["to_pay"] == response.context["total"] - Decimal("30.00")
    place(shopper, response.context["key"])
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    credit.refresh_from_db()
    assert credit.balance == Decimal("20.00") and payment.amount == order.total - Decimal("30.00")
    assert order.status == OrderStatus.PENDING_PAYMENT
    shopper.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_credit_covering_everything_pays_without_a_gateway(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="500.00")
    to_review(shopper)
    apply(shopper, credit.pk)  # empty amount: as much as the order needs
    response = place(shopper, review_key(shopper))
    order = Order.objects.get()
    assert response.url == order.get_absolute_url()
    assert (order.status, order.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    assert not Payment.objects.filter(order=order).exists()
    credit.refresh_from_db()
    assert credit.balance == Decimal("500.00") - order.total


def test_replaying_the_place_form_spends_once(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="40.00")
    to_review(shopper)
    apply(shopper, credit.pk, "40.00")
    key = review_key(shopper)
    place(shopper, key)
    place(shopper, key)
    assert Order.objects.count() == 1 and CreditUse.objects.count() == 1
    credit.refresh_from_db()
    assert credit.balance == Decimal("0.00")


def test_another_customers_credit_id_is_refused(shopper, shop):
    stranger = store_credit_issue(customer=UserFactory(), amount="90.00")
    to_review(shopper)
    response = apply(shopper, stranger.pk)
    assert response.status_code == 302
    assert shopper.get(reverse("checkout:review")).context["applied_credit"] is None
    place(shopper, review_key(shopper))
    stranger.refresh_from_db()
    assert stranger.balance == Decimal("90.00") and not CreditUse.objects.exists()


@pytest.mark.parametrize("amount", ["-5", "abc", "0", "1.999", "90.01"])
def test_tampered_amounts_are_refused(shopper, shop, customer, amount):
    credit = store_credit_issue(customer=customer, amount="90.00")
    to_review(shopper)
    apply(shopper, credit.pk, amount)
    assert shopper.get(reverse("checkout:review")).context["applied_credit"] is None


def test_a_tampered_session_choice_is_checked_again_when_placing(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="90.00")
    to_review(shopper)
    apply(shopper, credit.pk, "50.00")
    key = review_key(shopper)
    StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = place(shopper, key)
    assert response.status_code == 302 and response.url == reverse("checkout:review")
    assert not Order.objects.exists() and not CreditUse.objects.exists()


def test_a_guest_cannot_apply_credit(client, shop, customer):
    credit = store_credit_issue(customer=customer, amount="90.00")
    fill_cart(client, ("HOOD-M", 1))
    details(client)
    delivery(client)
    apply(client, credit.pk, "10.00")
    assert client.get(reverse("checkout:review")).context["applied_credit"] is None


def test_a_cancelled_order_paid_with_credit_gives_it_back(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="500.00")
    to_review(shopper)
    apply(shopper, credit.pk)
    place(shopper, review_key(shopper))
    order = Order.objects.get()
    shopper.post(reverse("orders:cancel", args=[order.number]))
    order.refresh_from_db()
    credit.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and credit.balance == Decimal("500.00")


@ON_POSTGRESQL  # the query ceilings are the real stack's (SQLite reserves stock in Python)
def test_placing_an_order_partly_paid_by_credit_keeps_the_placement_ceiling(shop, django_assert_max_num_queries):
    """The same 40-query ceiling as tests/checkout/test_checkout.py, flat for 1 and 20 lines."""
    counts = []
    for lines in (1, 20):
        user = UserFactory(email=f"credit{lines}@example.pe")
        credit = store_credit_issue(customer=user, amount="5.00")
        client = Client()
        client.force_login(user)
        variants = [VariantFactory() for _ in range(lines)]
        for variant in variants:
            stock(variant, shop["warehouse"], 3)
        fill_cart(client, *[(v.sku, 1) for v in variants])
        details(client, email="", document_type="dni", document=BUYER_DNI)  # over S/ 700 with 20 lines
        delivery(client)
        apply(client, credit.pk, "5.00")
        key = review_key(client)
        with django_assert_max_num_queries(40) as captured:
            assert place(client, key).status_code == 302
        order = Order.objects.get(email=user.email)
        assert order.lines.count() == lines and order.credit_uses.count() == 1
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_replayed_apply_applies_once(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="90.00")
    to_review(shopper)
    apply(shopper, credit.pk, "20.00")
    apply(shopper, credit.pk, "20.00")
    assert shopper.get(reverse("checkout:review")).context["credit_amount"] == Decimal("20.00")
    place(shopper, review_key(shopper))
    credit.refresh_from_db()
    assert credit.balance == Decimal("70.00") and CreditUse.objects.count() == 1


def test_removing_the_credit_places_a_normal_order(shopper, shop, customer):
    credit = store_credit_issue(customer=customer, amount="90.00")
    to_review(shopper)
    apply(shopper, credit.pk, "20.00")
    shopper.post(reverse("checkout:credit"), {"remove": "1"})
    place(shopper, review_key(shopper))
    order = Order.objects.get()
    assert Payment.objects.get(order=order).amount == order.total and not CreditUse.objects.exists()
