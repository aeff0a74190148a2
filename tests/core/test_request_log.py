"""Logs that follow a request (core.request_log): the request id in the response, in one JSON line
per request, in the tasks, gateway log rows and e-mails the request caused; hostile ids replaced; no
personal data in the lines of a whole checkout; errors to Sentry without personal data."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sentry_sdk
from celery.result import allow_join_result
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_guid import get_guid, set_guid
from django_guid.log_filters import CorrelationId
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

from config.celery import app as celery_app
from core.request_log import json_formatter, task_prerun_restore_request_id, task_publish_add_request_id
from core.tasks import ping
from orders.models import Order
from payments.gateway_log import gateway_log_entries, gateway_log_write
from payments.models import GatewayLogEntry
from payments.services.testgateway import payment_methods_ensure_test_gateway_peru
from tests.factories import LIMA, add, delivery, details, place, review_key
from tests.harness import require_env

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout"), pytest.mark.usefixtures("shop")]

HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_lines():
    """What the production console handler writes (its JSON formatter and request-id filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(CorrelationId(correlation_id_field="request_id"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "tienda.access"]


def test_a_request_gets_an_id_returned_and_logged_in_one_json_line(client, json_lines):
    response = client.get(reverse("storefront:home"))

    request_id = response["X-Request-ID"]
    assert HEX32.match(request_id)
    [line] = access_lines(json_lines())
    assert line["request_id"] == request_id
    assert (line["method"], line["status"]) == ("GET", 200) and line["route"]
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None
    assert "client_ip" not in line


def test_the_route_pattern_is_logged_not_the_path_with_its_ids(client, json_lines):
    client.get(reverse("payments:pay", args=["KP-000123"]))

    [line] = access_lines(json_lines())
    assert "KP-000123" not in json.dumps(line)
    assert "<" in line["route"]  # the pattern's converter, e.g. <str:number>


def test_the_proxy_id_is_kept(client):
    given = "0123456789abcdef0123456789abcdef"  # nginx's $request_id
    assert client.get(reverse("storefront:home"), HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize("hostile", ["a" * 200, "0123456789abcdef\r\nSet-Cookie: x=1", "<script>", "1; DROP TABLE"])
def test_a_hostile_id_is_replaced(client, json_lines, hostile):
    response = client.get(reverse("storefront:home"), HTTP_X_REQUEST_ID=hostile)

    assert HEX32.match(response["X-Request-ID"])
    assert hostile not in "".join(json.dumps(line) for line in json_lines())


def test_the_id_travels_in_the_task_headers_and_is_restored_in_the_task():
    """The publish hook writes the header; a worker's task request carries custom headers as
    attributes, and the prerun hook takes the id from there (not from the publisher's context)."""
    set_guid("feedfacefeedfacefeedfacefeedface")
    headers: dict = {}
    task_publish_add_request_id(headers=headers)
    assert headers == {"X-Request-ID": "feedfacefeedfacefeedfacefeedface"}

    class Request(dict):
        def get(self, key, default=None):
            return super().get(key, default)

    class Task:
        request = Request(headers)

    set_guid("0" * 32)  # the worker's own context knows nothing of the page
    task_prerun_restore_request_id(task=Task())
    assert get_guid() == "feedfacefeedfacefeedfacefeedface"


@override_settings(EMAIL_BACKEND="core.request_log.RequestIdEmailBackend")  # Django's test set-up forces locmem
def test_a_whole_checkout_carries_its_ids_to_e_mails_and_logs_no_personal_data(
    client, json_lines, django_capture_on_commit_callbacks
):
    payment_methods_ensure_test_gateway_peru()
    ids = []

    def keep(response):
        ids.append(response["X-Request-ID"])
        return response

    keep(add(client, "HOOD-M"))
    keep(details(client, email="rosa.quispe@example.pe"))
    keep(delivery(client, payment="yape-prueba"))
    keep(place(client, review_key(client)))
    order_number = Order.objects.latest("pk").number
    keep(client.get(reverse("payments:pay", args=[order_number])))
    with django_capture_on_commit_callbacks() as committed:
        keep(
            client.post(
                reverse("testgateway:yape", args=[order_number]), {"phone": "987654321", "approval_code": "123456"}
            )
        )
    # The payment's transaction commits inside that request in production (its tasks are enqueued, here
    # run inline, under its id); the test's transaction never commits, so its callbacks run here.
    set_guid(ids[-1])
    try:
        for callback in committed:
            callback()
    finally:
        set_guid(None)

    assert mail.outbox  # the payment confirmation
    assert {message.message()["X-Request-ID"] for message in mail.outbox} == {ids[-1]}
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in json_lines())
    assert set(ids) <= {line["request_id"] for line in access_lines(json_lines())}
    for personal in ("rosa.quispe@example.pe", LIMA["recipient"], LIMA["street"], LIMA["phone"], "127.0.0.1"):
        assert personal not in text
    assert order_number not in "".join(line["route"] for line in access_lines(json_lines()))


def test_a_gateway_log_row_keeps_the_request_id():
    set_guid("cafebabecafebabecafebabecafebabe")
    try:
        gateway_log_write(provider="culqi", direction="request", kind="charge", body={"amount": 1000})
    finally:
        set_guid(None)

    assert GatewayLogEntry.objects.get().request_id == "cafebabecafebabecafebabecafebabe"
    assert gateway_log_entries()[0]["request_id"] == "cafebabecafebabecafebabecafebabe"


class CapturingTransport(sentry_sdk.transport.Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        self.events.extend(item.payload.json for item in envelope.items if item.payload.json)


@pytest.mark.urls("tests.core.request_log_urls")
def test_an_error_reaches_sentry_with_the_request_id_and_no_personal_data(client, customer, settings):
    settings.SENTRY_DSN = "https://public@sentry.example.invalid/1"
    transport = CapturingTransport()
    sentry_sdk.init(dsn=settings.SENTRY_DSN, transport=transport, **settings.SENTRY_OPTIONS)
    try:
        client.force_login(customer)
        client.raise_request_exception = False
        response = client.get("/boom/?email=rosa@example.pe", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
        sentry_sdk.flush()
    finally:
        # Back to no client at all: a client without a DSN keeps every integration at work, and doubled
        # what each later query and cache read of this test process cost (+37 µs of CPU each).
        sentry_sdk.get_global_scope().set_client(None)
    assert response.status_code == 500
    [event] = [event for event in transport.events if event.get("exception")]
    assert event["exception"]["values"][-1]["value"] == "boom"
    assert event["tags"]["request_id"] == "0123456789abcdef0123456789abcdef"
    dumped = json.dumps(event)
    assert customer.email not in dumped and "rosa@example.pe" not in dumped
    assert "user" not in event or not event["user"].get("email")
    # sentry_sdk's patches stay in the process (they cannot be undone); with no client they pass through.
    assert sentry_sdk.get_client().get_integration(DjangoIntegration) is None
    assert sentry_sdk.get_client().get_integration(RedisIntegration) is None


def test_a_real_worker_logs_the_task_under_the_id_of_the_page_that_enqueued_it():
    """Published here under an id, the message's header carries it to a real worker (its own
    process, its own context), whose JSON log lines of the task carry the same id."""
    require_env("CELERY_BROKER_URL", "REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a queue of our own: no other worker steals the task
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LOG_FORMAT": "json"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    set_guid("beefbeefbeefbeefbeefbeefbeefbeef")
    try:
        result = ping.apply_async(queue=queue)
        with allow_join_result():
            assert result.get(timeout=60) == "pong"
    finally:
        set_guid(None)
        celery_app.conf.task_always_eager = True
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [succeeded] = [line for line in lines if "core.ping" in line["message"] and "succeeded" in line["message"]]
    assert succeeded["request_id"] == "beefbeefbeefbeefbeefbeefbeefbeef"
