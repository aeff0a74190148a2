"""PayPal Orders v2 through paypal-server-sdk, faked only at the HTTP boundary (responses):
create → approve redirect → capture on return, a PayPal-Request-Id on every call, declines,
timeouts and errors that leave the order pending and retryable, amounts checked against the
order, and refunds of captures."""

import importlib
import json

import pytest
import requests
import responses
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_add_role
from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus, PaymentStatus
from payments.models import Payment, PaymentMethod, Provider, Refund
from payments.services import PaymentError
from payments.services.refunds import refund_approve, refund_request
from tests.factories import UserFactory, make_payment
from tests.factories import make_guest_order as make_order

pytestmark = pytest.mark.django_db

API = "https://api-m.sandbox.paypal.com"
TOKEN_URL = f"{API}/v1/oauth2/token"
ORDERS = f"{API}/v2/checkout/orders"
PAYPAL_ORDER = "5O190127TN364715T"
APPROVE = f"https://www.sandbox.paypal.com/checkoutnow?token={PAYPAL_ORDER}"
CAPTURE_URL = f"{ORDERS}/{PAYPAL_ORDER}/capture"
ACCESS_TOKEN = "A21AAkallpa-access-token"
SECRET = "EKallpa-client-secret"


@pytest.fixture(autouse=True)
def paypal_keys(settings):
    settings.PAYPAL_CLIENT_ID = "AKallpa-client-id"
    settings.PAYPAL_CLIENT_SECRET = SECRET
    settings.PAYPAL_MODE = "sandbox"


@pytest.fixture
def paypal_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.post(
            TOKEN_URL,
            json={
                "access_token": ACCESS_TOKEN,
                "token_type": "Bearer",
                "expires_in": 32400,
                "scope": "https://uri.paypal.com/services/payments/payment",
            },
        )
        yield api


@pytest.fixture
def guest():
    client = Client()
    order = make_order()
    payment = make_payment(order, provider=Provider.PAYPAL, reference="")
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    return client, order, payment


def created_json():
    return {
        "id": PAYPAL_ORDER,
        "status": "CREATED",
        "links": [
            {"href": f"{ORDERS}/{PAYPAL_ORDER}", "rel": "self", "method": "GET"},
            {"href": APPROVE, "rel": "approve", "method": "GET"},
            {"href": CAPTURE_URL, "rel": "capture", "method": "POST"},
        ],
    }


def captured_json(order, *, value=None, currency="PEN", status="COMPLETED", capture_id="3C679366HH908993F"):
    return {
        "id": PAYPAL_ORDER,
        "status": "COMPLETED" if status == "COMPLETED" else status,
        "purchase_units": [
            {
                "reference_id": order.number,
                "payments": {
                    "captures": [
                        {
                            "id": capture_id,
                            "status": status,
                            "custom_id": "1",
                            "invoice_id": order.number,
                            "amount": {"currency_code": currency, "value": value or str(order.total)},
                        }
                    ]
                },
            }
        ],
    }


def start(client, order):
    return client.post(reverse("payments:paypal_start", args=[order.number]))


def back(client, order, token=PAYPAL_ORDER, **kwargs):
    return client.get(reverse("payments:paypal_return", args=[order.number]), {"token": token}, **kwargs)


def calls_to(api, url):
    return [call for call in api.calls if call.request.url.split("?")[0] == url]


def test_starting_redirects_to_the_approve_link_with_a_request_id(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())

    response = start(client, order)

    assert response.status_code == 302 and response["Location"] == APPROVE
    sent = calls_to(paypal_api, ORDERS)[0].request
    assert sent.headers["PayPal-Request-Id"] == f"kallpa-payment-{payment.pk}-create"
    assert sent.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    body = json.loads(sent.body)
    assert body["intent"] == "CAPTURE"
    unit = body["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "PEN", "value": f"{order.total:.2f}"}
    assert unit["custom_id"] == str(payment.pk) and unit["invoice_id"] == order.number
    context = body["application_context"]
    assert context["return_url"].endswith(reverse("payments:paypal_return", args=[order.number]))
    assert context["cancel_url"].endswith(reverse("payments:paypal_cancel", args=[order.number]))
    payment.refresh_from_db()
    assert payment.gateway_reference == PAYPAL_ORDER and payment.status == Payment.Status.PENDING


def test_the_pay_page_offers_paypal_for_a_pending_paypal_attempt(guest):
    client, order, _payment = guest
    page = client.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert 'id="pay-paypal"' in page and reverse("payments:paypal_start", args=[order.number]) in page


def test_the_approve_and_capture_return_path_completes_the_order_once(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order))
    start(client, order)

    response = back(client, order, follow=True)
    assert response.redirect_chain[-1][0] != reverse("payments:pay", args=[order.number])
    assert any("Payment received" in str(m) or "Pago recibido" in str(m) for m in response.context["messages"])
    assert back(client, order).status_code == 302  # a refresh changes nothing

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID and payment.status == Payment.Status.SUCCEEDED
    assert payment.gateway_reference == "3C679366HH908993F"  # the capture, which refunds name
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    captures = calls_to(paypal_api, CAPTURE_URL)
    assert len(captures) == 1
    assert captures[0].request.headers["PayPal-Request-Id"] == f"kallpa-payment-{payment.pk}-capture"


def test_a_wrong_token_is_refused_and_changes_nothing(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    start(client, order)

    response = back(client, order, token="SOMEONE-ELSES-ORDER", follow=True)

    assert response.redirect_chain[-1][0] == reverse("payments:pay", args=[order.number])
    assert calls_to(paypal_api, f"{ORDERS}/SOMEONE-ELSES-ORDER/capture") == []
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and payment.status == Payment.Status.PENDING
    assert payment.gateway_reference == PAYPAL_ORDER


@pytest.mark.parametrize("declined", ["422", "capture-status"])
def test_a_declined_capture_fails_the_attempt_and_the_order_can_be_paid_again(guest, paypal_api, declined):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    if declined == "422":
        paypal_api.post(
            CAPTURE_URL,
            status=422,
            json={
                "name": "UNPROCESSABLE_ENTITY",
                "debug_id": "90957fca61718",
                "details": [{"issue": "INSTRUMENT_DECLINED", "description": "The instrument presented was declined."}],
            },
        )
    else:
        paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order, status="DECLINED"))
    start(client, order)

    response = back(client, order, follow=True)

    assert response.redirect_chain[-1][0] == reverse("payments:pay", args=[order.number])
    assert any("declined" in str(m) or "rechazó" in str(m) for m in response.context["messages"])
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and order.status == OrderStatus.PENDING_PAYMENT
    assert payment.failure_message
    retry = client.post(
        reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "paypal-test"}
    )
    assert retry.status_code == 302
    assert order.payments.filter(status=Payment.Status.PENDING).count() == 1


@pytest.mark.parametrize("step", ["create", "capture"])
@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_a_timeout_or_error_leaves_the_order_pending_with_a_clear_message(guest, paypal_api, step, failure):
    client, order, payment = guest
    broken = ORDERS if step == "create" else CAPTURE_URL
    if step == "capture":
        paypal_api.post(ORDERS, status=201, json=created_json())
        start(client, order)
    if failure == "timeout":
        paypal_api.post(broken, body=requests.exceptions.ReadTimeout("read timed out"))
    else:
        paypal_api.post(broken, status=500, json={"name": "INTERNAL_SERVER_ERROR", "debug_id": "c1a2b3"})

    response = (
        client.post(reverse("payments:paypal_start", args=[order.number]), follow=True)
        if step == "create"
        else back(client, order, follow=True)
    )

    assert response.redirect_chain[-1][0] == reverse("payments:pay", args=[order.number])
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "PayPal" in shown and ("try again" in shown or "inténtalo" in shown)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and order.status == OrderStatus.PENDING_PAYMENT
    assert "PayPal" in payment.failure_message
    page = client.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert 'id="pay-retry"' in page  # another attempt can be started


def test_a_capture_for_another_amount_is_not_accepted_and_the_order_is_flagged(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order, value="1.00"))
    start(client, order)

    back(client, order)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and order.needs_attention
    assert payment.status == Payment.Status.FAILED and "1.00 PEN" in payment.failure_message


def test_a_capture_in_another_currency_is_not_accepted(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order, currency="USD"))
    start(client, order)

    back(client, order)

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and order.needs_attention
    assert payment.status == Payment.Status.FAILED


def test_no_secret_or_access_token_is_stored_in_a_payment(guest, paypal_api):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order))
    start(client, order)
    back(client, order)

    stored = json.dumps(list(Payment.objects.filter(order=order).values()), default=str)
    assert SECRET not in stored and ACCESS_TOKEN not in stored and "AKallpa-client-id" not in stored


def test_the_cancel_url_goes_back_to_the_pay_page(guest):
    client, order, payment = guest
    response = client.get(reverse("payments:paypal_cancel", args=[order.number]))
    assert response.status_code == 302 and response["Location"] == reverse("payments:pay", args=[order.number])
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_another_shoppers_order_is_404(guest):
    _client, order, _payment = guest
    stranger = Client()
    assert stranger.post(reverse("payments:paypal_start", args=[order.number])).status_code == 404
    assert stranger.get(reverse("payments:paypal_return", args=[order.number]), {"token": "x"}).status_code == 404
    assert stranger.get(reverse("payments:paypal_cancel", args=[order.number])).status_code == 404


def test_the_start_needs_a_csrf_token(guest):
    _client, order, _payment = guest
    strict = Client(enforce_csrf_checks=True)
    session = strict.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    assert strict.post(reverse("payments:paypal_start", args=[order.number])).status_code == 403


def test_live_mode_talks_to_paypals_live_api(guest, settings):
    client, order, _payment = guest
    settings.PAYPAL_MODE = "live"
    live = "https://api-m.paypal.com"
    with responses.RequestsMock() as api:
        api.post(
            f"{live}/v1/oauth2/token", json={"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 32400}
        )
        api.post(f"{live}/v2/checkout/orders", status=201, json=created_json())
        assert start(client, order)["Location"] == APPROVE


def test_the_migration_adds_the_stripe_and_paypal_methods_once():
    migration = importlib.import_module("payments.migrations.0004_stripe_paypal_methods")
    PaymentMethod.objects.filter(provider__in=[Provider.STRIPE, Provider.PAYPAL]).delete()

    migration.add_gateway_methods(django_apps, None)
    migration.add_gateway_methods(django_apps, None)

    assert PaymentMethod.objects.filter(provider=Provider.PAYPAL, name="PayPal", is_active=True).count() == 1
    assert (
        PaymentMethod.objects.filter(
            provider=Provider.STRIPE, name="Tarjeta de crédito o débito (Stripe)", is_active=True
        ).count()
        == 1
    )


# --- refunds of captures (payments.services.refunds: support requests, an administrator approves) ---


def paid_by_paypal(paypal_api, guest):
    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order))
    start(client, order)
    back(client, order)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    return order, payment


@pytest.fixture
def staff():
    support, boss = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    return support, boss


def test_an_approved_refund_goes_to_the_capture_once(guest, paypal_api, staff):
    support, boss = staff
    order, payment = paid_by_paypal(paypal_api, guest)
    refund_url = f"{API}/v2/payments/captures/{payment.gateway_reference}/refund"
    paypal_api.post(
        refund_url,
        status=201,
        json={"id": "1JU08902781691411", "status": "COMPLETED", "amount": {"value": "10.00", "currency_code": "PEN"}},
    )
    refund = refund_request(payment=payment, amount="10.00", reason="Talla equivocada", actor=support)

    refund_approve(refund=refund, actor=boss)
    refund_approve(refund=refund, actor=boss)  # again: nothing reaches PayPal

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.gateway_reference == "1JU08902781691411"
    calls = calls_to(paypal_api, refund_url)
    assert len(calls) == 1
    assert calls[0].request.headers["PayPal-Request-Id"] == f"kallpa-refund-{refund.pk}"
    sent = json.loads(calls[0].request.body)
    assert sent["amount"] == {"currency_code": "PEN", "value": "10.00"} and sent["custom_id"] == str(payment.pk)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_a_refund_paypal_does_not_answer_is_failed_and_nothing_is_refunded(guest, paypal_api, staff):
    support, boss = staff
    order, payment = paid_by_paypal(paypal_api, guest)
    refund_url = f"{API}/v2/payments/captures/{payment.gateway_reference}/refund"
    paypal_api.post(refund_url, body=requests.exceptions.ConnectTimeout("timed out"))
    refund = refund_request(payment=payment, amount=payment.amount, reason="Pedido anulado", actor=support)

    with pytest.raises(PaymentError):
        refund_approve(refund=refund, actor=boss)

    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and refund.gateway_reference is None
    assert order.payment_status == PaymentStatus.PAID


def test_paypal_calls_are_logged_without_the_secret_or_the_token(guest, paypal_api):
    from payments.gateway_log import gateway_log_entries

    client, order, payment = guest
    paypal_api.post(ORDERS, status=201, json=created_json())
    paypal_api.post(CAPTURE_URL, status=201, json=captured_json(order))
    start(client, order)
    back(client, order)

    entries = gateway_log_entries(payment_id=payment.pk)
    kinds = {(e["direction"], e["kind"]) for e in entries if e["provider"] == "paypal"}
    assert {("request", "create.order"), ("response", "create.order"), ("response", "capture.order")} <= kinds
    created = next(e for e in entries if e["kind"] == "create.order" and e["direction"] == "request")
    assert created["body"]["purchase_units"][0]["custom_id"] == str(payment.pk)
    dumped = json.dumps([e["body"] for e in entries], default=str)
    assert SECRET not in dumped and ACCESS_TOKEN not in dumped
