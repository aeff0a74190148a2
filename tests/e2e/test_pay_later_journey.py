"""Paying later in Chromium (issue 30): a customer leaves the payment page without paying, is told
the order keeps the products, meets the purchase limit's refusal that links to paying that order,
and pays it later from "Mis pedidos"; a guest leaves too and pays later from the link in the order
e-mail, opened in another browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from tests.e2e.helpers import DESKTOP, PHONE, fill_details, screenshot, sign_in, to_payment
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


def add_to_cart(page, slug: str, quantity: int = 1, *, outcome: str = "success"):
    page.goto(f"/p/{slug}/")
    if quantity != 1:
        page.fill("#quantity", str(quantity))
    page.locator("#buy-box button.add-to-cart").click()
    return page.locator(f"#cart-feedback .alert--{outcome}").first


def both_widths(page, name: str) -> None:
    """The same page at 1280 and 390 px."""
    screenshot(page, name)
    page.set_viewport_size(PHONE if page.viewport_size["width"] == DESKTOP["width"] else DESKTOP)
    screenshot(page, name)


def test_a_customer_leaves_without_paying_and_pays_later_from_the_order_list(page, shop):
    cap = shop["cap"].product
    cap.max_per_customer = 2  # a drop-like limit: two per customer
    cap.save(update_fields=["max_per_customer"])
    UserFactory(email="ana@example.pe")
    sign_in(page, "/accounts/login/", "ana@example.pe")
    add_to_cart(page, "gorra-inti", quantity=2).wait_for()
    fill_details(page, email=None, recipient="Ana Torres", street="Calle Mercaderes 120", ubigeo="040101")
    number = to_payment(page)

    page.locator("#pay-abandon").click()
    page.wait_for_url(f"**/account/orders/{number}/")
    assert "Saliste sin pagar" in page.locator(".alert--info").first.inner_text()
    expect(page.locator("#pay-now")).to_be_visible()
    assert re.search(r"quedan (59|60) minutos", page.locator(".order-pay").inner_text())
    both_widths(page, "pay-later-order-page")

    # The cap again: the two units held by the unpaid order count, and the refusal links to paying it.
    page.set_viewport_size(DESKTOP)
    refusal = add_to_cart(page, "gorra-inti", outcome="error")
    refusal.wait_for()
    assert f"tu pedido N.º {number} pendiente de pago" in refusal.inner_text()
    assert refusal.locator("a", has_text="págalo aquí").get_attribute("href") == f"/payments/order/{number}/"
    screenshot(page, "pay-later-limit-refusal")

    page.goto("/account/orders/")
    row = page.locator(".order-row", has_text=number)
    expect(row.locator(".order-row-pay")).to_be_visible()
    both_widths(page, "pay-later-order-list")
    page.set_viewport_size(DESKTOP)
    row.locator(".order-row-pay a", has_text="Pagar ahora").click()
    page.wait_for_url(f"**/payments/order/{number}/")
    page.locator("#pay-retry").click()
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/account/orders/{number}/")
    assert "¡Gracias por tu pedido!" in page.content()
    assert page.locator("#pay-now").count() == 0
    assert Order.objects.get(number=number).status == OrderStatus.PAID
    page.goto("/account/orders/")
    assert page.locator(".order-row-pay").count() == 0
    screenshot(page, "pay-later-list-paid")


def test_a_guest_leaves_without_paying_and_pays_later_from_the_emails_link(new_page, shop, tmp_path):
    page = new_page(PHONE)
    add_to_cart(page, "hoodie-andino").wait_for()
    fill_details(page)
    number = to_payment(page)
    page.locator("#pay-abandon").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    expect(page.locator("#pay-now")).to_be_visible()
    screenshot(page, "pay-later-guest-order-page")

    [placed] = [message for message in mail.outbox if number in message.subject]
    html = placed.alternatives[0][0]
    path = re.search(r'href="https?://[^/"]+(/orders/link/[^"]+)"', html).group(1)
    assert path in placed.body
    (tmp_path / "email.html").write_text(html)  # the e-mail as a phone's mail app shows it (no site CSP)
    page.goto((tmp_path / "email.html").as_uri())
    screenshot(page, "pay-later-email")

    phone = new_page(PHONE)  # another browser: no session knows the order
    phone.goto(path)
    phone.wait_for_url(f"**/orders/lookup/{number}/")
    phone.locator("#pay-now").click()
    phone.wait_for_url(f"**/payments/order/{number}/")
    phone.locator("#pay-retry").click()
    phone.locator("#pay-approve").click()
    phone.wait_for_url(f"**/orders/lookup/{number}/")
    assert "¡Gracias por tu pedido!" in phone.content()
    screenshot(phone, "pay-later-guest-paid")
    assert Order.objects.get(number=number).status == OrderStatus.PAID

    tampered = new_page(DESKTOP)
    response = tampered.goto(path[:-3] + "xx/")
    assert response.status == 404
