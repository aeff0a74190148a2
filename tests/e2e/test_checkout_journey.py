"""Buying in Chromium: a guest buys two variants and a kit and pays with the test gateway; a
declined card then a successful retry; the anonymous cart merges on login; a customer
cancels within the window and the stock comes back."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from inventory.models import StockLevel
from orders.models import Order, OrderStatus
from tests.e2e.helpers import PHONE, add_variant, fill_details, screenshot, to_payment
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


def test_a_guest_buys_two_variants_and_a_kit_and_pays(page, shop):
    add_variant(page, "hoodie-andino", "m", quantity=2)
    screenshot(page, "product-added")
    add_variant(page, "hoodie-andino", "xl")
    add_variant(page, "gorra-inti")
    page.goto("/kits/kit-home-office/")
    page.locator("#add-kit").click()
    page.locator("#cart-feedback .alert--success").wait_for()
    screenshot(page, "kit-added")
    assert page.locator("#mini-cart-count").inner_text().strip().endswith("5")

    page.goto("/cart/")
    lines = page.locator(".cart-line")
    assert lines.count() == 4
    # Change a quantity (the + step saves by itself) and remove a line.
    line = page.locator(".cart-line", has_text="HA-XL")
    line.locator("[data-qty-step='1']").click()
    page.wait_for_function("() => document.querySelector('#mini-cart-count').innerText.trim().endsWith('6')")
    page.locator(".cart-line", has_text="GI-U").locator(".cart-remove").click()
    page.wait_for_function("() => document.querySelectorAll('.cart-line').length === 3")
    screenshot(page, "cart")
    assert "Kit Home Office" in page.locator(".cart-summary").inner_text()

    fill_details(page, dni="45678912")  # over S/ 700: the boleta names its buyer
    screenshot(page, "checkout-delivery")
    number = to_payment(page)
    screenshot(page, "test-gateway")
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    assert "¡Gracias por tu pedido!" in page.content()
    screenshot(page, "order-paid")

    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID
    assert order.total == Decimal("149.00") * 2 + Decimal("149.00") * 2 + Decimal("499.00") - Decimal("49.90")
    assert StockLevel.objects.get(variant=shop["hoodie-m"]).on_hand == 4
    call_command("inventory_verify", verbosity=0)


def test_the_cart_keeps_every_change_however_fast_the_changes_come(page, shop):
    """Steps clicked on two lines while the cart's answer is on its way, and a change made just as an answer is put
    in the page (before htmx readies it), are all saved: the cart never stays on quantities no longer chosen."""
    add_variant(page, "hoodie-andino", "m")
    add_variant(page, "gorra-inti")
    page.goto("/cart/")
    hoodie, cap = (page.locator(".cart-line", has_text=sku) for sku in ("HA-M", "GI-U"))
    hoodie.locator("[data-qty-step='1']").click()
    cap.locator("[data-qty-step='1']").click()  # the first answer is still on its way
    hoodie.locator("[data-qty-step='1']").click()
    page.wait_for_function("() => document.querySelector('#mini-cart-count').innerText.trim().endsWith('5')")

    # Right as the next answer is swapped in, before htmx has readied it, the shopper sets the cap's line to 1.
    page.evaluate(
        """() => document.body.addEventListener("htmx:afterSwap", () => {
            const input = [...document.querySelectorAll(".cart-line")].find((line) => line.innerText.includes("GI-U"))
                .querySelector(".qty-input");
            input.value = "1";
            input.dispatchEvent(new Event("change", {bubbles: true}));
        }, {once: true})"""
    )
    hoodie.locator("[data-qty-step='1']").click()
    page.wait_for_function("() => document.querySelector('#mini-cart-count').innerText.trim().endsWith('5')")
    page.wait_for_load_state("networkidle")
    assert hoodie.locator(".qty-input").input_value() == "4"
    assert cap.locator(".qty-input").input_value() == "1"
    page.reload()  # what the server kept
    assert page.locator(".cart-line", has_text="HA-M").locator(".qty-input").input_value() == "4"
    assert page.locator(".cart-line", has_text="GI-U").locator(".qty-input").input_value() == "1"


def test_a_step_pressed_as_the_cart_is_redrawn_still_counts(page, shop):
    """A tap on + that spans the cart's answer being put in the page (pressed on the button the answer replaces,
    released on its successor) counts once: Chromium sends no click then, neither button holding both."""
    add_variant(page, "hoodie-andino", "m")
    page.goto("/cart/")
    plus = page.locator(".cart-line", has_text="HA-M").locator("[data-qty-step='1']")
    box = plus.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # What an answer does to #cart-body (#cart-watch's hx-target, swapped inside): the same markup, new nodes.
    page.evaluate("() => { const body = document.getElementById('cart-body'); body.innerHTML = body.innerHTML; }")
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#mini-cart-count').innerText.trim().endsWith('2')")
    page.wait_for_load_state("networkidle")
    plus.click()  # an ordinary tap afterwards still counts once
    page.wait_for_function("() => document.querySelector('#mini-cart-count').innerText.trim().endsWith('3')")
    page.wait_for_load_state("networkidle")
    page.reload()  # what the server kept
    assert page.locator(".cart-line", has_text="HA-M").locator(".qty-input").input_value() == "3"


def test_a_declined_card_then_a_successful_retry(new_page, shop):
    page = new_page(PHONE)
    add_variant(page, "gorra-inti")
    fill_details(page)
    screenshot(page, "checkout-delivery")
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    screenshot(page, "checkout-review")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    page.locator("#pay-decline").click()
    page.locator(".alert--error").first.wait_for()
    screenshot(page, "payment-declined")
    page.locator("#pay-retry").click()
    page.locator("#pay-approve").click()
    page.wait_for_url("**/orders/lookup/**")
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert list(order.payments.order_by("pk").values_list("status", flat=True)) == ["declined", "succeeded"]


def test_the_anonymous_cart_merges_on_login(page, shop):
    user = UserFactory(email="ana@example.pe")
    add_variant(page, "gorra-inti", quantity=2)
    page.goto("/accounts/login/?next=/cart/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.url.endswith("/cart/")
    screenshot(page, "cart-merged")
    assert page.locator(".cart-line", has_text="GI-U").locator(".qty-input").input_value() == "2"
    assert page.locator("#mini-cart-count").inner_text().strip().endswith("2")


def test_a_customer_cancels_within_the_window_and_the_stock_comes_back(page, shop):
    user = UserFactory(email="ana@example.pe")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    add_variant(page, "escritorio-nogal")
    fill_details(page, email=None, recipient="Ana Torres", street="Calle Mercaderes 120", ubigeo="040101")
    number = to_payment(page)
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/account/orders/{number}/")
    assert StockLevel.objects.get(variant=shop["desk"]).on_hand == 5

    page.locator(".order-cancel-summary").click()
    page.locator("form[action$='/cancel/'] button[type=submit]").click()
    page.locator(".alert--success").first.wait_for()
    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.CANCELLED
    assert StockLevel.objects.get(variant=shop["desk"]).on_hand == 6
    screenshot(page, "order-cancelled")
    call_command("inventory_verify", verbosity=0)
