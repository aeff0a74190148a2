"""Mercado Pago Checkout Pro through the official SDK, faked only at the HTTP boundary
(responses: the SDK speaks requests): a preference per attempt with our ids, the return read
back from the API and handled once, partial refunds through the approval path, webhooks
verified from x-signature, stored once and processed once, and every call logged redacted."""

import json
import time

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_add_role
from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus, PaymentStatus
from payments.models import GatewayLogEntry, Payment, PaymentMethod, Provider, Refund, WebhookEvent
from payments.selectors import payment_methods_offered
from payments.services.refunds import refund_approve, refund_request
from tests.factories import UserFactory, make_payment
from tests.factories import make_guest_order as make_order
from tests.payments.mercadopago_helpers import (
    ACCESS_TOKEN,
    API,
    INIT_POINT,
    PREFERENCE_ID,
    PREFERENCES,
    WEBHOOK_SECRET,
    notification,
    payment_json,
    post_notification,
    signed_headers,
)

pytestmark = pytest.mark.django_db
MP_ID = "1319500012"


@pytest.fixture(autouse=True)
def mercadopago_keys(settings):
    settings.MERCADOPAGO_ACCESS_TOKEN, settings.MERCADOPAGO_WEBHOOK_SECRET = ACCESS_TOKEN, WEBHOOK_SECRET


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def guest():
    client = Client()
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference="")
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    return client, order, payment


def reload(obj):
    obj.refresh_from_db()
    return obj


def test_offered_only_when_its_token_and_webhook_secret_are_set(settings):
    # the migration adds it; a transactional test's flush may have removed it since
    PaymentMethod.objects.get_or_create(
        code="mercadopago", defaults={"name": "Mercado Pago", "provider": Provider.MERCADOPAGO, "kind": "wallet"}
    )
    assert Provider.MERCADOPAGO in {method.provider for method in payment_methods_offered()}
    settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    assert Provider.MERCADOPAGO not in {method.provider for method in payment_methods_offered()}


def test_start_makes_a_preference_for_the_attempt_and_sends_the_shopper_there(api, guest):
    client, order, payment = guest
    api.post(PREFERENCES, json={"id": PREFERENCE_ID, "init_point": INIT_POINT, "sandbox_init_point": INIT_POINT})
    response = client.post(reverse("payments:mpago_start", args=[order.number]))
    assert response.status_code == 302 and response["Location"] == INIT_POINT
    sent = json.loads(api.calls[0].request.body)
    assert sent["external_reference"] == str(payment.pk)
    assert sent["back_urls"]["success"].endswith(reverse("payments:mpago_return", args=[order.number]))
    assert sent["back_urls"]["failure"].endswith(reverse("payments:mpago_cancel", args=[order.number]))
    assert sent["notification_url"].endswith("/payments/webhooks/mercadopago/?source_news=webhooks")
    assert sent["items"][0]["unit_price"] == float(order.total) and sent["items"][0]["currency_id"] == "PEN"
    headers = api.calls[0].request.headers
    assert headers["x-idempotency-key"] == f"kallpa-payment-{payment.pk}-preference"
    assert headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert reload(payment).gateway_reference == PREFERENCE_ID
    logged = json.dumps(list(GatewayLogEntry.objects.filter(provider="mpago").values("kind", "body")))
    assert "preference.create" in logged and ACCESS_TOKEN not in logged


def test_an_outage_at_start_closes_the_attempt_and_the_order_keeps_waiting(api, guest):
    client, order, payment = guest
    api.post(PREFERENCES, body=requests.ConnectionError("down"))
    response = client.post(reverse("payments:mpago_start", args=[order.number]))
    assert response.status_code == 302 and response["Location"] == reverse("payments:pay", args=[order.number])
    assert reload(payment).status == Payment.Status.FAILED
    assert reload(order).status == OrderStatus.PENDING_PAYMENT
    api.replace(responses.POST, PREFERENCES, json={"message": "invalid access token"}, status=401)
    retry = make_payment(order, provider=Provider.MERCADOPAGO, reference="")
    client.post(reverse("payments:mpago_start", args=[order.number]))
    assert reload(retry).status == Payment.Status.FAILED


def test_the_return_reads_the_payment_back_and_is_handled_once(api, guest):
    client, order, payment = guest
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID))
    url = reverse("payments:mpago_return", args=[order.number]) + f"?payment_id={MP_ID}&status=approved"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("orders:guest_detail", args=[order.number])
    order, payment = reload(order), reload(payment)
    assert (order.status, order.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    assert (payment.status, payment.gateway_reference, payment.card_last4) == (Payment.Status.SUCCEEDED, MP_ID, "4242")
    client.get(url)  # a refresh: nothing is read again or changed
    assert len(api.calls) == 1


def test_a_return_with_the_status_forged_in_the_url_is_not_trusted(api, guest):
    client, order, payment = guest
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID, status="rejected"))
    client.get(reverse("payments:mpago_return", args=[order.number]) + f"?payment_id={MP_ID}&status=approved")
    assert reload(payment).status == Payment.Status.FAILED and reload(order).status == OrderStatus.PENDING_PAYMENT


def test_a_payment_of_another_attempt_does_not_pay_this_order(api, guest):
    client, order, payment = guest
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID, external_reference=999999))
    response = client.get(reverse("payments:mpago_return", args=[order.number]) + f"?payment_id={MP_ID}")
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert reload(payment).status == Payment.Status.PENDING and reload(order).status == OrderStatus.PENDING_PAYMENT
    for bad in ("", "null", "1' OR 1=1", "9" * 500):
        assert client.get(reverse("payments:mpago_return", args=[order.number]), {"payment_id": bad}).status_code == 302
    # A control character never reaches the view: the bad-characters middleware answers 400.
    assert (
        client.get(reverse("payments:mpago_return", args=[order.number]), {"payment_id": "12\x00"}).status_code == 400
    )
    assert reload(payment).status == Payment.Status.PENDING


def test_a_wrong_amount_is_not_accepted(api, guest):
    client, order, payment = guest
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID, amount="1.00"))
    client.get(reverse("payments:mpago_return", args=[order.number]) + f"?payment_id={MP_ID}")
    assert reload(payment).status == Payment.Status.FAILED
    order = reload(order)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.needs_attention


# --- webhooks ------------------------------------------------------------------------------------


def test_a_signed_notification_is_stored_once_and_processed_once(api, client, django_capture_on_commit_callbacks):
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID))
    with django_capture_on_commit_callbacks(execute=True):
        first = post_notification(client, notification(MP_ID))
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    event = WebhookEvent.objects.get(provider=Provider.MERCADOPAGO)
    assert (event.event_id, event.event_type, event.status) == ("114523908", "payment", WebhookEvent.Status.PROCESSED)
    assert reload(order).status == OrderStatus.PAID and reload(payment).gateway_reference == MP_ID
    with django_capture_on_commit_callbacks(execute=True):
        again = post_notification(client, notification(MP_ID))
    assert again.json() == {"received": True, "duplicate": True}
    assert WebhookEvent.objects.count() == 1 and len(api.calls) == 1


@pytest.mark.parametrize(
    "case",
    [
        "unsigned",
        "tampered",
        "other secret",
        "stale",
        "future",
        "body names another id",
        "no data.id",
        "malformed header",
    ],
)
def test_tampered_stale_or_unsigned_notifications_are_refused_and_nothing_is_stored(client, case):
    payload = notification(MP_ID)
    data_id, headers = MP_ID, signed_headers(MP_ID)
    if case == "unsigned":
        headers = {}
    elif case == "tampered":
        headers["HTTP_X_SIGNATURE"] = headers["HTTP_X_SIGNATURE"][:-4] + "beef"
    elif case == "other secret":
        headers = signed_headers(MP_ID, secret="not-the-secret")
    elif case == "stale":
        headers = signed_headers(MP_ID, ts=int(time.time()) - 3600)
    elif case == "future":
        headers = signed_headers(MP_ID, ts=int(time.time()) + 3600)
    elif case == "body names another id":
        payload = notification("999")
    elif case == "no data.id":
        data_id, headers = "", signed_headers("")
    elif case == "malformed header":
        headers["HTTP_X_SIGNATURE"] = "garbage"
    response = post_notification(client, payload, data_id=data_id, headers=headers)
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_without_the_secret_notifications_are_refused_with_503(client, settings):
    settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    assert post_notification(client, notification(MP_ID)).status_code == 503
    assert not WebhookEvent.objects.exists()


def test_a_signed_body_that_is_not_json_is_a_400(client):
    response = client.post(
        f"/payments/webhooks/mercadopago/?data.id={MP_ID}",
        data=b"\x00not json",
        content_type="application/json",
        **signed_headers(MP_ID),
    )
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_a_notification_for_an_unknown_payment_is_stored_and_flagged(api, client, django_capture_on_commit_callbacks):
    api.get(
        f"{API}/v1/payments/{MP_ID}",
        json={
            "id": int(MP_ID),
            "status": "approved",
            "external_reference": "",
            "transaction_amount": 10.0,
            "currency_id": "PEN",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_notification(client, notification(MP_ID))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED and "no payment" in event.last_error


def test_an_api_outage_while_processing_is_retried_later(api, client, django_capture_on_commit_callbacks):
    from payments.services.webhooks import RetryableWebhookError, webhook_event_process

    api.get(f"{API}/v1/payments/{MP_ID}", json={"message": "internal"}, status=500)
    post_notification(client, notification(MP_ID))  # stored; not processed (no on-commit here)
    event = WebhookEvent.objects.get()
    with pytest.raises(RetryableWebhookError):
        webhook_event_process(event_id=event.pk)
    assert reload(event).status == WebhookEvent.Status.RECEIVED


# --- refunds -----------------------------------------------------------------------------------------


def test_a_partial_refund_goes_through_approval_once_and_its_notification_changes_nothing(api, client):
    support, boss = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID))
    from payments.services.mercadopago_flow import payment_mercadopago_return

    payment = payment_mercadopago_return(payment=payment, mp_payment_id=MP_ID)
    api.post(
        f"{API}/v1/payments/{MP_ID}/refunds", json={"id": 5550001, "status": "approved", "amount": 20.0}, status=201
    )
    refund = refund_request(payment=payment, amount="20.00", reason="Talla equivocada", actor=support)
    refund = refund_approve(refund=refund, actor=boss)
    assert (refund.status, refund.gateway_reference) == (Refund.Status.SUCCEEDED, "5550001")
    call = next(c for c in api.calls if c.request.url.endswith("/refunds"))
    assert json.loads(call.request.body) == {"amount": 20.0}
    assert call.request.headers["x-idempotency-key"] == f"kallpa-refund-{refund.pk}"
    assert reload(order).payment_status == PaymentStatus.PARTIALLY_REFUNDED
    api.replace(
        responses.GET,
        f"{API}/v1/payments/{MP_ID}",
        json=payment_json(payment, mp_id=MP_ID, refunds=[("5550001", "20.00")]),
    )
    from payments.services.webhooks import webhook_event_process

    post_notification(client, notification(MP_ID, event_id=2))
    event = webhook_event_process(event_id=WebhookEvent.objects.get().pk)
    assert event.status == WebhookEvent.Status.PROCESSED
    assert payment.refunds.count() == 1


def test_a_refused_refund_is_failed_for_staff(api):
    support, boss = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    api.get(f"{API}/v1/payments/{MP_ID}", json=payment_json(payment, mp_id=MP_ID))
    from payments.services import PaymentError
    from payments.services.mercadopago_flow import payment_mercadopago_return

    payment = payment_mercadopago_return(payment=payment, mp_payment_id=MP_ID)
    api.post(f"{API}/v1/payments/{MP_ID}/refunds", json={"message": "insufficient funds"}, status=400)
    refund = refund_request(payment=payment, amount="5.00", reason="x", actor=support)
    with pytest.raises(PaymentError):
        refund_approve(refund=refund, actor=boss)
    assert reload(refund).status == Refund.Status.FAILED
