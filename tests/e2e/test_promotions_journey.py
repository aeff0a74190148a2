"""Promotions in Chromium: a shopper sees a discounted product in the listing and on its page,
adds it, applies a coupon, sees both discounts in the cart, at review and on the order; an
expired code shows its reason. Screenshots at 1280 and 390 px."""

from decimal import Decimal

import pytest

from orders.models import Order
from tests.e2e.helpers import DESKTOP, PHONE, fill_details, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("promotions_journey")]


def apply_coupon(page, code: str):
    page.fill("#coupon-code", code)
    page.locator(".coupon-form button[type=submit]").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_shopper_buys_with_an_automatic_discount_and_a_coupon(new_page, shop, viewport):
    page = new_page(viewport)
    page.goto("/c/sillas/?sort=price_asc")
    card = page.locator(".product-card", has_text="Silla Nórdica")
    assert "S/ 170.00" in card.inner_text() and "\u221215\u00a0%" in card.locator(".badge--sale").inner_text()
    assert "S/ 200.00" in card.locator("s.price-was").inner_text()
    # Every badge clear of the favourite heart, on a phone too (three badges ran under it at 390 px).
    for each in page.locator(".product-card").all():
        heart = each.locator(".heart").bounding_box()
        for badge in each.locator(".card-badges .badge").all():
            box = badge.bounding_box()
            assert box["x"] + box["width"] <= heart["x"] or box["y"] >= heart["y"] + heart["height"], badge.inner_text()
    # Sorted by the price paid: the discounted chair (170) after the stool (120).
    names = page.locator(".product-card .card-title").all_inner_texts()
    assert names.index("Banco Andino") < names.index("Silla Nórdica")
    screenshot(page, "promo-listing")

    page.goto("/p/silla-nordica/")
    assert "S/ 170.00" in page.locator(".buy-price").inner_text()
    screenshot(page, "promo-product")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()

    page.goto("/cart/")
    apply_coupon(page, "invierno2025")
    error = page.locator("#coupon-error")
    error.wait_for()
    assert "venció" in error.inner_text()
    screenshot(page, "promo-cart-expired-code")

    apply_coupon(page, "kallpa20")
    page.locator(".coupon-applied").wait_for()
    summary = page.locator(".cart-summary").inner_text()
    assert (
        "Semana de las sillas" in summary
        and "−S/ 30.00" in summary
        and "KALLPA20" in summary
        and "−S/ 20.00" in summary
    )
    assert "S/ 150.00" in summary
    screenshot(page, "promo-cart")

    fill_details(page)
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    review = page.locator(".checkout-summary").inner_text()
    assert "−S/ 30.00" in review and "−S/ 20.00" in review
    screenshot(page, "promo-checkout-review")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    content = page.content()
    assert "KALLPA20" in content and "oferta −S/ 30.00" in content and "cupón −S/ 20.00" in content
    screenshot(page, "promo-order")

    order = Order.objects.get(number=number)
    line = order.lines.get()
    assert (line.automatic_discount, line.coupon_discount) == (Decimal("30.00"), Decimal("20.00"))
    assert order.total == Decimal("150.00") + order.shipping_total
