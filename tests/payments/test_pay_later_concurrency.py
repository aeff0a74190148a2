"""Real threads against PostgreSQL (issue 30): an unpaid order paid later while its customer
cancels it in another tab, or paid from two tabs at once, ends one way only: paid once with its
units sold, or cancelled with its units released; the stock ledger always adds up."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inventory.models import Movement, Reservation, StockLevel
from inventory.services import stock_reserve
from orders.exceptions import CancelNotAllowed
from orders.models import Order, OrderStatus
from orders.services import order_cancel
from payments.models import Payment
from payments.services import PaymentError, payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
from tests.factories import UserFactory, WarehouseFactory, ledger_mismatches, line_for, make_order, stocked_variant
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_eager_tasks_in_threads(monkeypatch):
    """Eager tasks from several threads share a process-wide flag (tests/orders/test_concurrency.py):
    the e-mails and the receipt are not what these tests are about."""
    from orders.tasks import send_order_email
    from receipts import tasks as receipt_tasks

    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)
    monkeypatch.setattr(receipt_tasks.issue_receipt, "delay", lambda *args, **kwargs: None)
    monkeypatch.setattr(receipt_tasks.issue_credit_note_for_cancelled_order, "delay", lambda *args, **kwargs: None)


@pytest.fixture
def unpaid_order():
    """An order left unpaid 45 minutes ago (past a paid order's cancel window, inside its payment
    window): its customer may still pay it or cancel it."""
    customer = UserFactory()
    variant = stocked_variant(WarehouseFactory(), units=5)
    order = make_order(customer=customer, lines=[line_for(variant, quantity=2)])
    stock_reserve(lines={variant.pk: 2}, order_id=order.pk, customer=customer, minutes=60)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=45))
    order.refresh_from_db()
    return order, variant, customer


def test_paying_later_while_cancelling_in_another_tab_ends_one_way(unpaid_order):
    order, variant, customer = unpaid_order
    attempt = payment_start(order=order, method=payment_method_ensure_test_gateway())

    def pay_or_cancel(index: int) -> str:
        if index == 0:
            try:
                return payment_test_gateway_pay(payment=attempt, actor=customer).status
            except PaymentError:  # the cancellation closed the attempt before the shopper's click reached it
                return "pay refused"
        try:
            order_cancel(order=Order.objects.get(pk=order.pk), actor=customer, reason="", by_customer=True)
        except CancelNotAllowed:
            return "cancel refused"
        return "cancelled"

    results, errors = run_in_threads(pay_or_cancel, 2)

    assert errors == []
    order.refresh_from_db()
    attempt.refresh_from_db()
    sold = Movement.objects.filter(stock_level__variant=variant, kind=Movement.Kind.SALE).count()
    if order.status == OrderStatus.PAID:  # paid first: past its 30-minute window, it can no longer be cancelled
        assert sorted(results) == sorted([Payment.Status.SUCCEEDED, "cancel refused"])
        assert sold == 1 and StockLevel.objects.get(variant=variant).on_hand == 3
    else:  # cancelled first: the attempt ends failed (or abandoned by the cancellation) and charges nothing
        assert order.status == OrderStatus.CANCELLED
        assert sorted(results) in (sorted([Payment.Status.FAILED, "cancelled"]), sorted(["pay refused", "cancelled"]))
        assert attempt.status in (Payment.Status.FAILED, Payment.Status.ABANDONED)
        assert sold == 0 and StockLevel.objects.get(variant=variant).on_hand == 5
    assert not Reservation.objects.active().filter(order_id=order.pk).exists()
    assert ledger_mismatches() == []


def test_paying_later_from_two_tabs_at_once_charges_once(unpaid_order):
    order, variant, customer = unpaid_order
    method = payment_method_ensure_test_gateway()

    def pay(index: int) -> str:
        try:
            attempt = payment_start(order=order, method=method)
        except PaymentError:  # the other tab finished paying before this one started
            return "start refused"
        return payment_test_gateway_pay(payment=attempt, actor=customer).status

    results, errors = run_in_threads(pay, 2)

    assert errors == []
    assert sorted(results) in (
        sorted([Payment.Status.SUCCEEDED, Payment.Status.FAILED]),
        sorted([Payment.Status.SUCCEEDED, "start refused"]),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payments.filter(status=Payment.Status.SUCCEEDED).count() == 1
    assert Movement.objects.filter(stock_level__variant=variant, kind=Movement.Kind.SALE).count() == 1
    assert StockLevel.objects.get(variant=variant).on_hand == 3
    assert ledger_mismatches() == []
