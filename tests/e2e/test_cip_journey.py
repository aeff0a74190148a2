"""A PagoEfectivo CIP in Chromium at 390 px (issue 48): the shopper gets a code, the order page
shows "Esperando pago" with it (and a printable voucher), a newcomer pays it at the demo agent,
and the shopper's order is paid."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from payments.services.testgateway import payment_methods_ensure_test_gateway_peru
from tests.e2e.helpers import PHONE, fill_details, screenshot, to_payment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]

ENGLISH = re.compile(r"\b(the|your|Pay|Order|Payment|Amount|Where)\b")  # "voucher" is Peruvian Spanish too


def assert_fits_and_spanish(page, selector: str = "main") -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing clipped sideways
    assert not ENGLISH.search(page.locator(selector).inner_text())


def test_a_cip_waits_is_paid_at_the_demo_agent_and_pays_the_order(new_page, shop):
    payment_methods_ensure_test_gateway_peru()
    page = new_page(PHONE)
    page.goto("/p/hoodie-andino/")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").first.wait_for()
    fill_details(page)
    page.locator("input[name=payment_method][value='pagoefectivo-prueba']").check()
    number = to_payment(page)
    assert_fits_and_spanish(page)
    screenshot(page, "cip-pay-page")

    page.locator("#pay-cip").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    waiting = page.locator("#order-waiting")
    expect(waiting).to_contain_text("Esperando pago")
    code = page.locator("#waiting-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", code)
    expect(waiting).to_contain_text("S/")
    assert_fits_and_spanish(page)
    screenshot(page, "cip-order-waiting")

    page.locator("#waiting-voucher").click()
    page.wait_for_url(f"**/orders/{number}/voucher/")
    assert page.locator("#voucher-code").inner_text().replace(" ", "") == code
    assert_fits_and_spanish(page, "body")
    screenshot(page, "cip-voucher")

    # The newcomer plays the agent, in another browser (no session of the shopper's).
    agent = new_page(PHONE)
    agent.goto("/payments/test-gateway/agent/")
    agent.fill("#id_code", f"{code[:4]} {code[4:]}")  # read aloud in two groups
    agent.locator("#agent-lookup").click()
    expect(agent.locator("#agent-amount")).to_contain_text("S/")
    assert_fits_and_spanish(agent)
    screenshot(agent, "cip-agent-lookup")
    agent.locator("#agent-pay").click()
    expect(agent.locator("#agent-paid")).to_contain_text(number)
    screenshot(agent, "cip-agent-paid")

    page.goto(f"/orders/lookup/{number}/")
    expect(page.locator("#order-waiting")).to_have_count(0)
    assert Order.objects.get(number=number).status == OrderStatus.PAID
    assert_fits_and_spanish(page)
    screenshot(page, "cip-order-paid")
