"""Correctness without the scheduler: an unpaid order past its payment window cannot be paid and
shows as expired as soon as something touches it (its page, a payment start, a gateway's late
notification), whether or not the cancellation job ran."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Reservation
from inventory.services import stock_reserve
from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import Order, OrderEmail, OrderEmailKind, OrderStatus, PaymentStatus
from payments.models import Payment, Refund, WebhookEvent
from payments.services import PaymentError, payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
from payments.services.webhooks import webhook_event_process, webhook_event_store
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.webhook_helpers import body, session_completed

pytestmark = pytest.mark.django_db


def placed_ago(order, minutes: int) -> Order:
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()
    return order


def assert_expired(order) -> Order:
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.UNPAID
    assert order.cancel_reason == "No se recibió el pago a tiempo"
    assert not Reservation.objects.filter(order_id=order.pk, status=Reservation.Status.ACTIVE).exists()
    assert OrderEmail.objects.filter(order=order, kind=OrderEmailKind.CANCELLED_UNPAID).count() == 1
    return order


def test_the_order_page_shows_an_overdue_order_expired(client):
    order = placed_ago(make_order(), 61)
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()

    response = client.get(reverse("orders:guest_detail", args=[order.number]))

    assert response.status_code == 200
    assert response.context["order"].status == OrderStatus.CANCELLED
    assert_expired(order)
    # The payment page sends it back to the order: nothing to pay.
    assert client.get(reverse("payments:pay", args=[order.number])).status_code == 302


def test_an_order_inside_its_window_is_left_alone(client):
    order = placed_ago(make_order(), 59)
    payment_start(order=order, method=payment_method_ensure_test_gateway())
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_payment_cannot_start_on_an_overdue_order():
    order = placed_ago(make_order(), 61)
    with pytest.raises(PaymentError, match="venció"):
        payment_start(order=order, method=payment_method_ensure_test_gateway())
    assert_expired(order)
    assert not Payment.objects.filter(order=order).exists()


def test_paying_an_attempt_started_in_time_after_the_window_fails_and_the_order_expires():
    order = make_order()
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    placed_ago(order, 61)
    payment = payment_test_gateway_pay(payment=payment)
    assert payment.status == Payment.Status.FAILED
    assert_expired(order)


def store(payload) -> WebhookEvent:
    event, _created = webhook_event_store(
        provider="stripe",
        event_id=payload["id"],
        event_type=payload["type"],
        payload=payload,
        raw_body=body(payload).decode(),
    )
    return event


def test_a_gateway_payment_reported_after_the_window_is_kept_flagged_and_a_refund_proposed():
    """Its units went to another shopper meanwhile (the late payment with the units still there
    revives the order: tests/orders/test_waiting_payment.py)."""
    order = make_order()
    payment = make_payment(order)
    placed_ago(order, 61)
    stock_reserve(lines={order.lines.get().variant_id: 5}, cart_key="another-shopper")
    event = store(session_completed(payment))

    assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.PROCESSED

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED  # the money is never lost
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.PAID
    assert order.needs_attention
    refund = payment.refunds.get()
    assert refund.status == Refund.Status.REQUESTED and refund.amount == payment.amount


def test_a_gateway_payment_reported_in_time_but_processed_late_pays_the_order():
    """A worker outage delays the processing, not the payment: the webhook arrived in the window."""
    order = make_order()
    payment = make_payment(order)
    event = store(session_completed(payment))
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(minutes=2))
    placed_ago(order, 61)

    webhook_event_process(event_id=event.pk)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and not order.needs_attention
    assert not Refund.objects.exists()
