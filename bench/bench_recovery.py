"""Recovery after a Redis restart: a Redis of the bench's own (append-only file) is the
broker, the result backend and the cache; a real worker (prefork, 2 children, with its beat) consumes
from it. Forty orders each get a refund notification before their payment's, so forty webhook events
wait for their retries in the worker; the payments complete, and Redis is killed (SIGKILL) at once,
while the retries are pending. The figure: seconds from Redis answering again to the backlog drained
(every event applied, every order e-mail and nota de crédito out, nothing overdue), with the worker
still the same process. The retries the worker held are lost with the connection: the worker asks
for a sweep when it reconnects, so the drain time is the reconnect back-off plus the sweep's grace."""

import tempfile
import time
from decimal import Decimal
from pathlib import Path

from core import jobs
from orders.models import OrderEmail
from payments.models import WebhookEvent
from payments.services import payment_complete
from payments.services.webhooks import webhook_event_store
from receipts.models import Receipt, ReceiptKind
from tests.core.worker_stack import Stack, wait_for
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.webhook_helpers import body, charge_refunded

ORDERS = 40
DOWN_SECONDS = 3


def run() -> list[dict]:
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-recovery-")))
    try:
        with stack.used_here():
            return _measure(stack)
    finally:
        stack.stop()


def _measure(stack: Stack) -> list[dict]:
    stack.start_worker()
    orders = [make_order(quantity=1) for _ in range(ORDERS)]
    payments = [make_payment(order, reference=f"cs_bench_{order.pk}") for order in orders]
    event_ids = []
    for payment in payments:
        payload = charge_refunded(payment, [(f"re_bench_{payment.pk}", Decimal("5.00"))])
        event, _created = webhook_event_store(
            provider="stripe",
            event_id=payload["id"],
            event_type=payload["type"],
            payload=payload,
            raw_body=body(payload).decode(),
        )
        event_ids.append(event.pk)
    events = WebhookEvent.objects.filter(pk__in=event_ids)
    wait_for(lambda: not events.filter(attempts=0).exists(), timeout=120, what="every event tried once", log=stack.log)
    for payment in payments:
        payment_complete(payment=payment, amount=payment.amount, currency="PEN", gateway_reference=f"pi_{payment.pk}")
    pending = events.exclude(status=WebhookEvent.Status.PROCESSED).count()
    worker_pid = stack.worker.pid

    stack.redis.stop()
    time.sleep(DOWN_SECONDS)
    stack.redis.start()
    back = time.perf_counter()

    order_ids = [order.pk for order in orders]
    notes = Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE, order_id__in=order_ids)

    def drained() -> bool:
        return (
            not events.exclude(status=WebhookEvent.Status.PROCESSED).exists()
            and not OrderEmail.objects.filter(order_id__in=order_ids, sent_at__isnull=True).exists()
            and notes.count() == ORDERS
            and not notes.filter(emailed_at__isnull=True).exists()
            and all(row.count == 0 for row in jobs.backlog())
        )

    wait_for(drained, timeout=300, what="the backlog to drain", every=0.1, log=stack.log)
    seconds = time.perf_counter() - back
    alive = stack.worker.poll() is None and stack.worker.pid == worker_pid
    return [
        {"name": "events_waiting_for_retry_when_redis_died", "value": pending, "unit": "count"},
        {"name": "seconds_from_redis_back_to_backlog_drained", "value": round(seconds, 2), "unit": "s"},
        {"name": "worker_survived", "value": alive, "unit": "bool"},
    ]
