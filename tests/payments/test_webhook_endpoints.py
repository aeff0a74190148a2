"""The webhook endpoints: a delivery is stored only when its signature holds (Stripe's HMAC,
PayPal's RSA-SHA256 against its certificate), once per event id, and answered at once."""

from datetime import timedelta

import pytest
import responses
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEmail, OrderStatus
from payments.models import Payment, WebhookEvent
from receipts.models import Receipt, ReceiptKind
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.webhook_helpers import (
    CERT_URL,
    PAYPAL_CERT_PEM,
    body,
    capture_completed,
    make_key_and_cert,
    paypal_headers,
    session_completed,
    stripe_headers,
)

pytestmark = pytest.mark.django_db

STRIPE_URL = "/payments/webhooks/stripe/"
PAYPAL_URL = "/payments/webhooks/paypal/"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_kallpa"
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    settings.PAYPAL_WEBHOOK_ID = "8PT597110X687430LKGECATA"
    settings.PAYPAL_WEBHOOK_TOLERANCE = 300


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)  # the signature replaces CSRF on these two views only


@pytest.fixture
def paypal_cert():
    with responses.RequestsMock() as mock:
        mock.get(CERT_URL, body=PAYPAL_CERT_PEM)
        yield mock


def order_emails_sent(order_id):
    return list(OrderEmail.objects.filter(order_id=order_id, sent_at__isnull=False).values_list("kind", flat=True))


def post(client, url, raw, headers):
    return client.post(url, data=raw, content_type="application/json", headers=headers)


def test_the_urls_are_under_payments():
    assert reverse("payments:webhook-stripe") == STRIPE_URL
    assert reverse("payments:webhook-paypal") == PAYPAL_URL


# --- Stripe --------------------------------------------------------------------------------


def test_a_valid_stripe_event_is_stored_answered_and_processed(client, django_capture_on_commit_callbacks):
    payment = make_payment(make_order())
    raw = body(session_completed(payment, event_id="evt_valid"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, STRIPE_URL, raw, stripe_headers(raw))
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    # what runs after commit: processing the event, then paying the order's own effects (the
    # "payment confirmed" e-mail sent once, the boleta issued and e-mailed)
    assert callbacks
    assert order_emails_sent(payment.order_id) == ["paid"]
    receipt = Receipt.objects.get(order_id=payment.order_id)
    assert receipt.kind == ReceiptKind.BOLETA and receipt.emailed_at is not None
    event = WebhookEvent.objects.get()
    assert event.attempts == 1
    assert (event.provider, event.event_id, event.event_type) == ("stripe", "evt_valid", "checkout.session.completed")
    assert event.raw_body == raw.decode() and event.status == WebhookEvent.Status.PROCESSED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.gateway_reference == f"pi_{payment.pk}"
    assert Order.objects.get(pk=payment.order_id).status == OrderStatus.PAID


def test_a_replayed_stripe_event_answers_200_and_is_not_enqueued_again(client, django_capture_on_commit_callbacks):
    payment = make_payment(make_order())
    raw = body(session_completed(payment, event_id="evt_replay"))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, STRIPE_URL, raw, stripe_headers(raw))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, STRIPE_URL, raw, stripe_headers(raw))
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert callbacks == []
    assert WebhookEvent.objects.count() == 1


@pytest.mark.parametrize("case", ["tampered", "stale", "from the future", "unsigned", "wrong secret"])
def test_a_bad_stripe_signature_is_refused_and_nothing_is_stored(client, case):
    payment = make_payment(make_order())
    raw = body(session_completed(payment))
    headers = {
        "tampered": stripe_headers(raw),
        "stale": stripe_headers(raw, timestamp=int(timezone.now().timestamp()) - 301),
        # Signed 15 minutes ahead: a signature kept for later replay (the tolerance holds both ways).
        "from the future": stripe_headers(raw, timestamp=int(timezone.now().timestamp()) + 900),
        "unsigned": {},
        "wrong secret": stripe_headers(raw, secret="whsec_other"),
    }[case]
    if case == "tampered":
        raw = raw.replace(b'"amount_total":', b'"amount_total":1')
    response = post(client, STRIPE_URL, raw, headers)
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_stripe_clock_a_little_ahead_is_within_the_tolerance(client, django_capture_on_commit_callbacks):
    payment = make_payment(make_order())
    raw = body(session_completed(payment, event_id="evt_ahead"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, STRIPE_URL, raw, stripe_headers(raw, timestamp=int(timezone.now().timestamp()) + 60))
    assert response.status_code == 200
    assert WebhookEvent.objects.filter(event_id="evt_ahead").exists()


def test_stripe_webhook_refuses_get_and_an_unconfigured_secret(client, settings):
    assert client.get(STRIPE_URL).status_code == 405
    settings.STRIPE_WEBHOOK_SECRET = ""
    raw = body({"id": "evt_x", "type": "charge.refunded"})
    assert post(client, STRIPE_URL, raw, stripe_headers(raw)).status_code == 503
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("raw", [b'{"no": "id"}', b"not json", b'{"id": "", "type": "x"}', b"[1]"])
def test_a_signed_stripe_body_that_is_not_an_event_is_a_400(client, raw):
    assert post(client, STRIPE_URL, raw, stripe_headers(raw)).status_code == 400
    assert not WebhookEvent.objects.exists()


# --- PayPal --------------------------------------------------------------------------------


def test_a_valid_paypal_event_is_stored_processed_and_its_certificate_cached(
    client, paypal_cert, django_capture_on_commit_callbacks
):
    payment = make_payment(make_order(), provider="paypal", reference="5O190127TN364715T")
    raw = body(capture_completed(payment))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, PAYPAL_URL, raw, paypal_headers(raw))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.provider == "paypal" and event.status == WebhookEvent.Status.PROCESSED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.gateway_reference == f"CAP{payment.pk}"

    other = body({"id": "WH-2", "event_type": "PAYMENTS.PAYMENT.CREATED", "resource": {}})
    assert post(client, PAYPAL_URL, other, paypal_headers(other)).status_code == 200
    assert len(paypal_cert.calls) == 1  # fetched once, then from the cache


@pytest.mark.parametrize("case", ["tampered", "wrong webhook id", "stale", "other key", "bad algorithm"])
def test_a_bad_paypal_signature_is_refused_and_nothing_is_stored(client, paypal_cert, case):
    paypal_cert.assert_all_requests_are_fired = False
    payment = make_payment(make_order(), provider="paypal", reference="5O190127TN364715T")
    raw = body(capture_completed(payment))
    headers = {
        "tampered": paypal_headers(raw),
        "wrong webhook id": paypal_headers(raw, webhook_id="OTHER-WEBHOOK"),
        "stale": paypal_headers(raw, sent_at=timezone.now() - timedelta(minutes=10)),
        "other key": paypal_headers(raw, key=make_key_and_cert()[0]),
        "bad algorithm": paypal_headers(raw) | {"Paypal-Auth-Algo": "SHA1withRSA"},
    }[case]
    if case == "tampered":
        raw = raw.replace(b'"value":"', b'"value":"1')
    response = post(client, PAYPAL_URL, raw, headers)
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Paypal-Transmission-Id",
        "Paypal-Transmission-Time",
        "Paypal-Transmission-Sig",
        "Paypal-Cert-Url",
        "Paypal-Auth-Algo",
    ],
)
def test_a_paypal_delivery_missing_a_header_is_refused(client, header):
    raw = body({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}})
    headers = paypal_headers(raw)
    del headers[header]
    with responses.RequestsMock():  # any certificate fetch would fail the test
        assert post(client, PAYPAL_URL, raw, headers).status_code == 401
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/v1/notifications/certs/CERT-1",
        "http://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.sandbox.paypal.com.evil.example.com/certs/CERT-1",
        "https://user@api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.sandbox.paypal.com:8443/v1/notifications/certs/CERT-1",
    ],
)
def test_a_certificate_from_a_host_that_is_not_paypal_is_never_fetched(client, url):
    raw = body({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}})
    with responses.RequestsMock():  # no request may leave: the URL is refused before any fetch
        assert post(client, PAYPAL_URL, raw, paypal_headers(raw, cert_url=url)).status_code == 401
    assert not WebhookEvent.objects.exists()


def test_an_unreachable_certificate_asks_paypal_to_retry(client):
    raw = body({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}})
    with responses.RequestsMock() as mock:
        mock.get(CERT_URL, status=503)
        assert post(client, PAYPAL_URL, raw, paypal_headers(raw)).status_code == 503
    assert not WebhookEvent.objects.exists()


def test_a_signed_paypal_body_that_is_not_utf8_json_is_a_400(client, paypal_cert):
    raw = b'{"id": "WH-1", "event_type": "X", "resource": {"name": "\xff"}}'
    assert post(client, PAYPAL_URL, raw, paypal_headers(raw)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_an_expired_certificate_is_refused(client):
    key, pem = make_key_and_cert(days=-1)
    raw = body({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}})
    with responses.RequestsMock() as mock:
        mock.get(CERT_URL, body=pem)
        assert post(client, PAYPAL_URL, raw, paypal_headers(raw, key=key)).status_code == 401
    assert not WebhookEvent.objects.exists()
