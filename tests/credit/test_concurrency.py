"""Two checkouts spending one store credit at once spend it once (row lock on the credit)."""

from decimal import Decimal

import pytest
from django.db import connection

from credit.models import CreditUse, StoreCredit
from credit.services import CreditError, store_credit_issue, store_credit_spend
from tests.factories import make_order
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_one_credit_spent_by_four_orders_at_once_is_spent_once(customer):
    credit = store_credit_issue(customer=customer, amount="100.00")
    orders = [make_order(customer=customer) for _ in range(4)]

    def spend(index):
        return store_credit_spend(credit_id=credit.pk, customer=customer, order=orders[index], amount="80.00").pk

    results, errors = run_in_threads(spend, 4)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(error, CreditError) for error in errors)
    credit.refresh_from_db()
    assert credit.balance == Decimal("20.00")
    assert CreditUse.objects.count() == 1


def test_partial_spends_at_once_never_overdraw(customer):
    credit = store_credit_issue(customer=customer, amount="100.00")
    orders = [make_order(customer=customer) for _ in range(6)]

    def spend(index):
        return store_credit_spend(credit_id=credit.pk, customer=customer, order=orders[index], amount="30.00").pk

    results, errors = run_in_threads(spend, 6)
    assert len(results) == 3 and len(errors) == 3
    credit = StoreCredit.objects.get(pk=credit.pk)
    assert credit.balance == Decimal("10.00")
    assert -sum(CreditUse.objects.values_list("amount", flat=True)) == Decimal("90.00")


def test_two_checkouts_of_one_customer_spend_the_credit_once(customer):
    """The same shopper in two browsers applies the same credit and places both at once."""
    from django.test import Client

    from demo.shipping import load_demo_shipping
    from orders.models import Order
    from payments.services import payment_method_ensure_test_gateway
    from tests.factories import VariantFactory, WarehouseFactory, delivery, details, fill_cart, place, review_key, stock

    load_demo_shipping()
    payment_method_ensure_test_gateway()
    stock(VariantFactory(sku="HOOD-M"), WarehouseFactory(), 10)
    credit = store_credit_issue(customer=customer, amount="90.00")
    browsers, keys = [Client(), Client()], []
    for browser in browsers:
        browser.force_login(customer)
    fill_cart(browsers[0], ("HOOD-M", 1))  # the customer's one cart, seen from both browsers
    for browser in browsers:
        details(browser, email="")
        delivery(browser)
        browser.post("/checkout/credit/", {"credit": credit.pk, "amount": "80.00"})
        keys.append(review_key(browser))

    results, errors = run_in_threads(lambda index: place(browsers[index], keys[index]).status_code, 2)
    assert errors == [] and results == [302, 302]
    credit.refresh_from_db()
    assert CreditUse.objects.count() == 1 and credit.balance == Decimal("10.00")
    assert Order.objects.count() == 1
