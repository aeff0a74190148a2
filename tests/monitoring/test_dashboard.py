"""deploy/grafana/tienda.json queries only metrics that exist: every metric name in every panel's
expression is one /metrics exposes (after a request, a failed task and rows of each kind)."""

import json
import re
from pathlib import Path

import pytest
from celery import shared_task
from celery.signals import task_failure
from prometheus_client.parser import text_string_to_metric_families

from core.heartbeats import heartbeat_record
from payments.models import Payment
from tests.factories import make_guest_order, make_payment

pytestmark = pytest.mark.django_db

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "tienda.json"
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "by", "without", "rate", "increase", "histogram_quantile", "and", "or",
    "unless", "on", "ignoring", "deriv", "le", "bool",
}  # fmt: skip


def metric_names(expr: str) -> set[str]:
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"by \([^)]*\)", "", expr)
    return {word for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr) if word not in PROMQL_WORDS}


@shared_task(name="tests.monitoring.always_fails")
def always_fails():
    raise RuntimeError("boom")


def exposed(client) -> set[str]:
    client.get("/healthz")
    heartbeat_record(name="worker:celery@node1")
    heartbeat_record(name="beat")
    # What a worker's tracer sends when a task raised (eager runs in the tests do not send it).
    task_failure.send(sender=always_fails, task_id="t1", exception=RuntimeError("boom"))
    payment = make_payment(make_guest_order())
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
    response = client.get("/metrics")
    names = set()
    for family in text_string_to_metric_families(response.content.decode()):
        names.update(sample.name for sample in family.samples)
        names.add(family.name)
    return names


def test_every_panel_queries_metrics_that_exist(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.METRICS_CELERY_QUEUES = ["tienda-test-dashboard-queue"]  # empty: its length is 0
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert expressions
    names = exposed(client)
    missing = {name for expr in expressions for name in metric_names(expr)} - names
    assert missing == set()


def test_a_failed_task_is_counted(client):
    names = exposed(client)
    assert "tienda_celery_tasks_failed_total" in names
    assert b'tienda_celery_tasks_failed_total{task="tests.monitoring.always_fails"}' in client.get("/metrics").content
