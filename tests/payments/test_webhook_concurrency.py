"""Real threads against PostgreSQL: one signed event delivered 10 times at once is stored
once, enqueued once, and processed once even when 10 workers pick it up together."""

import threading

import pytest
from django.db import connection
from django.test import Client

from inventory.models import Movement, Reservation
from orders.models import Order, OrderStatus
from payments.models import Payment, WebhookEvent
from payments.services.webhooks import webhook_event_process
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.webhook_helpers import STRIPE_SECRET, body, session_completed, stripe_headers
from tests.threads import run_in_threads

DELIVERIES = 10

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
)


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_10_times_at_once_is_processed_exactly_once(settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    enqueued: list[int] = []
    lock = threading.Lock()

    def record(pk):
        with lock:
            enqueued.append(pk)

    # Eager tasks from many threads share a process-wide flag (see tests/orders/test_concurrency.py):
    # record what would be enqueued, and run the workers ourselves below.
    from orders.tasks import send_order_email
    from payments.tasks import process_webhook_event

    monkeypatch.setattr(process_webhook_event, "delay", record)
    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)

    order = make_order(quantity=2, on_hand=5)
    payment = make_payment(order)
    raw = body(session_completed(payment, event_id="evt_concurrent"))
    headers = stripe_headers(raw)

    responses, errors = run_in_threads(
        lambda i: (
            Client(enforce_csrf_checks=True)
            .post("/payments/webhooks/stripe/", data=raw, content_type="application/json", headers=headers)
            .status_code
        ),
        DELIVERIES,
    )
    assert errors == []
    assert responses == [200] * DELIVERIES
    event = WebhookEvent.objects.get()
    assert enqueued == [event.pk]  # only the delivery that stored it enqueued it

    # Redelivered tasks (acks_late) may run side by side: the row lock lets one apply it.
    results, errors = run_in_threads(lambda i: webhook_event_process(event_id=event.pk).status, DELIVERIES)
    assert errors == []
    assert results == [WebhookEvent.Status.PROCESSED] * DELIVERIES
    event.refresh_from_db()
    assert event.attempts == 1

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.PAID
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    variant_id = order.lines.get().variant_id
    assert Movement.objects.filter(kind=Movement.Kind.SALE, stock_level__variant_id=variant_id).count() == 1
    assert (
        Reservation.objects.filter(stock_level__variant_id=variant_id, status=Reservation.Status.CONVERTED).count() == 1
    )
