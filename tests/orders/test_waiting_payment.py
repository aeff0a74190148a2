"""An order waiting for a payment made later (a CIP paid at an agent): its payment window and its
stock holds follow the code's expiry, capped by WAITING_PAYMENT_MAX_HOURS; then it expires as any
unpaid order does (the job and the lazy expiry)."""

from datetime import timedelta

import pytest
from constance.test import override_config
from django.utils import timezone

from inventory.models import Movement, Reservation
from inventory.services import stock_reserve
from orders.exceptions import PaymentWaitRefused
from orders.models import Order, OrderEmail, OrderEmailKind, OrderStatus, PaymentStatus
from orders.services import order_cancel, order_expire_if_overdue, order_payment_wait, orders_cancel_unpaid
from payments.models import Payment, Provider, Refund
from payments.services.attempts import payment_complete, payment_wait
from tests.factories import make_guest_order as make_unheld_order
from tests.factories import make_payment

pytestmark = pytest.mark.django_db


def make_guest_order():
    """An order holding its units for the payment window, as checkout leaves it."""
    order = make_unheld_order()
    stock_reserve(lines={line.variant_id: line.quantity for line in order.lines.all()}, order_id=order.pk, minutes=60)
    return order


def holds(order) -> set:
    return set(
        Reservation.objects.filter(order_id=order.pk, status=Reservation.Status.ACTIVE).values_list(
            "expires_at", flat=True
        )
    )


def test_the_window_and_the_holds_follow_the_code_expiry():
    order = make_guest_order()
    until = timezone.now() + timedelta(hours=24)

    waiting = order_payment_wait(order_id=order.pk, until=until)

    order.refresh_from_db()
    assert waiting.payment_due_at == until == order.payment_due_at
    assert order.payment_deadline() == until
    assert order.awaits_payment()
    assert holds(order) == {until}


@override_config(WAITING_PAYMENT_MAX_HOURS=6)
def test_the_window_is_capped_by_the_setting():
    order = make_guest_order()

    order_payment_wait(order_id=order.pk, until=timezone.now() + timedelta(days=5))

    order.refresh_from_db()
    assert order.payment_deadline() == order.placed_at + timedelta(hours=6)
    assert holds(order) == {order.placed_at + timedelta(hours=6)}


def test_a_code_expiring_sooner_never_shortens_the_window():
    order = make_guest_order()
    default_deadline = order.payment_deadline()

    order_payment_wait(order_id=order.pk, until=timezone.now() + timedelta(minutes=5))

    order.refresh_from_db()
    assert order.payment_deadline() == default_deadline


@pytest.mark.parametrize("until", [timedelta(minutes=-1), timedelta(0)])
def test_an_expiry_in_the_past_is_refused(until):
    order = make_guest_order()

    with pytest.raises(PaymentWaitRefused):
        order_payment_wait(order_id=order.pk, until=timezone.now() + until)

    order.refresh_from_db()
    assert order.payment_due_at is None


def test_a_naive_expiry_is_refused():
    order = make_guest_order()
    with pytest.raises(PaymentWaitRefused):
        order_payment_wait(order_id=order.pk, until=(timezone.now() + timedelta(hours=2)).replace(tzinfo=None))


def test_a_cancelled_order_cannot_wait():
    order = make_guest_order()
    order_cancel(order=order, actor=None, reason="", by_customer=False)

    with pytest.raises(PaymentWaitRefused):
        order_payment_wait(order_id=order.pk, until=timezone.now() + timedelta(hours=2))
    order.refresh_from_db()
    assert order.payment_due_at is None


def test_an_order_past_its_window_cannot_wait():
    order = make_guest_order()
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=61))

    with pytest.raises(PaymentWaitRefused):
        order_payment_wait(order_id=order.pk, until=timezone.now() + timedelta(hours=2))


def test_the_job_leaves_a_waiting_order_alone_until_its_code_expires():
    order = make_guest_order()
    order_payment_wait(order_id=order.pk, until=timezone.now() + timedelta(hours=24))
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(hours=2))

    assert orders_cancel_unpaid(older_than_minutes=60) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order_expire_if_overdue(order=order).status == OrderStatus.PENDING_PAYMENT

    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(seconds=1))
    assert orders_cancel_unpaid(older_than_minutes=60) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.expired_unpaid
    assert not holds(order)


# --- a payment notice after the order expired ----------------------------------------------


def waiting_order_expired():
    """A CIP issued, then its expiry passed and the job cancelled the order (its units freed)."""
    order = make_guest_order()
    payment = make_payment(order, provider=Provider.CULQI, reference="ord_live_1")
    payment_wait(payment=payment, code="12345678", expires_at=timezone.now() + timedelta(hours=24))
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(seconds=1))
    assert orders_cancel_unpaid(older_than_minutes=60) == 1
    order.refresh_from_db()
    assert order.expired_unpaid and not holds(order)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.WAITING  # the code may still be paid: the gateway says so
    return order, payment


def complete(payment, order):
    return payment_complete(payment=payment, amount=order.total, currency="PEN", gateway_reference="ord_live_1")


def test_a_late_payment_revives_the_expired_order_when_its_units_are_still_there():
    order, payment = waiting_order_expired()

    assert complete(payment, order).status == Payment.Status.SUCCEEDED

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID
    assert order.cancelled_at is None and not order.needs_attention
    assert not Refund.objects.exists()
    sold = Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).values_list("quantity", flat=True)
    assert -sum(sold) == order.lines.get().quantity
    assert order.shipments.exists()
    change = order.status_changes.order_by("pk").last()
    assert (change.from_status, change.to_status) == (OrderStatus.CANCELLED, OrderStatus.PAID)
    assert OrderEmail.objects.filter(order=order, kind=OrderEmailKind.PAID).count() == 1

    # The notice replayed changes nothing.
    complete(payment, order)
    assert Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).count() == len(sold)
    assert OrderEmail.objects.filter(order=order, kind=OrderEmailKind.PAID).count() == 1


def test_a_late_payment_is_refunded_and_staff_told_when_the_units_are_gone():
    order, payment = waiting_order_expired()
    stock_reserve(lines={order.lines.get().variant_id: 5}, cart_key="another-shopper")

    complete(payment, order)

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED  # the money is never lost
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.PAID
    assert order.needs_attention and "hay que reembolsarlo" in order.attention_note
    assert payment.refunds.get().status == Refund.Status.REQUESTED
    assert not Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).exists()


def test_an_order_the_customer_cancelled_is_not_revived():
    order = make_guest_order()
    payment = make_payment(order, provider=Provider.CULQI, reference="ord_live_1")
    payment_wait(payment=payment, code="12345678", expires_at=timezone.now() + timedelta(hours=24))
    order_cancel(order=order, actor=None, reason="Ya no lo quiero", by_customer=True)

    complete(payment, order)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.needs_attention
    assert payment.refunds.get().status == Refund.Status.REQUESTED


def test_an_expired_order_with_a_coupon_is_refunded_not_revived():
    """Its coupon use went back at the expiry: reviving it would need the use again."""
    order, payment = waiting_order_expired()
    Order.objects.filter(pk=order.pk).update(coupon_code="PROMO10")

    complete(payment, order)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert payment.refunds.get().status == Refund.Status.REQUESTED


def test_a_notice_just_after_the_window_revives_without_telling_the_shopper_it_was_cancelled():
    """The job has not run yet: the notice itself expires the order, then revives it in the same
    transaction; the unsent "cancelled" e-mail goes with the expiry."""
    order = make_guest_order()
    payment = make_payment(order, provider=Provider.CULQI, reference="ord_live_1")
    payment_wait(payment=payment, code="12345678", expires_at=timezone.now() + timedelta(hours=24))
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(seconds=1))

    complete(payment, order)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    kinds = set(OrderEmail.objects.filter(order=order).values_list("kind", flat=True))
    assert OrderEmailKind.PAID in kinds and OrderEmailKind.CANCELLED_UNPAID not in kinds
