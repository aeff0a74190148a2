"""The gateway log store: the SQL table by default, a MongoDB collection when MONGO_URL is set
(mongomock here, a real server in the `mongo` test), redaction on the way in, and a store that
fails never failing the caller."""

import logging
from datetime import timedelta
from decimal import Decimal

import mongomock
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus
from orders.services import OrderLineData, order_create
from payments import gateway_log
from payments.gateway_log import gateway_log_entries, gateway_log_store, gateway_log_write, stores
from payments.gateway_log.redaction import CARD_NUMBER, REDACTED
from payments.models import GatewayLogEntry, Payment
from payments.services import (
    PaymentError,
    payment_abandon,
    payment_method_ensure_test_gateway,
    payment_start,
    payment_test_gateway_decline,
    payment_test_gateway_pay,
)
from tests.factories import VariantFactory, WarehouseFactory, stock
from tests.harness import require_env

VISA = "4242424242424242"
ADDRESS = {
    "recipient": "Rosa Quispe",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
}


@pytest.fixture
def mongo(settings, monkeypatch):
    """The Mongo store on a fresh in-memory mongomock server."""
    server = mongomock.MongoClient()
    # Like pymongo, the client reads the database name from the URL; all clients share one server.
    monkeypatch.setattr(stores, "mongo_client_factory", lambda url: mongomock.MongoClient(url, _store=server._store))
    settings.MONGO_URL = "mongodb://mongo.invalid:27017/tienda_test"
    yield server["tienda_test"][stores.COLLECTION]
    settings.MONGO_URL = ""


def write_three():
    gateway_log_write(
        provider="stripe",
        direction="request",
        kind="checkout.session.create",
        order_id=7,
        payment_id=70,
        url="https://api.stripe.com/v1/checkout/sessions",
        body=f"amount=100&card[number]={VISA}&card[cvc]=123".encode(),
    )
    gateway_log_write(
        provider="stripe",
        direction="response",
        kind="checkout.session.create",
        order_id=7,
        payment_id=70,
        status_code=200,
        duration_ms=123.4,
        body={"id": "cs_1", "client_secret": "cs_1_secret_x", "amount_total": Decimal("100.00")},
    )
    gateway_log_write(
        provider="paypal",
        direction="webhook",
        kind="PAYMENT.CAPTURE.COMPLETED",
        order_id=8,
        body='{"id": "WH-1", "resource": {"id": "CAP-1"}}',
    )


@pytest.mark.django_db
def test_without_mongo_url_entries_go_to_the_sql_table(settings):
    settings.MONGO_URL = ""
    assert gateway_log_store().name == "sql"
    write_three()

    request, response = GatewayLogEntry.objects.filter(payment_id=70).order_by("pk")
    assert request.body == f"amount=100&card[number]={REDACTED}&card[cvc]={REDACTED}"
    assert request.url == "https://api.stripe.com/v1/checkout/sessions" and request.status_code is None
    assert response.body == {"id": "cs_1", "client_secret": REDACTED, "amount_total": "100.00"}
    assert (response.status_code, response.duration_ms) == (200, 123.4)
    assert GatewayLogEntry.objects.get(order_id=8).body == {"id": "WH-1", "resource": {"id": "CAP-1"}}

    entries = gateway_log_entries(payment_id=70)
    assert [e["direction"] for e in entries] == ["response", "request"]  # newest first
    assert set(entries[0]) == set(stores.FIELDS)
    assert [e["provider"] for e in gateway_log_entries(order_id=8)] == ["paypal"]
    assert len(gateway_log_entries(order_id=7, limit=1)) == 1
    assert {idx.name for idx in GatewayLogEntry._meta.indexes} == {
        "payments_glog_order_idx",
        "payments_glog_payment_idx",
        "payments_glog_provider_idx",
    }


def test_with_mongo_url_entries_go_to_the_collection_with_its_indexes(mongo):
    assert gateway_log_store().name == "mongo"
    write_three()

    assert mongo.count_documents({}) == 3
    request = mongo.find_one({"direction": "request"})
    assert request["body"] == f"amount=100&card[number]={REDACTED}&card[cvc]={REDACTED}"
    assert request["order_id"] == 7 and request["payment_id"] == 70 and request["provider"] == "stripe"
    assert mongo.find_one({"direction": "response"})["body"]["client_secret"] == REDACTED
    indexes = mongo.index_information()
    assert indexes["order_time"]["key"] == [("order_id", 1), ("created_at", -1)]
    assert indexes["payment_time"]["key"] == [("payment_id", 1), ("created_at", -1)]
    assert indexes["provider_time"]["key"] == [("provider", 1), ("created_at", -1)]

    entries = gateway_log_entries(payment_id=70)
    assert [e["direction"] for e in entries] == ["response", "request"]
    assert set(entries[0]) == set(stores.FIELDS) and timezone.is_aware(entries[0]["created_at"])
    assert entries[0]["body"]["amount_total"] == "100.00"
    assert [e["kind"] for e in gateway_log_entries(order_id=8)] == ["PAYMENT.CAPTURE.COMPLETED"]


def test_mongo_entries_of_the_same_millisecond_keep_their_order(mongo, monkeypatch):
    instant = timezone.now()
    monkeypatch.setattr(gateway_log.timezone, "now", lambda: instant)
    for direction in ("request", "response", "webhook"):
        gateway_log_write(provider="stripe", direction=direction, kind="x", payment_id=5, body={})
    assert [e["direction"] for e in gateway_log_entries(payment_id=5)] == ["webhook", "response", "request"]


def test_mongo_indexes_are_created_once_per_store_and_idempotently(mongo, monkeypatch):
    gateway_log_write(provider="test", direction="request", kind="x", body={})
    # A new process (a new store) on the same collection: creating the indexes again is harmless.
    monkeypatch.setattr(gateway_log, "_store", None)
    gateway_log_write(provider="test", direction="request", kind="y", body={})
    assert set(mongo.index_information()) == {"_id_", "order_time", "payment_time", "provider_time"}
    assert mongo.count_documents({}) == 2


def test_mongo_database_defaults_to_tienda(settings, monkeypatch):
    server = mongomock.MongoClient()
    monkeypatch.setattr(stores, "mongo_client_factory", lambda url: mongomock.MongoClient(url, _store=server._store))
    settings.MONGO_URL = "mongodb://mongo.invalid:27017"
    gateway_log_write(provider="test", direction="webhook", kind="x", body={"n": VISA})
    assert server["tienda"][stores.COLLECTION].find_one()["body"] == {"n": CARD_NUMBER}
    settings.MONGO_URL = ""


def test_the_real_client_has_short_timeouts(monkeypatch):
    import pymongo

    seen = {}
    monkeypatch.setattr(pymongo, "MongoClient", lambda url, **options: seen.update(url=url, **options))
    stores.mongo_client_factory("mongodb://db.example:27017/tienda")
    assert seen["serverSelectionTimeoutMS"] == 2000 and seen["connectTimeoutMS"] == 2000


def test_a_failing_store_never_raises_to_the_caller(mongo, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("mongo is down")

    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", broken)
    monkeypatch.setattr(mongomock.collection.Collection, "find", broken)
    with caplog.at_level(logging.ERROR, logger="payments.gateway_log"):
        assert gateway_log_write(provider="stripe", direction="request", kind="x", body={}) is None
        assert gateway_log_entries(payment_id=1) == []
    assert "Gateway log write failed" in caplog.text and "Gateway log read failed" in caplog.text


def test_an_unreachable_mongo_never_raises(settings, monkeypatch):
    def unreachable(url):
        raise OSError("connection refused")

    monkeypatch.setattr(stores, "mongo_client_factory", unreachable)
    settings.MONGO_URL = "mongodb://mongo.invalid:27017/tienda"
    gateway_log_write(provider="stripe", direction="request", kind="x", body={})
    assert gateway_log_entries(order_id=1) == []
    settings.MONGO_URL = ""


def test_bad_arguments_are_logged_not_raised(mongo):
    gateway_log_write(provider="stripe", direction="sideways", kind="x", body={})
    gateway_log_write(provider="stripe", direction="request", kind="x", body=object())
    assert mongo.count_documents({}) == 1  # the object() body is stored as its text


def test_huge_bodies_are_truncated(mongo):
    gateway_log_write(provider="paypal", direction="response", kind="big", body={"data": "x" * 300_000})
    body = mongo.find_one()["body"]
    assert body["truncated"] is True and len(body["text"]) == gateway_log.MAX_BODY_CHARS


@pytest.mark.mongo
def test_against_a_real_mongodb(settings, monkeypatch):
    require_env("MONGO_URL")
    import os

    settings.MONGO_URL = os.environ["MONGO_URL"]
    store = gateway_log_store()
    assert store.name == "mongo"
    payment_id = int(timezone.now().timestamp() * 1000)  # unique per run on a shared server
    gateway_log_write(
        provider="stripe",
        direction="request",
        kind="test.real",
        payment_id=payment_id,
        body={"card": {"number": VISA, "cvc": "123"}},
    )
    gateway_log_write(
        provider="stripe",
        direction="response",
        kind="test.real",
        payment_id=payment_id,
        status_code=200,
        body={"client_secret": "pi_1_secret_2"},
    )
    try:
        entries = gateway_log_entries(payment_id=payment_id)
        assert [e["direction"] for e in entries] == ["response", "request"]
        assert entries[1]["body"] == {"card": {"number": REDACTED, "cvc": REDACTED}}
        assert entries[0]["body"] == {"client_secret": REDACTED}
        assert timezone.now() - entries[0]["created_at"] < timedelta(minutes=1)
        assert {"order_time", "payment_time", "provider_time"} <= set(store.collection.index_information())
    finally:
        store.collection.delete_many({"payment_id": payment_id})
        settings.MONGO_URL = ""


@pytest.mark.django_db(transaction=True)
def test_a_failed_sql_insert_leaves_the_callers_transaction_usable(settings):
    from django.db import transaction

    from payments.models import PaymentMethod

    settings.MONGO_URL = ""
    with transaction.atomic():
        PaymentMethod.objects.create(code="x", name="X", provider="test")
        gateway_log_write(provider="test", direction="request", kind="x", body={}, status_code=-1)  # CHECK fails
        PaymentMethod.objects.create(code="y", name="Y", provider="test")
    assert set(PaymentMethod.objects.filter(code__in=["x", "y"]).values_list("code", flat=True)) == {"x", "y"}
    assert not GatewayLogEntry.objects.filter(kind="x").exists()


@pytest.fixture
def order(db):
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    return order_create(
        customer=None,
        email="rosa@example.pe",
        lines=[OrderLineData.from_variant(variant, quantity=1)],
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        shipping_method_id=None,
        shipping_method_name="Olva",
        shipping_total=Decimal("10.00"),
        idempotency_key=None,
    )


@pytest.mark.parametrize("store", ["sql", "mongo"])
def test_the_payment_admin_page_shows_its_log_entries(request, store, admin_client, order, settings):
    if store == "mongo":
        request.getfixturevalue("mongo")
    else:
        settings.MONGO_URL = ""
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    gateway_log_write(
        provider="stripe",
        direction="request",
        kind="checkout.session.create",
        payment_id=payment.pk,
        order_id=order.pk,
        body={"card": {"number": VISA}, "metadata": {"order": "<b>KP</b>"}},
    )
    gateway_log_write(provider="stripe", direction="webhook", kind="someone.elses", payment_id=payment.pk + 1, body={})

    page = admin_client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert "checkout.session.create" in page and "someone.elses" not in page
    assert "&lt;b&gt;KP&lt;/b&gt;" in page and VISA not in page  # escaped, redacted


def test_the_payment_admin_page_survives_a_broken_store(admin_client, order, mongo, monkeypatch):
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    monkeypatch.setattr(mongomock.collection.Collection, "find", lambda *a, **k: 1 / 0)
    page = admin_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert page.status_code == 200


@pytest.mark.django_db
def test_the_sql_log_admin_is_read_only(admin_client, settings):
    settings.MONGO_URL = ""
    gateway_log_write(
        provider="paypal",
        direction="webhook",
        kind="PAYMENT.CAPTURE.COMPLETED",
        order_id=42,
        body={"id": "WH-1", "note": "<script>"},
    )
    entry = GatewayLogEntry.objects.get()
    changelist = admin_client.get(reverse("admin:payments_gatewaylogentry_changelist"), {"q": "42"})
    assert changelist.status_code == 200 and "PAYMENT.CAPTURE.COMPLETED" in changelist.content.decode()
    change = admin_client.get(reverse("admin:payments_gatewaylogentry_change", args=[entry.pk])).content.decode()
    assert "WH-1" in change and "&lt;script&gt;" in change
    assert admin_client.get(reverse("admin:payments_gatewaylogentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:payments_gatewaylogentry_delete", args=[entry.pk])).status_code == 403


def test_the_test_gateway_logs_its_events_once_committed(order, settings, django_capture_on_commit_callbacks):
    settings.MONGO_URL = ""
    method = payment_method_ensure_test_gateway()
    with django_capture_on_commit_callbacks(execute=True):
        declined = payment_test_gateway_decline(payment=payment_start(order=order, method=method))
    with django_capture_on_commit_callbacks(execute=True):
        paid = payment_test_gateway_pay(payment=payment_start(order=order, method=method))

    assert [
        (e["direction"], e["kind"], e["status_code"]) for e in reversed(gateway_log_entries(order_id=order.pk))
    ] == [
        ("request", "payment.start", None),
        ("response", "payment.decline", 402),
        ("request", "payment.start", None),
        ("response", "payment.pay", 200),
    ]
    start, decline = reversed(gateway_log_entries(payment_id=declined.pk))
    assert start["provider"] == "test" and start["body"] == {
        "order": order.number,
        "amount": str(order.total),
        "currency": "PEN",
        "method": method.code,
    }
    assert decline["body"]["status"] == "declined" and decline["body"]["message"]
    success = gateway_log_entries(payment_id=paid.pk)[0]["body"]
    assert success["card"] == {"brand": "visa", "last4": "4242"} and success["reference"] == paid.gateway_reference


def test_an_abandoned_attempt_is_logged(order, mongo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_abandon(payment=payment_start(order=order, method=payment_method_ensure_test_gateway()))
    assert [e["kind"] for e in gateway_log_entries(payment_id=payment.pk)] == ["payment.abandon", "payment.start"]
    assert mongo.count_documents({"order_id": order.pk}) == 2


def test_a_rolled_back_or_refused_attempt_logs_nothing(order, settings, django_capture_on_commit_callbacks):
    settings.MONGO_URL = ""
    method = payment_method_ensure_test_gateway()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        payment_start(order=order, method=method)
        raise RuntimeError("the caller's transaction fails later")
    method.is_active = False
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentError):
        payment_start(order=order, method=method)
    assert gateway_log_entries(order_id=order.pk) == [] and not GatewayLogEntry.objects.exists()


def test_a_failing_log_store_never_breaks_a_payment(order, mongo, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", lambda *a, **k: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_test_gateway_pay(
            payment=payment_start(order=order, method=payment_method_ensure_test_gateway())
        )
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and order.status == OrderStatus.PAID


def test_paying_through_the_page_logs_the_outcome(client, order, settings, django_capture_on_commit_callbacks):
    settings.MONGO_URL = ""
    payment_start(order=order, method=payment_method_ensure_test_gateway())
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    order.refresh_from_db()
    assert response.status_code == 302 and order.status == OrderStatus.PAID
    assert gateway_log_entries(order_id=order.pk)[0]["kind"] == "payment.pay"


def test_an_unreachable_mongo_is_retried_with_the_same_client(settings, monkeypatch):
    clients = []

    class Unreachable:
        def get_default_database(self, default):
            raise OSError("server selection timed out")

    monkeypatch.setattr(stores, "mongo_client_factory", lambda url: clients.append(Unreachable()) or clients[-1])
    settings.MONGO_URL = "mongodb://mongo.invalid:27017/tienda"
    for _ in range(3):
        gateway_log_write(provider="stripe", direction="request", kind="x", body={})
    assert len(clients) == 1  # no new client (and its monitor threads) per failed write
    settings.MONGO_URL = ""
