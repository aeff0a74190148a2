"""Two checkouts spending one store credit at once spend it once (row lock on the credit)."""

from decimal import Decimal

import pytest
from django.db import connection

from credit.models import CreditUse, StoreCredit
from credit.services import CreditError, store_credit_issue, store_credit_spend
from tests.orders.conftest import make_order
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
