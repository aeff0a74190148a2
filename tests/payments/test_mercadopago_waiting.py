"""Mercado Pago's PagoEfectivo ("ticket") payments, pending for hours, go through the store's waiting
flow: the attempt WAITS with Mercado Pago's code, voucher and expiry (payment_wait, which holds the
order until then), then approved completes it and cancelled/expired fails it — read back from Mercado
Pago's API whatever the notification or the return says, in any order, once."""

from datetime import timedelta

import pytest
import responses
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus
from payments.models import Payment, Provider, WebhookEvent
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment
from tests.payments.mercadopago_helpers import (
    ACCESS_TOKEN,
    API,
    PREFERENCE_ID,
    WEBHOOK_SECRET,
    notification,
    payment_json,
    post_notification,
)

pytestmark = pytest.mark.django_db
MP_ID = "1319500077"
CIP = "9871234"
VOUCHER = f"https://www.mercadopago.com.pe/payments/{MP_ID}/ticket?caller_id=1234567&hash=6a1b"


@pytest.fixture(autouse=True)
def mercadopago_keys(settings):
    settings.MERCADOPAGO_ACCESS_TOKEN, settings.MERCADOPAGO_WEBHOOK_SECRET = ACCESS_TOKEN, WEBHOOK_SECRET


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def reload(obj):
    obj.refresh_from_db()
    return obj


def ticket_json(payment, *, status="pending", detail="pending_waiting_payment", expires=None):
    """A PagoEfectivo payment as Mercado Pago's API shows it."""
    expires = expires or (timezone.now() + timedelta(hours=20))
    data = payment_json(payment, mp_id=MP_ID, status=status)
    data.update(
        {
            "status_detail": detail,
            "payment_method_id": "pagoefectivo_atm",
            "payment_type_id": "ticket",
            "card": {},
            "date_of_expiration": expires.isoformat(timespec="milliseconds"),
            "transaction_details": {
                "external_resource_url": VOUCHER,
                "payment_method_reference_id": CIP,
                "verification_code": CIP,
                "financial_institution": "pagoefectivo",
            },
        }
    )
    return data


def notify(client, captured, event_id):
    with captured(execute=True):
        return post_notification(client, notification(MP_ID, event_id=event_id))


def test_a_ticket_waits_with_its_code_and_voucher_then_its_approval_pays_the_order(
    api, client, django_capture_on_commit_callbacks
):
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    expires = timezone.now() + timedelta(hours=20)
    api.get(f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment, expires=expires))
    assert notify(client, django_capture_on_commit_callbacks, 1).status_code == 200
    payment = reload(payment)
    assert (payment.status, payment.pay_code, payment.pay_instructions_url) == (Payment.Status.WAITING, CIP, VOUCHER)
    assert abs(payment.pay_code_expires_at - expires) < timedelta(seconds=1)
    order = reload(order)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment_deadline() == min(payment.pay_code_expires_at, order.placed_at + timedelta(hours=48))
    # the same pending state told again changes nothing
    notify(client, django_capture_on_commit_callbacks, 2)
    assert reload(payment).status == Payment.Status.WAITING
    api.replace(
        responses.GET, f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment, status="approved", detail="accredited")
    )
    notify(client, django_capture_on_commit_callbacks, 3)
    payment = reload(payment)
    assert payment.status == Payment.Status.SUCCEEDED and payment.gateway_reference == MP_ID
    assert reload(order).status == OrderStatus.PAID
    # a late "pending" notice (out of order) does not bring it back
    api.replace(responses.GET, f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment))
    notify(client, django_capture_on_commit_callbacks, 4)
    assert reload(payment).status == Payment.Status.SUCCEEDED and reload(order).status == OrderStatus.PAID
    assert WebhookEvent.objects.filter(provider=Provider.MERCADOPAGO).count() == 4


def test_a_ticket_that_expires_unpaid_fails_the_attempt(api, client, django_capture_on_commit_callbacks):
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    api.get(f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment))
    notify(client, django_capture_on_commit_callbacks, 1)
    assert reload(payment).status == Payment.Status.WAITING
    api.replace(
        responses.GET, f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment, status="cancelled", detail="expired")
    )
    notify(client, django_capture_on_commit_callbacks, 2)
    assert reload(payment).status == Payment.Status.FAILED


def test_the_shopper_back_from_mercado_pago_with_a_ticket_is_told_to_pay_the_code(api):
    client = Client()
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference=PREFERENCE_ID)
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    api.get(f"{API}/v1/payments/{MP_ID}", json=ticket_json(payment))
    response = client.get(reverse("payments:mpago_return", args=[order.number]) + f"?payment_id={MP_ID}&status=pending")
    assert response.status_code == 302 and response["Location"] == reverse("orders:guest_detail", args=[order.number])
    assert any(CIP in str(message) for message in response.wsgi_request._messages)
    assert reload(payment).status == Payment.Status.WAITING
