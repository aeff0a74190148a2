"""Fault tests on real processes: a Redis of the test's own (append-only file, as docker-compose.yml
runs it) is the broker, the result backend and the cache; a real Celery worker (prefork, 2 children,
with its beat) consumes from it. Redis is killed and started again while webhook events wait for
their retries: the worker lives on, every pending task completes exactly once, and /healthz says
503 while Redis is away and 200 when it is back."""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from config.celery import app as celery_app
from core.resilience import broker_outage, redis_outage
from orders.models import OrderEmail, PaymentStatus
from payments.models import Payment, Refund, WebhookEvent
from payments.services import payment_complete
from payments.services.webhooks import webhook_event_store
from tests.conftest import require_env
from tests.payments.webhook_helpers import body, charge_refunded, make_order, make_payment
from tests.redis_server import OwnRedis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, *, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    """The test's Redis, a worker (with beat) on it, and this process pointed at it."""

    def __init__(self, tmp_path: Path):
        self.dir = tmp_path
        self.redis = OwnRedis(persistent=True).start()
        self.worker: subprocess.Popen | None = None
        self.log = tmp_path / "worker.log"

    def start_worker(self) -> None:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings", "DATABASE_URL": database_url(),
            "REDIS_URL": f"{self.redis.url}/0", "CELERY_BROKER_URL": f"{self.redis.url}/1",
            "CELERY_RESULT_BACKEND": f"{self.redis.url}/2", "FAULT_DIR": str(self.dir),
            "CACHE_KEY_PREFIX": "faults",
        }
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--concurrency=2", "--loglevel=INFO",
             "-n", f"faults-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )

    def mail_lines(self) -> list[str]:
        path = self.dir / "mail.log"
        return path.read_text().splitlines() if path.exists() else []

    def worker_output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.redis.stop()


@pytest.fixture
def stack(tmp_path):
    from constance import config
    from django.core.cache import cache

    require_env("DATABASE_URL")
    stack = Stack(tmp_path)
    conf = celery_app.conf
    previous = conf.broker_url, conf.broker_write_url, conf.task_always_eager
    conf.broker_url = conf.broker_write_url = f"{stack.redis.url}/1"
    conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    backend = config._backend
    previous_cache = getattr(backend, "_cache", None)
    try:
        with override_settings(CACHES=stack.redis.cache_settings(), REDIS_RETRY_SECONDS=0):
            if previous_cache is not None:
                backend._cache = cache  # site settings read this test's Redis too (see test_faults)
            yield stack
    finally:
        if previous_cache is not None:
            backend._cache = previous_cache
        conf.broker_url, conf.broker_write_url, conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        redis_outage.reset()
        broker_outage.reset()
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
        webhook_event_store(provider="stripe", event_id=payload["id"], event_type=payload["type"], payload=payload,
                            raw_body=body(payload).decode())
    events = WebhookEvent.objects.filter(event_type="charge.refunded")

    def attempts() -> list[int]:
        return list(events.order_by("pk").values_list("attempts", flat=True))

    wait_for(lambda: min(attempts()) >= 2, timeout=45, what="every event to be in retry")
    client = Client(raise_request_exception=False)

    before = attempts()
    outage(stack, client)
    # The retries the worker held in memory were lost with the connection; the sweep brings them back.
    wait_for(lambda: all(now > then for now, then in zip(attempts(), before)), timeout=30,
             what="the events' retries to resume after the first outage")
    assert stack.worker.poll() is None, stack.worker_output()[-3000:]

    def pay_everything():
        for payment in payments:
            payment_complete(payment=payment, amount=payment.amount, currency="PEN",
                             gateway_reference=f"pi_{payment.pk}")

    outage(stack, client, while_down=pay_everything)  # the paid e-mails run inline: the broker is away
    wait_for(lambda: not events.exclude(status=WebhookEvent.Status.PROCESSED).exists(), timeout=40,
             what="every event to be processed")
    wait_for(lambda: not OrderEmail.objects.filter(sent_at__isnull=True).exists(), timeout=20,
             what="every order e-mail to be sent")

    assert stack.worker.poll() is None, stack.worker_output()[-3000:]
    assert "Unrecoverable error" not in stack.worker_output()
    for payment in payments:
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
        assert list(Refund.objects.filter(payment=payment).values_list("status", flat=True)) == [
            Refund.Status.SUCCEEDED]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {WebhookEvent.Status.PROCESSED}
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
        assert sorted(order.emails.values_list("kind", flat=True)) == ["paid", "placed", "refunded"]
    # Exactly once: no e-mail went out twice (the worker's, plus this process's while the broker was away).
    from django.core import mail

    sent = stack.mail_lines() + [f"{','.join(m.to)}\t{m.subject}" for m in mail.outbox]
    assert len(sent) == len(set(sent)), sent
    for order in orders:
        # Placed, paid, refunded; the boleta and the nota de crédito of the refund.
        assert sum(order.number in line for line in sent) == 5, [line for line in sent if order.number in line]
    assert healthz(client) == 200
