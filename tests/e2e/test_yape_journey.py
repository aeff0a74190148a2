"""Yape in Chromium at 390 px (issue 48): the payment step lists the phone's ways first with their
marks; the shopper pays with Yape's approval code on the test gateway and the order is paid."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from payments.models import Payment
from payments.services.testgateway import payment_methods_ensure_test_gateway_peru
from tests.e2e.helpers import PHONE, fill_details, screenshot, to_payment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]

# English that would mean a page left untranslated (the store speaks Spanish to shoppers).
ENGLISH = re.compile(r"\b(the|your|Pay|Order|Payment|Approval|Mobile)\b")


def assert_fits_and_spanish(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing clipped sideways
    assert not ENGLISH.search(page.locator("main").inner_text())


def add_to_cart(page, slug: str) -> None:
    page.goto(f"/p/{slug}/")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").first.wait_for()


def test_a_shopper_pays_with_yape_on_the_phone(new_page, shop):
    payment_methods_ensure_test_gateway_peru()
    page = new_page(PHONE)
    add_to_cart(page, "hoodie-andino")
    fill_details(page)

    methods = page.locator("input[name=payment_method]")
    assert [methods.nth(i).get_attribute("value") for i in range(methods.count())] == [
        "yape-prueba",
        "pagoefectivo-prueba",
        "tarjeta-prueba",
    ]
    expect(page.locator(".pay-mark--yape").first).to_be_visible()
    assert methods.first.is_checked()
    assert_fits_and_spanish(page)
    screenshot(page, "yape-payment-step")

    number = to_payment(page)
    expect(page.locator("#yape-phone")).to_be_visible()
    assert "cualquier código de seis dígitos" in page.locator(".test-gateway").inner_text()
    page.fill("#yape-phone", "912345678")
    page.fill("#yape-code", "000000")  # the test gateway's refusal first
    page.locator("#pay-yape").click()
    page.wait_for_url(f"**/payments/order/{number}/")
    expect(page.locator(".alert--error").first).to_contain_text("Yape rechazó")
    screenshot(page, "yape-refused")

    page.locator("#pay-retry").click()  # Yape again: the first method is preselected
    page.fill("#yape-phone", "912345678")
    page.fill("#yape-code", "482913")
    assert_fits_and_spanish(page)
    screenshot(page, "yape-pay-page")
    page.locator("#pay-yape").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    expect(page.locator(".alert--success").first).to_contain_text("Pago recibido con Yape")
    assert_fits_and_spanish(page)
    screenshot(page, "yape-paid")

    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID
    paid = order.payments.get(status=Payment.Status.SUCCEEDED)
    assert (paid.card_brand, paid.card_last4) == ("yape", "5678")
