"""Culqi (cards in cuotas, Yape, PagoEfectivo CIP) faked only at the HTTP boundary (responses): the pay
page's forms through the views, the amount always the attempt's, the cuotas only those the card's
issuer allows, declines and outages answered in words (never a 500), the CIP's attempt waiting until
Culqi's webhook — read back from Culqi's API, never trusted as sent — says it was paid or expired."""

import json
import time
from decimal import Decimal

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus, PaymentStatus
from payments.models import GatewayLogEntry, Payment, PaymentMethod, Provider, Refund, WebhookEvent
from payments.selectors import payment_methods_offered, payment_refusal
from payments.services import payment_start
from payments.services.refunds import refund_approve, refund_request
from tests.factories import UserFactory
from tests.factories import make_guest_order as make_order
from tests.payments.culqi_helpers import (
    API,
    CHARGE_ID,
    CIP,
    ORDER_ID,
    PUBLIC_KEY,
    SECRET_KEY,
    SECURE,
    TOKEN,
    WEBHOOK_SECRET,
    YAPE_TOKEN,
    card_error,
    cents,
    charge_json,
    event,
    order_json,
    post_event,
    request_error,
    token_json,
)

pytestmark = pytest.mark.django_db

METHODS = {
    "culqi-tarjeta": ("Tarjeta Visa / Mastercard (en cuotas)", "card"),
    "culqi-yape": ("Yape", "wallet"),
    "culqi-pagoefectivo": ("PagoEfectivo", "transfer"),
}


@pytest.fixture(autouse=True)
def culqi_keys(settings):
    settings.CULQI_PUBLIC_KEY, settings.CULQI_SECRET_KEY = PUBLIC_KEY, SECRET_KEY
    settings.CULQI_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def culqi_method(code):
    # the migration adds them; a transactional test's flush may have removed them since
    name, kind = METHODS[code]
    method, _created = PaymentMethod.objects.get_or_create(
        code=code, defaults={"name": name, "provider": Provider.CULQI, "kind": kind}
    )
    return method


def shopper(code):
    """A guest whose order has a pending attempt with that Culqi method."""
    client = Client()
    order = make_order()
    payment = payment_start(order=order, method=culqi_method(code))
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    return client, order, payment


def reload(obj):
    obj.refresh_from_db()
    return obj


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def said(response, text):
    """Whether the shopper was told `text` (a msgid), in the language of the response."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = translation.gettext(text)
    return any(expected in message for message in messages_of(response))


def test_offered_only_when_its_three_keys_are_set(settings):
    for code in METHODS:
        culqi_method(code)
    offered = {method.code for method in payment_methods_offered()}
    assert set(METHODS) <= offered
    for name in ("CULQI_PUBLIC_KEY", "CULQI_SECRET_KEY", "CULQI_WEBHOOK_SECRET"):
        setattr(settings, name, "")
        assert not set(METHODS) & {method.code for method in payment_methods_offered()}
        setattr(settings, name, {"CULQI_PUBLIC_KEY": PUBLIC_KEY, "CULQI_SECRET_KEY": SECRET_KEY}.get(name, "x"))


# --- cards in cuotas --------------------------------------------------------------------------------


def test_the_pay_page_hosts_culqis_card_form_and_allows_its_hosts(api):
    client, order, payment = shopper("culqi-tarjeta")
    response = client.get(reverse("payments:pay", args=[order.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-culqi-key="{PUBLIC_KEY}"' in html and f'data-culqi-amount="{cents(payment.amount)}"' in html
    assert SECRET_KEY not in html
    assert "https://checkout.culqi.com" in response["Content-Security-Policy"]


def test_a_card_in_cuotas_shows_the_issuers_cuotas_then_charges_the_attempts_amount(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[2, 3, 6, 12]))
    url = reverse("payments:culqi_card", args=[order.number])
    page = client.post(url, {"token": TOKEN})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="3">3 cuotas</option>' in html and '<option value="12">12 cuotas</option>' in html
    assert '<option value="5">' not in html and "1111" in html
    api.post(f"{API}/charges", json=charge_json(payment, installments=3), status=201)
    # a tampered amount in the form is not read: the charge is for the attempt
    response = client.post(url, {"token": TOKEN, "installments": "3", "amount": "1.00"})
    assert response.status_code == 302 and response["Location"] == reverse("orders:guest_detail", args=[order.number])
    sent = json.loads(api.calls[-1].request.body)
    assert (sent["amount"], sent["currency_code"], sent["source_id"]) == (cents(payment.amount), "PEN", TOKEN)
    assert sent["installments"] == 3 and sent["metadata"]["payment_id"] == str(payment.pk)
    assert sent["antifraud_details"] == {
        "first_name": "Rosa",
        "last_name": "Quispe",
        "address": "Av. Arequipa 1234",
        "address_city": "Miraflores",
        "country_code": "PE",
        "phone_number": "987654321",
    }
    assert api.calls[-1].request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    payment, order = reload(payment), reload(order)
    assert (payment.status, payment.gateway_reference, payment.installments) == (
        Payment.Status.SUCCEEDED,
        CHARGE_ID,
        3,
    )
    assert (payment.card_brand, payment.card_last4) == ("Visa", "1111")
    assert (order.status, order.payment_status) == (OrderStatus.PAID, PaymentStatus.PAID)
    logged = json.dumps(list(GatewayLogEntry.objects.filter(provider="culqi").values("kind", "body", "payment_id")))
    assert "charge.create" in logged and "token.get" in logged and SECRET_KEY not in logged
    # a replay of the form: the order is paid, nothing is charged again
    calls = len(api.calls)
    again = client.post(url, {"token": TOKEN, "installments": "3"})
    assert again.status_code == 302 and len(api.calls) == calls
    assert payment_refusal(order) in messages_of(again)


def test_one_payment_is_sent_without_cuotas(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[]))
    api.post(f"{API}/charges", json=charge_json(payment), status=201)
    client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert "installments" not in json.loads(api.calls[-1].request.body)
    payment = reload(payment)
    assert payment.status == Payment.Status.SUCCEEDED and payment.installments is None


@pytest.mark.parametrize("installments", ["5", "0", "-3", "49", "tres", "3.5"])
def test_cuotas_the_issuer_does_not_allow_or_nonsense_are_refused_and_nothing_is_charged(api, installments):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[2, 3, 6]))
    response = client.post(
        reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": installments}
    )
    assert response.status_code == 302 and response["Location"] == reverse("payments:pay", args=[order.number])
    assert not any(call.request.method == "POST" for call in api.calls)
    assert reload(payment).status == Payment.Status.PENDING


@pytest.mark.parametrize("token", ["", "tkn_test_", "chr_test_0CjjdWhFpEAZlxlz", "tkn_test_abc<script>", "x" * 300])
def test_a_forged_token_is_refused_without_asking_culqi(api, token):
    client, order, payment = shopper("culqi-tarjeta")
    response = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": token})
    assert response.status_code == 302 and not api.calls
    assert reload(payment).status == Payment.Status.PENDING


def test_a_token_culqi_does_not_know_is_refused(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=request_error(param="id", message="El token no existe."), status=404)
    response = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN})
    assert response.status_code == 302 and reload(payment).status == Payment.Status.PENDING
    assert said(response, "Culqi did not recognise that card. Enter it again.")


@pytest.mark.parametrize("decline", ["insufficient_funds", "stolen_card", "expired_card"])
def test_a_declined_card_closes_the_attempt_with_culqis_words_and_the_order_keeps_waiting(api, decline):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=card_error(decline), status=402)
    response = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("payments:pay", args=[order.number])
    payment = reload(payment)
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message.startswith("Su tarjeta no tiene fondos suficientes")
    assert payment.gateway_reference == "chr_test_declined0000001"
    assert reload(order).status == OrderStatus.PENDING_PAYMENT
    retry = payment_start(order=order, method=culqi_method("culqi-tarjeta"))  # another card
    assert retry.status == Payment.Status.PENDING


@pytest.mark.parametrize("outage", ["timeout", "connection", "500", "503", "429"])
def test_culqi_unavailable_is_said_in_words_never_a_500_and_the_attempt_stays_open(api, outage):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    if outage == "timeout":
        api.post(f"{API}/charges", body=requests.Timeout("slow"))
    elif outage == "connection":
        api.post(f"{API}/charges", body=requests.ConnectionError("down"))
    else:
        api.post(f"{API}/charges", body="<html>Bad gateway</html>", status=int(outage))
    response = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("payments:pay", args=[order.number])
    assert said(
        response,
        "Culqi did not answer. If it charged you, your order is confirmed on its own; otherwise nothing was charged:"
        " try again in a moment.",
    )
    # closed, so a retry is another attempt; if Culqi did charge, its webhook still completes this one
    assert reload(payment).status == Payment.Status.FAILED and reload(order).status == OrderStatus.PENDING_PAYMENT
    assert payment_start(order=order, method=culqi_method("culqi-tarjeta")).status == Payment.Status.PENDING


def test_a_double_submit_charges_once(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=charge_json(payment), status=201)
    url = reverse("payments:culqi_card", args=[order.number])
    # the first request is charging (its claim is taken) when the second arrives
    Payment.objects.filter(pk=payment.pk).update(gateway_reference=f"culqi:charging:{int(time.time()) - 5}")
    response = client.post(url, {"token": TOKEN, "installments": "1"})
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert said(response, "This payment is already being processed: your order shows it in a moment.")
    assert not any(call.request.url.endswith("/charges") for call in api.calls)
    assert reload(payment).status == Payment.Status.PENDING
    # a claim whose process died mid-charge (older than any charge request lasts) is taken again
    Payment.objects.filter(pk=payment.pk).update(gateway_reference=f"culqi:charging:{int(time.time()) - 600}")
    response = client.post(url, {"token": TOKEN, "installments": "1"})
    assert response["Location"] == reverse("orders:guest_detail", args=[order.number])
    assert reload(payment).status == Payment.Status.SUCCEEDED


# --- 3-D Secure: Culqi answers the charge with HTTP 200 and action_code REVIEW; Culqi3DS authenticates
# the shopper in the browser and the same charge is made again with authentication_3DS (Culqi's
# "Flujo de cargos + 3DS"; culqi/culqi-php-demo-jsv4-culqi3ds, culqi/culqi-java-demo-checkoutv4-culqi3ds).

DEVICE_ID = "5f0e2d4c-8a1b-4c3d-9e8f-7a6b5c4d3e2f"
THREE_DS = {  # what Culqi3DS hands the page (parameters3DS), 3-D Secure 2
    "eci": "05",
    "xid": "",
    "cavv": "AAABBJg0VhI0VniQEjRWAAAAAAA=",
    "protocolVersion": "2.2.0",
    "directoryServerTransactionId": "3ac2f9a0-6e0b-4d5c-9b21-2f4e8d7c6a51",
}


def asked_for_3ds(api, *, installments="3"):
    """A card in cuotas whose charge the bank answered with REVIEW: the shopper is on the 3-D Secure page."""
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=charge_json(payment, action_code="REVIEW"), status=200)
    response = client.post(
        reverse("payments:culqi_card", args=[order.number]),
        {"token": TOKEN, "installments": installments, "device_id": DEVICE_ID},
    )
    assert response["Location"] == reverse("payments:culqi_card_3ds", args=[order.number])
    return client, order, payment


def charges(api) -> list[dict]:
    return [json.loads(call.request.body) for call in api.calls if call.request.url == f"{API}/charges"]


def test_a_bank_asking_for_3ds_sends_the_shopper_to_verify_and_takes_nothing_yet(api):
    client, order, payment = asked_for_3ds(api)

    assert reload(payment).status == Payment.Status.PENDING and reload(order).status == OrderStatus.PENDING_PAYMENT
    assert reload(payment).gateway_reference == f"culqi:3ds:{TOKEN}:3:{DEVICE_ID}"
    (first,) = charges(api)
    assert "authentication_3DS" not in first
    assert first["antifraud_details"]["device_finger_print_id"] == DEVICE_ID
    page = client.get(reverse("payments:culqi_card_3ds", args=[order.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<script src="https://3ds.culqi.com"' in html
    assert f'data-culqi-token="{TOKEN}"' in html and f'data-culqi-amount="{cents(payment.amount)}"' in html
    assert f'data-culqi-key="{PUBLIC_KEY}"' in html and SECRET_KEY not in html
    assert 'data-return-url="http://testserver/payments/order/' in html
    assert "Confirma la compra con tu banco" in html and "Confirm the purchase" not in html
    policy = page["Content-Security-Policy"]
    assert "https://3ds.culqi.com" in policy and "frame-src https:" in policy


def test_the_cuotas_page_loads_culqi3ds_for_the_device_id(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    page = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN})
    assert (
        'name="device_id"' in page.content.decode() and '<script src="https://3ds.culqi.com"' in page.content.decode()
    )
    assert "https://3ds.culqi.com" in page["Content-Security-Policy"]


def test_the_authenticated_retry_charges_the_same_card_cuotas_and_amount_with_culqis_3ds_fields(api):
    client, order, payment = asked_for_3ds(api)
    api.replace("POST", f"{API}/charges", json=charge_json(payment, installments=3), status=201)

    # what the form says about the card, the cuotas or the amount is not read: the attempt keeps them
    tampered = {**THREE_DS, "token": "tkn_test_someoneelse00", "installments": "12", "amount": "1.00", "extra": "x"}
    response = client.post(reverse("payments:culqi_card_3ds", args=[order.number]), tampered)

    assert response["Location"] == reverse("orders:guest_detail", args=[order.number])
    first, retry = charges(api)
    assert retry["authentication_3DS"] == THREE_DS
    assert (retry["source_id"], retry["installments"], retry["amount"]) == (TOKEN, 3, cents(payment.amount))
    assert retry["antifraud_details"]["device_finger_print_id"] == DEVICE_ID
    assert {key: value for key, value in retry.items() if key != "authentication_3DS"} == first
    payment, order = reload(payment), reload(order)
    assert (payment.status, payment.gateway_reference, payment.installments) == (Payment.Status.SUCCEEDED, CHARGE_ID, 3)
    assert order.status == OrderStatus.PAID
    logged = json.dumps(list(GatewayLogEntry.objects.filter(provider="culqi", kind="charge.create").values("body")))
    assert THREE_DS["cavv"] not in logged and '"eci": "05"' in logged
    # posted again (a double submit, the back button): the attempt is closed, nothing is charged
    again = client.post(reverse("payments:culqi_card_3ds", args=[order.number]), THREE_DS)
    assert again.status_code == 302 and len(charges(api)) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {**THREE_DS, "eci": "5a"},
        {**THREE_DS, "cavv": "<script>alert(1)</script>"},
        {**THREE_DS, "cavv": "A" * 65},
        {**THREE_DS, "protocolVersion": ""},
        {**THREE_DS, "directoryServerTransactionId": "not-a-uuid"},
        {**THREE_DS, "xid": "", "directoryServerTransactionId": ""},
        {},
    ],
    ids=["eci", "cavv-markup", "cavv-long", "no-version", "ds-id", "no-id", "nothing"],
)
def test_bad_3ds_fields_are_refused_without_asking_culqi_and_the_verification_may_run_again(api, fields):
    client, order, payment = asked_for_3ds(api)

    response = client.post(reverse("payments:culqi_card_3ds", args=[order.number]), fields)

    assert response["Location"] == reverse("payments:culqi_card_3ds", args=[order.number])
    assert said(response, "Your bank's verification did not finish. Try again.")
    assert len(charges(api)) == 1
    assert reload(payment).status == Payment.Status.PENDING
    assert reload(payment).gateway_reference.startswith("culqi:3ds:")


def test_without_a_verification_in_progress_the_3ds_page_charges_nothing(api):
    client, order, payment = shopper("culqi-tarjeta")
    url = reverse("payments:culqi_card_3ds", args=[order.number])
    for response in (client.get(url), client.post(url, THREE_DS)):
        assert response["Location"] == reverse("payments:pay", args=[order.number])
        assert said(response, "There is no card verification in progress for this order. Enter your card again.")
    assert not api.calls and reload(payment).status == Payment.Status.PENDING


@pytest.mark.parametrize("answer", ["review", "declined"])
def test_review_again_or_a_decline_after_3ds_closes_the_attempt_and_takes_nothing(api, answer):
    client, order, payment = asked_for_3ds(api)
    if answer == "review":
        api.replace("POST", f"{API}/charges", json=charge_json(payment, action_code="REVIEW"), status=200)
    else:
        api.replace("POST", f"{API}/charges", json=card_error("stolen_card"), status=402)

    response = client.post(reverse("payments:culqi_card_3ds", args=[order.number]), THREE_DS)

    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert reload(payment).status == Payment.Status.FAILED and reload(order).status == OrderStatus.PENDING_PAYMENT
    assert len(charges(api)) == 2
    # the shopper may start again with another card or method
    assert payment_start(order=order, method=culqi_method("culqi-tarjeta")).status == Payment.Status.PENDING


def test_another_card_entered_instead_of_verifying_is_charged_on_its_own(api):
    """The shopper left the 3-D Secure page and typed a card again: that card is charged, once."""
    client, order, payment = asked_for_3ds(api, installments="1")
    api.replace("POST", f"{API}/charges", json=charge_json(payment), status=201)
    response = client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert response["Location"] == reverse("orders:guest_detail", args=[order.number])
    assert reload(payment).status == Payment.Status.SUCCEEDED and "authentication_3DS" not in charges(api)[-1]


def test_yape_answered_with_review_fails_as_yape_has_no_3ds(api):
    client, order, payment = shopper("culqi-yape")
    api.post(f"{SECURE}/tokens/yape", json={"object": "token", "id": YAPE_TOKEN, "type": "yape"}, status=201)
    api.post(f"{API}/charges", json=charge_json(payment, source=YAPE_TOKEN, action_code="REVIEW"), status=200)
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), {"phone": "987654321", "otp": "425251"})
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert reload(payment).status == Payment.Status.FAILED


def test_a_charge_for_another_amount_is_not_accepted(api):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=charge_json(payment, amount="1.00"), status=201)
    client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert reload(payment).status == Payment.Status.FAILED
    order = reload(order)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.needs_attention


def test_another_shoppers_order_is_not_found_and_nothing_is_charged(api):
    _client, order, payment = shopper("culqi-tarjeta")
    stranger = Client()
    stranger.force_login(UserFactory())
    for name in ("payments:culqi_card", "payments:culqi_yape", "payments:culqi_cip"):
        response = stranger.post(
            reverse(name, args=[order.number]), {"token": TOKEN, "phone": "987654321", "otp": "123456"}
        )
        assert response.status_code == 404
    assert not api.calls and reload(payment).status == Payment.Status.PENDING


def test_a_form_of_another_method_finds_no_payment_in_progress(api):
    client, order, payment = shopper("culqi-yape")
    response = client.post(reverse("payments:culqi_cip", args=[order.number]))
    assert response.status_code == 302 and not api.calls
    assert reload(payment).status == Payment.Status.PENDING
    assert client.get(reverse("payments:culqi_card", args=[order.number])).status_code == 405


# --- Yape -----------------------------------------------------------------------------------------------


def test_yape_phone_and_approval_code_make_a_token_then_a_charge(api):
    client, order, payment = shopper("culqi-yape")
    page = client.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert 'name="otp"' in page and 'name="phone"' in page
    api.post(f"{SECURE}/tokens/yape", json={"object": "token", "id": YAPE_TOKEN, "type": "yape"}, status=201)
    api.post(f"{API}/charges", json=charge_json(payment, source=YAPE_TOKEN), status=201)
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), {"phone": "987654321", "otp": "425251"})
    assert response["Location"] == reverse("orders:guest_detail", args=[order.number])
    token_call, charge_call = api.calls[0], api.calls[1]
    assert token_call.request.headers["Authorization"] == f"Bearer {PUBLIC_KEY}"
    assert json.loads(token_call.request.body) == {
        "amount": str(cents(payment.amount)),
        "number_phone": "987654321",
        "otp": "425251",
    }
    assert json.loads(charge_call.request.body)["source_id"] == YAPE_TOKEN
    assert reload(payment).status == Payment.Status.SUCCEEDED and reload(order).status == OrderStatus.PAID
    logged = json.dumps(list(GatewayLogEntry.objects.filter(provider="culqi", kind="token.yape").values("body")))
    assert "425251" not in logged and "987654321" not in logged


@pytest.mark.parametrize(
    "form",
    [{"phone": "12345", "otp": "425251"}, {"phone": "987654321", "otp": "42a251"}, {"phone": "", "otp": ""}, {}],
)
def test_yape_bad_inputs_are_refused_before_asking_culqi(api, form):
    client, order, payment = shopper("culqi-yape")
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), form)
    assert response.status_code == 302 and not api.calls
    assert reload(payment).status == Payment.Status.PENDING


def test_yape_refusing_the_code_leaves_the_attempt_open_to_try_again(api):
    client, order, payment = shopper("culqi-yape")
    api.post(
        f"{SECURE}/tokens/yape",
        json=request_error(param="otp", message="El código de aprobación no es válido o expiró."),
        status=400,
    )
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), {"phone": "987654321", "otp": "000000"})
    assert any("código de aprobación" in message for message in messages_of(response))
    assert reload(payment).status == Payment.Status.PENDING


# --- PagoEfectivo CIP and Culqi's webhook ----------------------------------------------------------------


def start_cip(api):
    client, order, payment = shopper("culqi-pagoefectivo")
    api.post(f"{API}/orders", json=order_json(payment), status=201)
    response = client.post(reverse("payments:culqi_cip", args=[order.number]))
    assert response.status_code == 302 and response["Location"] == reverse("orders:guest_detail", args=[order.number])
    return client, order, reload(payment)


def test_a_cip_makes_the_attempt_wait_with_its_code_expiry_and_page(api):
    client, order, payment = start_cip(api)
    sent = json.loads(api.calls[0].request.body)
    assert sent["amount"] == cents(payment.amount) and sent["currency_code"] == "PEN"
    assert sent["order_number"] == f"{order.number}-{payment.pk}" and sent["client_details"]["email"] == order.email
    assert sent["expiration_date"] > 0
    assert payment.status == Payment.Status.WAITING
    assert (payment.pay_code, payment.gateway_reference) == (CIP, ORDER_ID)
    assert payment.pay_instructions_url == f"https://pagoefectivo.pe/pagar?cip={CIP}"
    assert payment.pay_code_expires_at is not None
    order = reload(order)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.payment_deadline() >= payment.pay_code_expires_at


def test_a_cip_is_never_payable_after_the_order_stops_holding_its_stock(api, settings):
    from datetime import timedelta

    settings.CULQI_CIP_HOURS = 24 * 30
    client, order, payment = shopper("culqi-pagoefectivo")
    api.post(f"{API}/orders", json=order_json(payment), status=201)
    client.post(reverse("payments:culqi_cip", args=[order.number]))
    sent = json.loads(api.calls[0].request.body)
    cap = order.placed_at + timedelta(hours=48)  # WAITING_PAYMENT_MAX_HOURS's default
    assert sent["expiration_date"] == int(cap.timestamp())


def test_culqi_down_when_asking_for_a_cip_leaves_the_attempt_pending(api):
    client, order, payment = shopper("culqi-pagoefectivo")
    api.post(f"{API}/orders", body=requests.Timeout("slow"))
    response = client.post(reverse("payments:culqi_cip", args=[order.number]))
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert reload(payment).status == Payment.Status.PENDING


def test_the_paid_notice_is_read_back_from_culqi_and_completes_the_order_once(
    api, client, django_capture_on_commit_callbacks
):
    _shopper, order, payment = start_cip(api)
    api.get(f"{API}/orders/{ORDER_ID}", json=order_json(payment, state="paid"))
    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, event("order.status.changed", order_json(payment, state="paid")))
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    event_row = WebhookEvent.objects.get(provider=Provider.CULQI)
    assert event_row.status == WebhookEvent.Status.PROCESSED
    payment, order = reload(payment), reload(order)
    assert payment.status == Payment.Status.SUCCEEDED and order.status == OrderStatus.PAID
    reads = len(api.calls)
    with django_capture_on_commit_callbacks(execute=True):
        again = post_event(client, event("order.status.changed", order_json(payment, state="paid")))
    assert again.json() == {"received": True, "duplicate": True} and len(api.calls) == reads


def test_a_body_saying_paid_is_not_believed_when_culqi_says_pending(api, client, django_capture_on_commit_callbacks):
    _shopper, order, payment = start_cip(api)
    api.get(f"{API}/orders/{ORDER_ID}", json=order_json(payment, state="pending"))
    forged = order_json(payment, state="paid", amount="1.00")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("order.status.changed", forged, event_id="evt_test_forged000000001"))
    assert reload(payment).status == Payment.Status.WAITING and reload(order).status == OrderStatus.PENDING_PAYMENT


def test_an_expired_cip_fails_the_attempt_and_a_late_expiry_notice_does_not_undo_a_payment(
    api, client, django_capture_on_commit_callbacks
):
    _shopper, order, payment = start_cip(api)
    api.get(f"{API}/orders/{ORDER_ID}", json=order_json(payment, state="paid"))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("order.status.changed", order_json(payment, state="paid"), event_id="evt_test_2"))
        # out of order: the "expired" notice of an earlier state arrives after the payment
        post_event(client, event("order.status.changed", order_json(payment, state="expired"), event_id="evt_test_1"))
    assert reload(payment).status == Payment.Status.SUCCEEDED and reload(order).status == OrderStatus.PAID

    _shopper, other_order, other = start_cip_for_another_order(api)
    api.replace(
        responses.GET, f"{API}/orders/{ORDER_ID}x", json=order_json(other, order_id=f"{ORDER_ID}x", state="expired")
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            client, event("order.status.changed", order_json(other, order_id=f"{ORDER_ID}x"), event_id="evt_test_3")
        )
    other = reload(other)
    assert other.status == Payment.Status.FAILED and other.failure_message in (
        "The PagoEfectivo code expired before it was paid. Nothing was charged.",
        "El código PagoEfectivo venció antes de ser pagado. No se cobró nada.",
    )


def start_cip_for_another_order(api):
    client, order, payment = shopper("culqi-pagoefectivo")
    api.replace(responses.POST, f"{API}/orders", json=order_json(payment, order_id=f"{ORDER_ID}x", code="23609991"))
    client.post(reverse("payments:culqi_cip", args=[order.number]))
    api.get(f"{API}/orders/{ORDER_ID}x", json=order_json(payment, order_id=f"{ORDER_ID}x", state="pending"))
    return client, order, reload(payment)


def test_a_notice_for_an_order_the_store_does_not_know_is_failed_for_staff(
    api, client, django_capture_on_commit_callbacks
):
    order = make_order()
    payment = payment_start(order=order, method=culqi_method("culqi-pagoefectivo"))
    unknown = order_json(payment, order_id="ord_test_unknown00000001", state="paid")
    unknown["metadata"] = {}
    api.get(f"{API}/orders/ord_test_unknown00000001", json=unknown)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, event("order.status.changed", unknown))
    assert response.status_code == 200
    row = WebhookEvent.objects.get(provider=Provider.CULQI)
    assert row.status == WebhookEvent.Status.FAILED and "no payment" in row.last_error
    assert reload(payment).status == Payment.Status.PENDING


def test_culqi_unavailable_while_reading_a_notice_back_retries_later(api, client, django_capture_on_commit_callbacks):
    _shopper, order, payment = start_cip(api)
    api.get(f"{API}/orders/{ORDER_ID}", body=requests.ConnectionError("down"))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("order.status.changed", order_json(payment, state="paid")))
    row = WebhookEvent.objects.get(provider=Provider.CULQI)
    assert row.status == WebhookEvent.Status.RECEIVED and row.attempts == 1 and "did not answer" in row.last_error
    assert reload(payment).status == Payment.Status.WAITING


@pytest.mark.parametrize("key", [None, "", "wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
def test_a_notice_without_the_stores_key_is_refused_and_nothing_is_stored(client, key):
    response = post_event(client, event("order.status.changed", {"object": "order", "id": ORDER_ID}), key=key)
    assert response.status_code == 401 and not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("credentials", "status"),
    [
        (f"culqi:{WEBHOOK_SECRET}", 200),
        (f":{WEBHOOK_SECRET}", 200),
        ("culqi:wrong", 401),
        (f"{WEBHOOK_SECRET}:", 401),
        ("not base64 at all", 401),
    ],
)
def test_a_notice_with_the_secret_as_basic_auth_password_is_admitted(client, credentials, status):
    import base64

    header = credentials if " " in credentials else base64.b64encode(credentials.encode()).decode()
    response = client.post(
        "/payments/webhooks/culqi/",
        data=json.dumps(event("order.status.changed", {"object": "order", "id": ORDER_ID})),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {header}",
    )
    assert response.status_code == status
    assert WebhookEvent.objects.exists() == (status == 200)


def test_without_a_webhook_secret_notices_are_refused_as_unavailable(client, settings):
    settings.CULQI_WEBHOOK_SECRET = ""
    response = post_event(client, event("order.status.changed", {"object": "order", "id": ORDER_ID}))
    assert response.status_code == 503 and not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"type": "order.status.changed"}', '{"type": "x", "data": "{bad"}', '{"data": {}}']
)
def test_malformed_notices_are_refused(client, body):
    response = client.post(
        f"/payments/webhooks/culqi/?key={WEBHOOK_SECRET}", data=body, content_type="application/json"
    )
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_a_charge_whose_answer_was_lost_is_completed_by_its_webhook(api, client, django_capture_on_commit_callbacks):
    shopper_client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", body=requests.Timeout("answer lost"))
    shopper_client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "6"})
    assert reload(payment).status == Payment.Status.FAILED
    api.get(f"{API}/charges/{CHARGE_ID}", json=charge_json(payment, installments=6))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("charge.creation.succeeded", {"object": "charge", "id": CHARGE_ID}))
    payment = reload(payment)
    assert payment.status == Payment.Status.SUCCEEDED and payment.installments == 6
    assert reload(order).status == OrderStatus.PAID


def test_an_approved_refund_goes_back_through_culqi(api, admin_user):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=charge_json(payment), status=201)
    client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    api.post(f"{API}/refunds", json={"object": "refund", "id": "ref_test_q2w3e4r5t6y7u8i9", "amount": 1000}, status=201)
    refund = refund_request(
        payment=reload(payment), amount=Decimal("10.00"), reason="Talla equivocada", actor=admin_user
    )
    refund = refund_approve(refund=refund, actor=admin_user)
    sent = json.loads(api.calls[-1].request.body)
    assert sent == {"amount": 1000, "charge_id": CHARGE_ID, "reason": "solicitud_comprador"}
    assert reload(refund).gateway_reference == "ref_test_q2w3e4r5t6y7u8i9"
    assert reload(refund).status in (Refund.Status.APPROVED, Refund.Status.SUCCEEDED)


def test_a_paid_cips_refund_is_said_to_be_made_from_culqipanel_and_culqis_api_is_not_called(
    api, admin_client, admin_user, django_capture_on_commit_callbacks
):
    """Culqi's API refunds charges only (POST /v2/refunds takes a chr_ charge_id): a PagoEfectivo CIP
    (a Culqi order) is given back from CulqiPanel, and the admin says so when it is requested and
    when it is approved."""
    client, order, payment = start_cip(api)
    api.get(f"{API}/orders/{ORDER_ID}", json=order_json(payment, state="paid"))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("order.status.changed", order_json(payment, state="paid")))
    payment = reload(payment)
    assert payment.status == Payment.Status.SUCCEEDED
    form = {"payment": payment.pk, "amount": "10.00", "reason": "Talla equivocada", "key": "cip-refund-1"}
    requested = admin_client.post(reverse("admin:payments_refund_add"), form, follow=True)
    note = "Culqi no devuelve por su API un pago con PagoEfectivo (CIP): devuelve S/ 10.00 al cliente desde CulqiPanel"
    assert any(note in message for message in messages_of(requested))
    assert f"(orden {ORDER_ID})" in " ".join(messages_of(requested))
    refund = Refund.objects.get(payment=payment)
    calls = len(api.calls)
    changelist = reverse("admin:payments_refund_changelist")
    approved = admin_client.post(
        changelist, {"action": "approve", "_selected_action": [refund.pk], "apply": "1"}, follow=True
    )
    assert any(note in message for message in messages_of(approved))
    assert len(api.calls) == calls  # nothing asked of Culqi
    refund = reload(refund)
    assert refund.status == Refund.Status.FAILED and "CulqiPanel" in refund.failure_message


# --- the cuotas shown after paying ------------------------------------------------------------------


def pay_in_cuotas(api, count=3):
    client, order, payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[2, 3, 6, 12]))
    api.post(f"{API}/charges", json=charge_json(payment, installments=count), status=201)
    client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": str(count)})
    return client, reload(order), reload(payment)


def test_the_order_page_and_the_admin_say_en_n_cuotas(api, admin_client):
    client, order, payment = pay_in_cuotas(api, 6)
    with translation.override("es"):
        page = client.get(reverse("orders:guest_detail", args=[order.number]), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and "en 6 cuotas" in page.content.decode()
    changelist = admin_client.get(reverse("admin:payments_payment_changelist"), HTTP_ACCEPT_LANGUAGE="es")
    assert changelist.status_code == 200 and "en 6 cuotas" in changelist.content.decode()
    change = admin_client.get(reverse("admin:payments_payment_change", args=[payment.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert change.status_code == 200 and "Cuotas" in change.content.decode()


def test_a_cip_paid_after_its_order_expired_revives_the_order_when_its_stock_is_there(
    api, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from orders.services import order_expire_if_overdue

    _shopper, order, payment = start_cip(api)
    order = order_expire_if_overdue(order=reload(order), now=reload(order).payment_deadline() + timedelta(minutes=1))
    assert order.status == OrderStatus.CANCELLED
    api.get(f"{API}/orders/{ORDER_ID}", json=order_json(payment, state="paid"))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("order.status.changed", order_json(payment, state="paid")))
    payment, order = reload(payment), reload(order)
    assert payment.status == Payment.Status.SUCCEEDED and payment.completed_at <= timezone.now()
    # revived (its units were still there) or kept paid, flagged and its refund proposed: never money lost
    assert order.payment_status == PaymentStatus.PAID
    assert order.status == OrderStatus.PAID or payment.refunds.filter(status=Refund.Status.REQUESTED).exists()


def test_the_pay_page_of_a_cip_and_the_cuotas_page_read_in_spanish(api):
    client, order, _payment = shopper("culqi-pagoefectivo")
    page = client.get(reverse("payments:pay", args=[order.number]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Obtener mi código PagoEfectivo" in page and "Get my" not in page
    client, order, _payment = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[3]))
    page = client.post(
        reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN}, HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Un solo pago" in page and "3 cuotas" in page and "Tarjeta Visa terminada en 1111" in page
    assert "One payment" not in page and "Pay in" not in page


def test_choosing_yape_on_the_pay_page_then_paying_it_end_to_end(api):
    client, order, first = shopper("culqi-tarjeta")
    api.get(f"{API}/tokens/{TOKEN}", json=token_json())
    api.post(f"{API}/charges", json=card_error("stolen_card"), status=402)
    client.post(reverse("payments:culqi_card", args=[order.number]), {"token": TOKEN, "installments": "1"})
    assert reload(first).status == Payment.Status.FAILED
    culqi_method("culqi-yape")
    page = client.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert 'value="culqi-yape"' in page
    client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "culqi-yape"})
    attempt = order.payments.order_by("-pk").first()
    assert (attempt.method.code, attempt.status) == ("culqi-yape", Payment.Status.PENDING)
    api.post(f"{SECURE}/tokens/yape", json={"object": "token", "id": YAPE_TOKEN, "type": "yape"}, status=201)
    api.replace(responses.POST, f"{API}/charges", json=charge_json(attempt, source=YAPE_TOKEN), status=201)
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), {"phone": "912345678", "otp": "654321"})
    assert response["Location"] == reverse("orders:guest_detail", args=[order.number])
    assert reload(attempt).status == Payment.Status.SUCCEEDED and reload(order).status == OrderStatus.PAID


def test_with_culqis_keys_removed_its_forms_refuse_without_calling_it(api, settings):
    client, order, payment = shopper("culqi-yape")
    settings.CULQI_SECRET_KEY = ""
    response = client.post(reverse("payments:culqi_yape", args=[order.number]), {"phone": "987654321", "otp": "425251"})
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    assert said(response, "That payment method is not available.")
    assert not api.calls and reload(payment).status == Payment.Status.PENDING
