"""Fault tests on real processes: a Redis of the test's own (append-only file, as docker-compose.yml
runs it) is the broker, the result backend and the cache; a real Celery worker (prefork, 2 children,
with its beat) consumes from it. Redis is killed and started again while webhook events wait for
their retries: the worker lives on, every pending task completes exactly once, and /healthz says
503 while Redis is away and 200 when it is back."""

import time
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from orders.models import OrderEmail, PaymentStatus
from payments.models import Payment, Refund, WebhookEvent
from payments.services import payment_complete
from payments.services.webhooks import webhook_event_store
from receipts.models import Receipt, ReceiptKind
from tests.core.worker_stack import Stack, wait_for
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.harness import require_env
from tests.payments.webhook_helpers import body, charge_refunded

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(tmp_path):
    require_env("DATABASE_URL")
    stack = Stack(tmp_path)
    try:
        with stack.used_here():
            yield stack
    finally:
        stack.stop()


def healthz(client: Client) -> int:
    return client.get(reverse("healthz")).status_code


def outage(stack: Stack, client: Client, *, while_down=None) -> None:
    """Kill Redis (SIGKILL), see /healthz answer 503, do `while_down`, start it again, see 200."""
    stack.redis.stop()
    assert healthz(client) == 503
    if while_down:
        while_down()
    time.sleep(1)
    stack.redis.start()
    wait_for(lambda: healthz(client) == 200, timeout=10, what="/healthz back to 200")


def test_the_worker_survives_redis_restarts_and_every_pending_task_completes_once(stack):
    """Six orders; a refund event for each arrives before its payment's completion, so the events
    wait for retries (1 s, 2 s, 4 s ... in this worker). Redis is killed twice while they wait; during
    the second outage the payments complete. After it every event is applied once, every refund
    recorded once, and every order e-mail (placed, paid, refunded) sent once."""
    stack.start_worker()
    orders = [make_order(quantity=1) for _ in range(6)]
    payments = [make_payment(order, reference=f"cs_fault_{index}") for index, order in enumerate(orders)]
    for payment in payments:
        payload = charge_refunded(payment, [(f"re_fault_{payment.pk}", Decimal("5.00"))])
        webhook_event_store(
            provider="stripe",
            event_id=payload["id"],
            event_type=payload["type"],
            payload=payload,
            raw_body=body(payload).decode(),
        )
    events = WebhookEvent.objects.filter(event_type="charge.refunded")

    def attempts() -> list[int]:
        return list(events.order_by("pk").values_list("attempts", flat=True))

    wait_for(lambda: min(attempts()) >= 2, timeout=45, what="every event to be in retry", log=stack.log)
    client = Client(raise_request_exception=False)

    before = attempts()
    outage(stack, client)
    # The retries the worker held in memory were lost with the connection; the sweep brings them back.
    wait_for(
        lambda: all(now > then for now, then in zip(attempts(), before)),
        timeout=30,
        what="the events' retries to resume after the first outage",
        log=stack.log,
    )
    assert stack.worker.poll() is None, stack.worker_output()[-3000:]

    def pay_everything():
        # The stack retries Redis at every call (REDIS_RETRY_SECONDS=0) so that recovery shows at once;
        # here, as in production, the first failed publish opens the circuit for a moment and the
        # others run inline at once instead of each waiting out the publish retries (~1.4 s a payment).
        with override_settings(REDIS_RETRY_SECONDS=2):
            for payment in payments:
                payment_complete(
                    payment=payment, amount=payment.amount, currency="PEN", gateway_reference=f"pi_{payment.pk}"
                )

    outage(stack, client, while_down=pay_everything)  # the paid e-mails run inline: the broker is away
    wait_for(
        lambda: not events.exclude(status=WebhookEvent.Status.PROCESSED).exists(),
        timeout=40,
        what="every event to be processed",
        log=stack.log,
    )
    wait_for(
        lambda: not OrderEmail.objects.filter(sent_at__isnull=True).exists(),
        timeout=20,
        what="every order e-mail to be sent",
        log=stack.log,
    )
    notes = Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE)
    wait_for(
        lambda: notes.count() == len(orders) and not Receipt.objects.filter(emailed_at__isnull=True).exists(),
        timeout=20,
        what="every nota de crédito to be issued and e-mailed",
        log=stack.log,
    )

    assert stack.worker.poll() is None, stack.worker_output()[-3000:]
    assert "Unrecoverable error" not in stack.worker_output()
    assert_paid_and_refunded_once(payments, orders)
    assert_every_email_sent_once(stack, orders)
    assert healthz(client) == 200


def assert_paid_and_refunded_once(payments, orders) -> None:
    for payment in payments:
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
        assert list(Refund.objects.filter(payment=payment).values_list("status", flat=True)) == [
            Refund.Status.SUCCEEDED
        ]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {WebhookEvent.Status.PROCESSED}
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
        assert sorted(order.emails.values_list("kind", flat=True)) == ["paid", "placed", "refunded"]


def emails_sent(stack: Stack) -> list[str]:
    """The worker's e-mails, plus this process's while the broker was away."""
    from django.core import mail

    return stack.mail_lines() + [f"{','.join(m.to)}\t{m.subject}" for m in mail.outbox]


def assert_every_email_sent_once(stack: Stack, orders) -> None:
    """Exactly once: no e-mail went out twice."""
    # A receipt is stamped e-mailed as its send is claimed (core.once), a moment before the
    # worker's mail backend writes it: wait for the writes, then count.
    wait_for(
        lambda: sum(any(order.number in line for order in orders) for line in emails_sent(stack)) >= 5 * len(orders),
        timeout=20,
        what="every e-mail to be written",
        log=stack.log,
    )
    sent = emails_sent(stack)
    assert len(sent) == len(set(sent)), sent
    for order in orders:
        # Placed, paid, refunded; the boleta and the nota de crédito of the refund.
        assert sum(order.number in line for line in sent) == 5, [line for line in sent if order.number in line]
