"""Expiry racing a late payment notice, in real parallel processes on PostgreSQL: the unpaid-orders
job, the gateway's notice (payment_complete) and another shopper wanting the same last units start
together, again and again. Whatever the interleaving, each round ends in exactly one outcome: the
order paid with its units sold, or the order cancelled with the money kept and its refund proposed
(never an order shipped without money, never money without an order or a refund)."""

import multiprocessing
import os
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from inventory.exceptions import InsufficientStock
from inventory.models import Movement, Reservation, StockLevel
from inventory.services import stock_reserve
from orders.models import Order, OrderStatus, PaymentStatus
from orders.services import orders_cancel_unpaid
from payments.models import Payment, Provider, Refund
from payments.services.attempts import payment_complete, payment_wait
from tests.factories import make_guest_order, make_payment

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel processes need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

# The other shopper starts a little later in later rounds, so both outcomes come up.
SHOPPER_DELAYS = (0, 0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4)
UNITS = 2  # the order takes all of them: only one of it and the other shopper can have them


def _run(action: str, order_id: int, payment_id: int, barrier, results, delay: float) -> None:
    """One process: wait for the others, then act as the job, the gateway or the other shopper."""
    # A connection object inherited from the parent is never this process's to use: dropped unclosed
    # (closing it would end the parent's session), so the first query here opens this process's own.
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None
    try:
        barrier.wait(timeout=30)
        if action == "shopper":
            time.sleep(delay)
        if action == "expire":
            outcome = f"cancelled {orders_cancel_unpaid(older_than_minutes=60)}"
        elif action == "notice":
            payment = Payment.objects.get(pk=payment_id)
            order = Order.objects.get(pk=order_id)
            outcome = payment_complete(
                payment=payment, amount=order.total, currency="PEN", gateway_reference=f"cip-{payment_id}"
            ).status
        else:
            variant_id = Order.objects.get(pk=order_id).lines.get().variant_id
            try:
                stock_reserve(lines={variant_id: UNITS}, cart_key=f"another-{order_id}", minutes=15)
                outcome = "reserved"
            except InsufficientStock:
                outcome = "refused"
        results.put((action, outcome))
    except Exception as error:  # reported to the test, not lost in the child
        # With the PostgreSQL session that served it: two children on one session would show it.
        try:
            session = connection.connection.info.backend_pid if connection.connection is not None else None
        except Exception:  # a broken session may not say
            session = "?"
        results.put((action, f"error {type(error).__name__}: {error} (pid {os.getpid()}, session {session})"))
    finally:
        connections.close_all()


def _waiting_order_past_its_code():
    order = make_guest_order(quantity=UNITS, on_hand=UNITS)
    stock_reserve(lines={order.lines.get().variant_id: UNITS}, order_id=order.pk, minutes=60)
    payment = make_payment(order, provider=Provider.CULQI, reference="")
    payment_wait(payment=payment, code=f"{order.pk:08d}", expires_at=timezone.now() + timedelta(hours=24))
    # The code has just expired: the job, the notice and the other shopper all see it at once.
    Order.objects.filter(pk=order.pk).update(
        payment_due_at=timezone.now() - timedelta(seconds=1), placed_at=timezone.now() - timedelta(hours=2)
    )
    Reservation.objects.filter(order_id=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return order, payment


def _race(order: Order, payment: Payment, *, delay: float, actions=("expire", "notice", "shopper")) -> dict[str, str]:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(actions)), context.Queue()
    connections.close_all()  # each child opens its own connection; none inherits the parent's socket
    processes = [
        context.Process(target=_run, args=(action, order.pk, payment.pk, barrier, results, delay)) for action in actions
    ]
    for process in processes:
        # Again before each fork: a connection the parent opened meanwhile would be shared by the
        # children forked after it (seen once in CI: two children's queries answered on one socket).
        connections.close_all()
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert all(process.exitcode == 0 for process in processes)
    return dict(results.get(timeout=5) for _process in processes)


def _assert_one_outcome(order: Order, payment: Payment, outcomes: dict[str, str]) -> str:
    assert not any(outcome.startswith("error") for outcome in outcomes.values()), outcomes
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED  # the money is never lost
    assert order.payment_status == PaymentStatus.PAID
    sold = -(
        Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).aggregate(units=Sum("quantity"))[
            "units"
        ]
        or 0
    )
    level = StockLevel.objects.get(variant_id=order.lines.get().variant_id)
    held = Reservation.objects.active().filter(stock_level=level).aggregate(units=Sum("quantity"))["units"] or 0
    assert level.on_hand >= 0 and held <= level.on_hand  # never more units promised than there are
    if order.status == OrderStatus.PAID:
        assert sold == UNITS and order.cancelled_at is None
        assert not Refund.objects.filter(payment=payment).exists()
        assert outcomes["shopper"] == "refused" or held == 0
        return "paid"
    assert order.status == OrderStatus.CANCELLED and sold == 0
    assert not order.shipments.exclude(status="cancelled").exists()
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.REQUESTED and refund.amount == payment.amount
    assert order.needs_attention
    assert outcomes["shopper"] == "reserved"
    return "refunded"


def test_expiry_racing_a_late_notice_ends_in_exactly_one_outcome():
    seen = []
    for delay in SHOPPER_DELAYS:
        order, payment = _waiting_order_past_its_code()
        seen.append(_assert_one_outcome(order, payment, _race(order, payment, delay=delay)))
    assert set(seen) <= {"paid", "refunded"}


def test_with_the_units_still_free_the_race_always_ends_paid():
    """No other shopper: whether the job or the notice locks the order first, the payment pays it
    (revived if the job cancelled it a moment before); never a refund, never a second sale."""
    for _round in range(4):
        order, payment = _waiting_order_past_its_code()
        outcomes = _race(order, payment, delay=0, actions=("expire", "notice"))
        assert not any(outcome.startswith("error") for outcome in outcomes.values()), outcomes
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID
        assert not Refund.objects.filter(payment=payment).exists()
        sold = Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).aggregate(units=Sum("quantity"))
        assert -sold["units"] == UNITS
