"""Orders spending one gift card at once spend it once and never below zero (the card's row
lock), and two browsers placing with the same code get one spend."""

from decimal import Decimal

import pytest
from django.db import connection

from credit.models import GiftCard, GiftCardUse
from credit.services.gift_cards import GiftCardError, gift_card_issue, gift_card_spend
from tests.factories import UserFactory, make_order
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def card_of(staff, amount="100"):
    return gift_card_issue(
        actor=staff,
        amount=amount,
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Kallpa",
        reason="Prueba",
        deliver_on=None,
    )


def test_one_card_spent_by_four_orders_at_once_is_spent_once():
    staff = UserFactory(is_staff=True)
    card = card_of(staff)
    orders = [make_order(customer=UserFactory()) for _ in range(4)]

    def spend(index):
        return gift_card_spend(code=card.code, order=orders[index], amount="80.00").pk

    results, errors = run_in_threads(spend, 4)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(error, GiftCardError) for error in errors)
    card.refresh_from_db()
    assert card.balance == Decimal("20.00") and GiftCardUse.objects.count() == 1


def test_partial_spends_at_once_never_overdraw():
    staff = UserFactory(is_staff=True)
    card = card_of(staff)
    orders = [make_order() for _ in range(6)]

    def spend(index):
        return gift_card_spend(code=card.code, order=orders[index], amount="30.00").pk

    results, errors = run_in_threads(spend, 6)
    assert len(results) == 3 and len(errors) == 3
    card = GiftCard.objects.get(pk=card.pk)
    assert card.balance == Decimal("10.00")
    assert -sum(GiftCardUse.objects.values_list("amount", flat=True)) == Decimal("90.00")


def test_two_shoppers_placing_with_one_code_at_once_spend_it_once():
    """Two customers hold the same code (a bearer card) and place their orders at the same moment."""
    from django.test import Client

    from demo.shipping import load_demo_shipping
    from orders.models import Order
    from payments.services import payment_method_ensure_test_gateway
    from tests.factories import VariantFactory, WarehouseFactory, delivery, details, fill_cart, place, review_key, stock

    load_demo_shipping()
    payment_method_ensure_test_gateway()
    stock(VariantFactory(sku="HOOD-M"), WarehouseFactory(), 10)
    card = card_of(UserFactory(is_staff=True), amount="90")
    browsers, keys = [Client(), Client()], []
    for browser in browsers:
        browser.force_login(UserFactory())
        fill_cart(browser, ("HOOD-M", 1))
        details(browser, email="")
        delivery(browser)
        browser.post("/checkout/gift-card/", {"code": card.code, "amount": "80.00"})
        keys.append(review_key(browser))

    results, errors = run_in_threads(lambda index: place(browsers[index], keys[index]).status_code, 2)
    assert errors == [] and results == [302, 302]
    card.refresh_from_db()
    assert GiftCardUse.objects.count() == 1 and card.balance == Decimal("10.00")
    assert Order.objects.count() == 1  # the refused placement wrote nothing
