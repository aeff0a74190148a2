"""`make run` has no Celery beat: runserver runs the beat schedule in a thread of its own
(core.scheduler), so unpaid orders expire on time and overdue work is swept as in production."""

import json
import os
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core.heartbeats import BEAT, heartbeats_read
from core.scheduler import serving_under_runserver
from orders.models import Order, OrderStatus
from tests.core.worker_stack import database_url, wait_for
from tests.factories import make_guest_order as make_order
from tests.harness import require_env
from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv, environ, expected",
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),  # the autoreloader's serving child
        (["manage.py", "runserver"], {}, False),  # the autoreloader's parent only watches files
        (["manage.py", "runserver", "--noreload"], {}, True),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, False),
        (["celery", "-A", "config", "worker"], {}, False),
    ],
)
def test_only_runserver_s_serving_process_runs_the_scheduler(argv, environ, expected):
    assert serving_under_runserver(argv, environ) is expected


@pytest.mark.django_db(transaction=True)
def test_runserver_without_a_broker_expires_unpaid_orders_on_its_own(tmp_path):
    """A real `manage.py runserver` on the embedded settings (no broker: tasks inline), on the test
    database: an order past its payment window is cancelled by the server's own scheduler, with no
    request touching it, and /healthz shows the scheduler's heartbeat."""
    require_env("DATABASE_URL")
    overdue = make_order()
    Order.objects.filter(pk=overdue.pk).update(placed_at=timezone.now() - timedelta(minutes=61))
    fresh = make_order()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("CELERY_BROKER_URL", "REDIS_URL")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": database_url(), "CELERY_RESULT_BACKEND": ""}
    )
    log = tmp_path / "runserver.log"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: Order.objects.get(pk=overdue.pk).status == OrderStatus.CANCELLED,
            timeout=40,
            what="the server's scheduler to expire the order",
            log=log,
        )
        assert Order.objects.get(pk=fresh.pk).status == OrderStatus.PENDING_PAYMENT
        # The tick that expired the order records the heartbeat after its tasks: wait for it too.
        wait_for(lambda: BEAT in heartbeats_read(), timeout=20, what="the scheduler's heartbeat", log=log)
        # The scheduler starts with the apps, before runserver's checks and its port: on a busy
        # machine the order can expire before the server answers.
        wait_until_answering(f"http://127.0.0.1:{port}/robots.txt", server, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            body = json.load(response)
        assert body["beat"]["status"] == "ok" and body["worker"]["status"] == "eager"
        assert "AlwaysEagerIgnored" not in log.read_text()  # nothing was published to a broker
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
