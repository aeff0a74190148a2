"""/metrics: who may read it, what it reports (route patterns, the store's state read at scrape time,
the broker's queues), and that a scrape's database reads stay flat however many rows there are."""

import os
from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core.heartbeats import heartbeat_record
from inventory.models import Reservation
from payments.models import Payment, Provider, WebhookEvent
from receipts.models import Receipt, SendStatus
from receipts.services import receipt_issue_for_order
from tests.factories import VariantFactory, WarehouseFactory, ago, ahead, make_guest_order, make_payment, paid, stock

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, metric: str, **labels) -> float | None:
    return samples.get((metric, tuple(sorted(labels.items()))))


# --- who may read it -------------------------------------------------------------------


def test_a_scraper_inside_reads_it(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.0.5", "not-an-address", ""])
def test_an_address_outside_the_allowed_networks_is_refused(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 403
    assert b"tienda_" not in response.content


def test_the_allowed_networks_come_from_the_setting(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_request_through_the_proxy_is_from_outside_whatever_it_claims(client, settings):
    """nginx (a trusted proxy) forwards the client's address: even a client inside the networks,
    or one that says it is, reached /metrics through the proxy, and the proxy is the way in from outside."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403


def test_a_forged_forwarded_header_from_outside_does_not_help(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_the_token_opens_it_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong", "Bearer ", "Basic s3cret-scrape-token", "s3cret-scrape-token", "Bearer s3cret-scrape-tokenX"],
)
def test_a_wrong_token_is_refused(client, settings, header):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=header).status_code == 403


def test_no_token_set_means_no_bearer_gets_in(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(client, method):
    assert getattr(client, method)("/metrics").status_code == 405


# --- requests by route pattern ------------------------------------------------------------


def test_latency_and_errors_are_labelled_by_route_pattern_not_path(client):
    for section in ("uno", "dos", "tres"):
        client.get(f"/sitemap-{section}.xml")
    client.get("/no-such-page-at-all/xyz")
    samples = scrape(client)
    route_samples = [labels for (name, labels) in samples if name == "tienda_http_requests_total"]
    routes = {dict(labels)["route"] for labels in route_samples}
    assert "/sitemap-<section>.xml" in routes
    assert not any("uno" in route or "xyz" in route for route in routes)
    statuses = {dict(labels)["status"] for labels in route_samples if dict(labels)["route"] == "/sitemap-<section>.xml"}
    assert statuses <= {"2xx", "4xx"}
    count = value(samples, "tienda_http_request_duration_seconds_count", route="/sitemap-<section>.xml", method="GET")
    assert count is not None and count >= 3


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/", "/"),
        ("/healthz", "/healthz"),
        ("/sitemap-x.xml", "/sitemap-<section>.xml"),
        ("/nowhere/at/all", "<unmatched>"),
    ],
)
def test_the_route_label(rf, path, route):
    from django.urls import Resolver404, resolve

    from monitoring.middleware import route_of

    request = rf.get(path)
    try:
        request.resolver_match = resolve(path)
    except Resolver404:
        pass
    assert route_of(request) == route


def test_an_unknown_method_gets_no_series_of_its_own(client):
    client.generic("BREW", "/healthz")
    samples = scrape(client)
    methods = {dict(labels).get("method") for (name, labels) in samples if name == "tienda_http_requests_total"}
    assert "BREW" not in methods and "other" in methods


# --- the store's state, read at scrape time -----------------------------------------------


def failed_payment(provider=Provider.STRIPE, status=Payment.Status.DECLINED) -> Payment:
    payment = make_payment(make_guest_order(), provider=provider)
    Payment.objects.filter(pk=payment.pk).update(status=status)
    return payment


def webhook(provider=Provider.STRIPE, status=WebhookEvent.Status.FAILED, event_id="evt_1", **fields):
    return WebhookEvent.objects.create(provider=provider, event_id=event_id, status=status, **fields)


def test_orders_payments_webhooks_and_holds(client):
    before = value(scrape(client), "tienda_orders_placed_total") or 0
    failed_payment(Provider.STRIPE)
    failed_payment(Provider.STRIPE, Payment.Status.FAILED)
    failed_payment(Provider.PAYPAL)
    webhook(Provider.STRIPE, event_id="evt_failed")
    webhook(
        Provider.MERCADOPAGO,
        WebhookEvent.Status.RECEIVED,
        "evt_wait",
        received_at=timezone.now() - timedelta(minutes=20),
    )
    webhook(Provider.STRIPE, WebhookEvent.Status.PROCESSED, "evt_ok")

    samples = scrape(client)

    assert value(samples, "tienda_orders_placed_total") == before + 3
    assert value(samples, "tienda_payments_failed_total", gateway="stripe", status="declined") == 1
    assert value(samples, "tienda_payments_failed_total", gateway="stripe", status="failed") == 1
    assert value(samples, "tienda_payments_failed_total", gateway="paypal", status="declined") == 1
    assert value(samples, "tienda_webhook_events_failed", gateway="stripe") == 1
    assert value(samples, "tienda_webhook_events_waiting", gateway="mpago") == 1
    assert value(samples, "tienda_webhook_events_oldest_waiting_age_seconds", gateway="mpago") >= 20 * 60


def test_holds_active_are_the_unexpired_ones(client):
    level = stock(VariantFactory(), WarehouseFactory(), 10)
    for quantity, expires in ((2, ahead(minutes=10)), (3, ahead(minutes=30)), (4, ago(minutes=1))):
        Reservation.objects.create(stock_level=level, quantity=quantity, cart_key="c", expires_at=expires)
    samples = scrape(client)
    assert value(samples, "tienda_holds_active") == 2
    assert value(samples, "tienda_holds_active_units") == 5


def not_accepted_receipt(status=SendStatus.REJECTED, days_ago=0) -> Receipt:
    payment = paid()
    receipt = receipt_issue_for_order(order_id=payment.order_id, notify=False)
    issued = timezone.now() - timedelta(days=days_ago)
    Receipt.objects.filter(pk=receipt.pk).update(
        send_status=status, issued_at=issued, issue_date=timezone.localdate(issued)
    )
    return receipt


def test_receipts_not_accepted_and_overdue(client):
    recent = not_accepted_receipt(SendStatus.EXCEPTION, days_ago=1)
    late = not_accepted_receipt(SendStatus.PENDING, days_ago=6)
    accepted = not_accepted_receipt(SendStatus.ACCEPTED, days_ago=10)

    samples = scrape(client)

    assert value(samples, "tienda_receipts_not_accepted", kind=recent.kind, status="exception") == 1
    assert value(samples, "tienda_receipts_not_accepted", kind=late.kind, status="pending") == 1
    assert value(samples, "tienda_receipts_not_accepted", kind=accepted.kind, status="accepted") is None
    assert value(samples, "tienda_receipts_overdue", kind=late.kind) == 1
    assert value(samples, "tienda_receipts_oldest_not_accepted_age_seconds") >= 6 * 86400 - 60


def test_heartbeats_by_kind(client):
    heartbeat_record(name="beat", at=timezone.now() - timedelta(minutes=5))
    heartbeat_record(name="worker:celery@node1")
    samples = scrape(client)
    assert value(samples, "tienda_heartbeat_age_seconds", kind="beat", name="beat") >= 300
    assert value(samples, "tienda_heartbeat_age_seconds", kind="worker", name="worker:celery@node1") < 60


def grow(n: int) -> None:
    for i in range(n):
        failed_payment(Provider.STRIPE if i % 2 else Provider.PAYPAL)
        webhook(Provider.STRIPE, event_id=f"evt_{n}_{i}")
        webhook(Provider.CULQI, WebhookEvent.Status.RECEIVED, event_id=f"evt_w_{n}_{i}")
        heartbeat_record(name=f"worker:celery@node{i}")
    for days_ago in range(n):
        not_accepted_receipt(SendStatus.PENDING, days_ago=days_ago)


@pytest.mark.parametrize("rows", [1, 6])
def test_a_scrape_reads_the_database_a_fixed_number_of_times(client, django_assert_num_queries, rows):
    grow(rows)
    # Orders, failed payments, receipts, webhooks, holds, heartbeats: one query each.
    with django_assert_num_queries(6):
        samples = scrape(client)
    assert value(samples, "tienda_store_metrics_up") == 1


# --- the Celery broker ----------------------------------------------------------------------


def test_queue_lengths_from_the_broker(client, settings):
    queue = f"{os.environ.get('CACHE_KEY_PREFIX', 'tienda-test')}-metrics-queue"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.METRICS_CELERY_QUEUES = [queue]
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    keys = [queue, f"{queue}\x06\x163", f"{queue}\x06\x169"]
    try:
        broker.delete(*keys)
        broker.rpush(keys[0], "a", "b")
        broker.rpush(keys[1], "c")
        broker.rpush(keys[2], "d")
        samples = scrape(client)
    finally:
        broker.delete(*keys)
    assert value(samples, "tienda_celery_broker_up") == 1
    assert value(samples, "tienda_celery_queue_length", queue=queue) == 4


def test_a_broker_down_is_a_metric_not_an_error_page(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/1"  # nothing listens there
    samples = scrape(client)
    assert value(samples, "tienda_celery_broker_up") == 0
    assert not any(name == "tienda_celery_queue_length" for name, _labels in samples)


def test_no_broker_no_queue_metrics(client, settings):
    settings.CELERY_BROKER_URL = ""  # make run: tasks run inline
    samples = scrape(client)
    assert not any(name.startswith("tienda_celery_broker") for name, _labels in samples)
