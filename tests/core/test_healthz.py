from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core.heartbeats import BEAT, heartbeat_record
from orders.models import OrderEmail
from tests.factories import make_guest_order as make_order
from tests.harness import require_env

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    },
    "fragments": settings.CACHES["fragments"],  # the layout's, per process (templates name it)
}


@pytest.fixture
def real_broker():
    """Talk to the configured broker instead of running tasks inline."""
    require_env("CELERY_BROKER_URL")
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def alive(*names: str) -> None:
    for name in names:
        heartbeat_record(name=name)


def test_ok_on_the_real_stack_with_a_worker_and_the_scheduler_alive(client, real_broker):
    require_env("DATABASE_URL", "REDIS_URL")
    alive("worker:celery@test", BEAT)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body.items() if name != "status"} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
        "jobs": "ok",
    }
    assert body["worker"]["workers"] == 1 and body["jobs"]["oldest_overdue_seconds"] is None
    assert body["jobs"]["backlog"]["payments.webhook_events"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_a_stale_worker_or_scheduler_is_degraded_not_unavailable(client, real_broker):
    require_env("REDIS_URL")
    heartbeat_record(name="worker:celery@test", at=timezone.now() - timedelta(minutes=5))

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200  # the shop still takes payments: queued tasks wait
    assert body["status"] == "degraded"
    assert body["worker"]["status"] == "late" and body["worker"]["age_seconds"] >= 300
    assert body["beat"]["status"] == "late" and "never" in body["beat"]["detail"]


def test_overdue_work_is_reported_with_its_age(client, settings):
    settings.JOBS_OVERDUE_ALERT_SECONDS = 60
    alive(BEAT)
    order = make_order()
    # Its "order placed" e-mail was recorded half an hour ago and its task lost.
    OrderEmail.objects.filter(order=order).update(sent_at=None, created_at=timezone.now() - timedelta(minutes=30))

    body = client.get(reverse("healthz")).json()

    assert body["jobs"]["status"] == "late" and body["jobs"]["backlog"]["orders.emails"] == 1
    assert 28 * 60 <= body["jobs"]["oldest_overdue_seconds"] <= 31 * 60
    assert "orders.emails (1)" in body["jobs"]["detail"]
    assert body["status"] == "degraded"


def test_embedded_default_reports_eager(client):
    alive(BEAT)
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["broker"]["status"] == "eager" and body["worker"]["status"] == "eager"


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_unreachable_redis_gives_503_naming_the_cache(client):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["cache"]["status"] == "error"
    assert body["database"]["status"] == "ok"


def test_unreachable_broker_is_degraded_since_tasks_run_inline(client, real_broker, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["broker"]["status"] == "error"


def test_an_unreachable_database_gives_503_not_500(client, monkeypatch):
    from django.db import OperationalError

    from core import health

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", down)
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["database"]["status"] == "error" and "connection refused" in body["database"]["detail"]
    assert body["jobs"]["status"] == "error"


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_the_command_prints_the_same_as_a_table(capsys):
    alive(BEAT)
    call_command("health")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["comprobación", "estado", "detalle"]
    for name in (
        "base de datos",
        "caché (Redis)",
        "cola de tareas",
        "proceso de tareas",
        "programador (beat)",
        "trabajo pendiente",
        "en conjunto",
    ):  # each check in Spanish, for the person reading it
        assert any(line.startswith(name) for line in out.splitlines())
    assert "payments.webhook_events" in out and "Comprobantes por enviar a SUNAT" in out


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_the_command_exits_1_when_the_shop_cannot_take_payments(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("health", "--format", "json")
    assert exit_info.value.code == 1
    assert '"status": "unavailable"' in capsys.readouterr().out


def test_the_command_can_require_one_check_to_be_ok(capsys):
    heartbeat_record(name=BEAT, at=timezone.now() - timedelta(minutes=10))
    with pytest.raises(SystemExit):
        call_command("health", "--require", "beat")
    alive(BEAT)
    call_command("health", "--require", "beat")  # no exit: the scheduler is alive
