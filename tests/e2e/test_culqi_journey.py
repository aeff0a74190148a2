"""Culqi in Chromium at 390 px (issue 48): with Culqi's keys set, the payment step offers its Yape,
PagoEfectivo and card methods phone first; a shopper pays with Yape's approval code, another gets a
PagoEfectivo CIP and sees the order waiting for it. Culqi itself is faked at the HTTP boundary
(responses, in the live server's process) with its real JSON shapes."""

import json
import re
import time

import pytest
import responses
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentMethod, Provider
from tests.e2e.helpers import PHONE, fill_details, screenshot, to_payment
from tests.payments.culqi_helpers import (
    API,
    PUBLIC_KEY,
    SECRET_KEY,
    SECURE,
    TOKEN,
    WEBHOOK_SECRET,
    YAPE_TOKEN,
    token_json,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]

ENGLISH = re.compile(r"\b(the|your|Pay|Order|Payment|Approval|Amount|Where|Get)\b")
METHODS = [
    ("culqi-yape", "Yape", "wallet", 5),
    ("culqi-pagoefectivo", "PagoEfectivo", "transfer", 6),
    ("culqi-tarjeta", "Tarjeta Visa / Mastercard (en cuotas)", "card", 7),
]


@pytest.fixture
def culqi(settings):
    """Culqi's keys set and its API answering as it does (amounts and ids echoed from the request)."""
    settings.CULQI_PUBLIC_KEY, settings.CULQI_SECRET_KEY = PUBLIC_KEY, SECRET_KEY
    settings.CULQI_WEBHOOK_SECRET = WEBHOOK_SECRET
    for code, name, kind, order in METHODS:
        PaymentMethod.objects.get_or_create(
            code=code, defaults={"name": name, "provider": Provider.CULQI, "kind": kind, "order": order}
        )

    def charge(request):
        sent = json.loads(request.body)
        return (
            201,
            {},
            json.dumps(
                {
                    "object": "charge",
                    "id": "chr_test_e2eYape00000001",
                    "amount": sent["amount"],
                    "currency_code": sent["currency_code"],
                    "installments": sent.get("installments", 0),
                    "source": {"object": "token", "id": sent["source_id"], "type": "yape", "last_four": "5678"},
                    "outcome": {
                        "type": "venta_exitosa",
                        "code": "AUT0000",
                        "user_message": "Su compra ha sido exitosa.",
                    },
                    "metadata": sent["metadata"],
                }
            ),
        )

    def order(request):
        sent = json.loads(request.body)
        return (
            201,
            {},
            json.dumps(
                {
                    "object": "order",
                    "id": "ord_test_e2eCip000000001",
                    "amount": sent["amount"],
                    "currency_code": sent["currency_code"],
                    "order_number": sent["order_number"],
                    "payment_code": "23605214",
                    "state": "pending",
                    "creation_date": int(time.time()),
                    "expiration_date": sent["expiration_date"],
                    "metadata": sent["metadata"],
                    "url_pe": "https://pagoefectivo.pe/pagar?cip=23605214",
                }
            ),
        )

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.post(f"{SECURE}/tokens/yape", json={"object": "token", "id": YAPE_TOKEN, "type": "yape"}, status=201)
        api.add_callback(responses.POST, f"{API}/charges", callback=charge)
        api.add_callback(responses.POST, f"{API}/orders", callback=order)
        api.get(f"{API}/tokens/{TOKEN}", json=token_json(installments_allowed=[2, 3, 6, 12]))
        yield api


def assert_fits_and_spanish(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing clipped sideways
    assert not ENGLISH.search(page.locator("main").inner_text())


def phone_with_culqis_scripts(new_page, *, bank: str):
    """A phone's page on which Culqi Checkout and Culqi3DS (the bank's verification) are the fakes."""
    page = new_page(PHONE)
    page.route(
        "https://checkout.culqi.com/**",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=FAKE_CULQI_CHECKOUT),
    )
    page.route(
        "https://3ds.culqi.com/**",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=bank),
    )
    return page


def to_payment_with(page, code: str) -> str:
    page.goto("/p/hoodie-andino/")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").first.wait_for()
    fill_details(page)
    methods = page.locator("input[name=payment_method]")
    assert [methods.nth(i).get_attribute("value") for i in range(methods.count())] == [c for c, *_ in METHODS]
    page.locator(f"input[name=payment_method][value='{code}']").check()
    return to_payment(page)


def test_a_shopper_pays_with_yape_through_culqi_on_the_phone(new_page, shop, culqi):
    page = new_page(PHONE)
    number = to_payment_with(page, "culqi-yape")
    expect(page.locator("#culqi-yape-phone")).to_be_visible()
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-yape-pay-page")
    page.fill("#culqi-yape-phone", "912345678")
    page.fill("#culqi-yape-otp", "482913")
    page.locator("#pay-culqi-yape").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    expect(page.locator(".alert--success").first).to_be_visible()
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-yape-paid")
    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID
    assert order.payments.get(status=Payment.Status.SUCCEEDED).gateway_reference == "chr_test_e2eYape00000001"
    sent = json.loads(next(call for call in culqi.calls if call.request.url.endswith("/tokens/yape")).request.body)
    assert (sent["number_phone"], sent["otp"]) == ("912345678", "482913")


def test_a_shopper_gets_a_pagoefectivo_cip_through_culqi_and_the_order_waits(new_page, shop, culqi):
    page = new_page(PHONE)
    number = to_payment_with(page, "culqi-pagoefectivo")
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-cip-pay-page")
    page.locator("#pay-culqi-cip").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    expect(page.locator("#order-waiting")).to_contain_text("Esperando pago")
    assert page.locator("#waiting-code").inner_text().replace(" ", "") == "23605214"
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-cip-waiting")
    order = Order.objects.get(number=number)
    waiting = order.payments.get(status=Payment.Status.WAITING)
    assert (waiting.pay_code, waiting.gateway_reference) == ("23605214", "ord_test_e2eCip000000001")
    assert order.status == OrderStatus.PENDING_PAYMENT


# Culqi Checkout v4 as the browser sees it, stood in for: its window "takes the card" and hands
# the store's page a token through window.culqi(), as the real one does.
FAKE_CULQI_CHECKOUT = """
window.Culqi = {
  token: null,
  settings: function (settings) { window.culqiSettings = settings; },
  options: function () {},
  open: function () { this.token = { id: "TOKEN" }; window.culqi(); },
  close: function () {},
};
""".replace("TOKEN", TOKEN)


def test_a_shopper_pays_by_card_in_cuotas_through_culqi_on_the_phone(new_page, shop, culqi):
    page = new_page(PHONE)
    page.route(
        "https://checkout.culqi.com/**",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=FAKE_CULQI_CHECKOUT),
    )
    number = to_payment_with(page, "culqi-tarjeta")
    order = Order.objects.get(number=number)
    assert page.evaluate("window.culqiSettings") == {
        "title": number,
        "currency": "PEN",
        "amount": int(order.total * 100),
    }
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-card-pay-page")
    page.locator("#pay-culqi-card").click()  # Culqi's window gives the token; the page posts it
    select = page.locator("#culqi-installments")
    expect(select).to_be_visible()
    assert select.locator("option").all_inner_texts() == [
        "Un solo pago",
        "2 cuotas",
        "3 cuotas",
        "6 cuotas",
        "12 cuotas",
    ]
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-card-cuotas")
    select.select_option("3")
    page.locator("#pay-culqi-card-confirm").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    expect(page.locator("main")).to_contain_text("en 3 cuotas")
    screenshot(page, "culqi-card-paid")
    paid = Order.objects.get(number=number).payments.get(status=Payment.Status.SUCCEEDED)
    assert paid.installments == 3
    sent = json.loads(next(call for call in culqi.calls if call.request.url.endswith("/charges")).request.body)
    assert (sent["installments"], sent["source_id"], sent["amount"]) == (3, TOKEN, int(order.total * 100))


# Culqi3DS (https://3ds.culqi.com) as the browser sees it, stood in for: a device id for the charge,
# and the bank's verification that hands the page its parameters3DS through postMessage, as Culqi's
# own demos show (culqi/culqi-php-demo-jsv4-culqi3ds).
DEVICE_ID = "5f0e2d4c-8a1b-4c3d-9e8f-7a6b5c4d3e2f"
PARAMETERS_3DS = {
    "eci": "05",
    "xid": "",
    "cavv": "AAABBJg0VhI0VniQEjRWAAAAAAA=",
    "protocolVersion": "2.2.0",
    "directoryServerTransactionId": "3ac2f9a0-6e0b-4d5c-9b21-2f4e8d7c6a51",
}
FAKE_CULQI_3DS = """
window.Culqi3DS = {
  generateDevice: function () { return Promise.resolve("DEVICE"); },
  initAuthentication: function (token) {
    window.culqi3dsAsked = { token: token, settings: this.settings, key: this.publicKey };
    setTimeout(function () { window.postMessage({ parameters3DS: PARAMETERS }, window.location.origin); }, 50);
  },
  reset: function () {},
};
""".replace("DEVICE", DEVICE_ID).replace("PARAMETERS", json.dumps(PARAMETERS_3DS))


def test_a_bank_asking_for_3ds_is_answered_in_the_browser_and_the_card_charged_once(new_page, shop, culqi):
    def charge(request):
        sent = json.loads(request.body)
        if "authentication_3DS" not in sent:
            return 200, {}, json.dumps({"action_code": "REVIEW", "user_message": "Necesitamos autenticar tu tarjeta."})
        return (
            201,
            {},
            json.dumps(
                {
                    "object": "charge",
                    "id": "chr_test_e2eCard3DS00001",
                    "amount": sent["amount"],
                    "currency_code": sent["currency_code"],
                    "installments": sent.get("installments", 0),
                    "source": {"object": "token", "id": sent["source_id"], "type": "card", "last_four": "1111"},
                    "outcome": {
                        "type": "venta_exitosa",
                        "code": "AUT0000",
                        "user_message": "Su compra ha sido exitosa.",
                    },
                    "metadata": sent["metadata"],
                }
            ),
        )

    culqi.remove(responses.POST, f"{API}/charges")
    culqi.add_callback(responses.POST, f"{API}/charges", callback=charge)
    page = phone_with_culqis_scripts(new_page, bank=FAKE_CULQI_3DS)
    number = to_payment_with(page, "culqi-tarjeta")
    order = Order.objects.get(number=number)
    page.locator("#pay-culqi-card").click()
    expect(page.locator("#culqi-installments")).to_be_visible()
    expect(page.locator("#culqi-device-id")).to_have_value(DEVICE_ID)
    page.locator("#culqi-installments").select_option("6")
    with page.expect_navigation(url=f"**/orders/lookup/{number}/"):
        page.locator("#pay-culqi-card-confirm").click()  # REVIEW: the 3-D Secure page runs, then posts
    expect(page.locator("main")).to_contain_text("en 6 cuotas")
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-card-3ds-paid")
    first, retry = (json.loads(call.request.body) for call in culqi.calls if call.request.url.endswith("/charges"))
    assert first["antifraud_details"]["device_finger_print_id"] == DEVICE_ID and "authentication_3DS" not in first
    assert retry["authentication_3DS"] == PARAMETERS_3DS
    assert (retry["source_id"], retry["installments"], retry["amount"]) == (TOKEN, 6, int(order.total * 100))
    paid = Order.objects.get(number=number).payments.get(status=Payment.Status.SUCCEEDED)
    assert (paid.gateway_reference, paid.installments) == ("chr_test_e2eCard3DS00001", 6)


def test_the_3ds_page_reads_in_spanish_and_fits_the_phone(new_page, shop, culqi):
    """The verification page as the shopper sees it while their bank's window is open (it never answers here)."""
    culqi.remove(responses.POST, f"{API}/charges")
    culqi.post(f"{API}/charges", json={"action_code": "REVIEW"}, status=200)
    silent_bank = FAKE_CULQI_3DS.replace("setTimeout", "void")
    page = phone_with_culqis_scripts(new_page, bank=silent_bank)
    number = to_payment_with(page, "culqi-tarjeta")
    order = Order.objects.get(number=number)
    page.locator("#pay-culqi-card").click()
    page.locator("#pay-culqi-card-confirm").click()
    page.wait_for_url(f"**/payments/order/{number}/culqi/card/3ds/")
    expect(page.locator("#gateway-title")).to_contain_text("Confirma la compra con tu banco")
    asked = page.evaluate("window.culqi3dsAsked")
    assert asked["token"] == TOKEN and asked["key"] == PUBLIC_KEY
    assert asked["settings"]["charge"]["totalAmount"] == int(order.total * 100)
    assert asked["settings"]["charge"]["returnUrl"].endswith(f"/payments/order/{number}/culqi/card/3ds/")
    assert asked["settings"]["card"]["email"] == order.email
    assert_fits_and_spanish(page)
    screenshot(page, "culqi-card-3ds")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "culqi-card-3ds")
