"""Stripe Checkout, faked only at the HTTP boundary (responses): the hosted page's URL, a
deterministic idempotency key, the shopper's return, and a gateway that times out or fails."""

import json
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse

from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus
from payments.models import Payment, Provider
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.webhook_helpers import cents

pytestmark = pytest.mark.django_db

SESSIONS = "https://api.stripe.com/v1/checkout/sessions"
HOSTED = "https://checkout.stripe.com/c/pay/cs_test_kallpa"


@pytest.fixture(autouse=True)
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_kallpa"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0


@pytest.fixture
def guest():
    client = Client()
    order = make_order()
    payment = make_payment(order, provider=Provider.STRIPE, reference="")
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    return client, order, payment


def session_json(order, *, status="open", paid="unpaid", amount=None, currency="pen"):
    return {
        "id": "cs_test_kallpa",
        "object": "checkout.session",
        "url": HOSTED,
        "status": status,
        "payment_status": paid,
        "amount_total": cents(order.total if amount is None else amount),
        "currency": currency,
    }


@responses.activate
def test_starting_redirects_to_the_hosted_page_with_an_idempotency_key(guest):
    client, order, payment = guest
    responses.post(SESSIONS, json=session_json(order))

    response = client.post(reverse("payments:stripe_start", args=[order.number]))

    assert response.status_code == 302 and response["Location"] == HOSTED
    sent = responses.calls[0].request
    assert sent.headers["Idempotency-Key"] == f"kallpa-payment-{payment.pk}-checkout-session"
    assert sent.headers["Authorization"] == "Bearer sk_test_kallpa"
    form = parse_qs(sent.body)
    assert form["line_items[0][price_data][unit_amount]"] == [str(cents(order.total))]
    assert form["line_items[0][price_data][currency]"] == ["pen"]
    assert form["client_reference_id"] == [str(payment.pk)]
    assert "card" not in json.dumps(form).lower().replace("checkout", "")
    payment.refresh_from_db()
    assert payment.gateway_reference == "cs_test_kallpa"


@responses.activate
@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_a_gateway_timeout_or_error_leaves_the_order_pending_and_retryable(guest, failure):
    client, order, payment = guest
    if failure == "timeout":
        responses.post(SESSIONS, body=requests.exceptions.ConnectTimeout("timed out"))
    else:
        responses.post(SESSIONS, status=500, json={"error": {"type": "api_error", "message": "boom"}})

    response = client.post(reverse("payments:stripe_start", args=[order.number]), follow=True)

    assert response.redirect_chain[0][0] == reverse("payments:pay", args=[order.number])
    assert any("did not answer" in str(m) or "no respondió" in str(m) for m in response.context["messages"])
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and order.status == OrderStatus.PENDING_PAYMENT
    retry = client.post(
        reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "stripe-test"}
    )
    assert retry.status_code == 302
    assert order.payments.filter(status=Payment.Status.PENDING).count() == 1


@responses.activate
def test_the_return_completes_a_paid_session_once(guest):
    client, order, payment = guest
    responses.post(SESSIONS, json=session_json(order))
    responses.get(f"{SESSIONS}/cs_test_kallpa", json=session_json(order, status="complete", paid="paid"))
    client.post(reverse("payments:stripe_start", args=[order.number]))

    url = reverse("payments:stripe_return", args=[order.number]) + "?session_id=cs_test_kallpa"
    assert client.get(url).status_code == 302
    assert client.get(url).status_code == 302  # a refresh changes nothing

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID and payment.status == Payment.Status.SUCCEEDED
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1


@responses.activate
def test_an_unpaid_or_foreign_session_does_not_pay(guest):
    client, order, payment = guest
    responses.post(SESSIONS, json=session_json(order))
    responses.get(f"{SESSIONS}/cs_test_kallpa", json=session_json(order))  # still unpaid
    client.post(reverse("payments:stripe_start", args=[order.number]))

    client.get(reverse("payments:stripe_return", args=[order.number]) + "?session_id=cs_test_kallpa")
    client.get(reverse("payments:stripe_return", args=[order.number]) + "?session_id=cs_someone_else")

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_another_shoppers_order_is_404(guest):
    _client, order, _payment = guest
    assert Client().post(reverse("payments:stripe_start", args=[order.number])).status_code == 404


@responses.activate
def test_every_stripe_call_and_webhook_is_logged_without_secrets(guest, settings):
    from payments.gateway_log import gateway_log_entries
    from tests.payments.webhook_helpers import STRIPE_SECRET, body, session_completed, stripe_headers

    client, order, payment = guest
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    created = session_json(order)
    created["client_secret"] = "cs_test_kallpa_secret_abc123"
    responses.post(SESSIONS, json=created)
    client.post(reverse("payments:stripe_start", args=[order.number]))
    payment.refresh_from_db()
    raw = body(session_completed(payment))
    Client().post("/payments/webhooks/stripe/", raw, content_type="application/json", headers=stripe_headers(raw))

    entries = gateway_log_entries(payment_id=payment.pk) + gateway_log_entries()
    kinds = {(e["direction"], e["kind"]) for e in entries}
    assert {
        ("request", "checkout.session.create"),
        ("response", "checkout.session.create"),
        ("webhook", "checkout.session.completed"),
    } <= kinds
    dumped = json.dumps([e["body"] for e in entries], default=str)
    for secret in ("sk_test_kallpa", "cs_test_kallpa_secret_abc123", STRIPE_SECRET, "4242424242424242"):
        assert secret not in dumped
    assert not Payment.objects.filter(gateway_reference__contains="secret").exists()
