"""Discount lines in Chromium: a shopper buys Kit Gamer (its chair on an automatic offer) with the
free-shipping coupon and sees, in the cart, at review and on the order, one line per source (the
offer by its name, the kit with its percentage) and the coupon against shipping; a 300-character
search at 390 px wraps or is cut instead of widening the page. Screenshots at 1280 and 390 px."""

from decimal import Decimal

import pytest

from orders.models import Order
from promotions.models import AutomaticDiscount, Coupon
from shipping.models import ShippingMethod
from tests.e2e.helpers import DESKTOP, PHONE, fill_details, screenshot
from tests.factories import coupon

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("kit_gamer")]

NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def discount_lines(page, selector: str) -> str:
    return page.locator(selector).inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_discount_says_where_it_came_from(new_page, shop, viewport):
    AutomaticDiscount.objects.update(name="Cyber Gamer")
    ShippingMethod.objects.update(free_shipping_threshold=None)  # so the coupon is what makes shipping free
    coupon("ENVIOGRATIS", kind=Coupon.Kind.FREE_SHIPPING, value="0")
    page = new_page(viewport)
    page.goto("/kits/kit-gamer/")
    page.locator("#add-kit").click()
    page.locator("#cart-feedback .alert--success").wait_for()

    page.goto("/cart/")
    page.fill("#coupon-code", "enviogratis")
    page.locator(".coupon-form button[type=submit]").click()
    page.locator(".coupon-applied").wait_for()
    summary = discount_lines(page, ".cart-summary .cart-totals")
    # Keyboard 219.90 + chair 899.90: the offer takes S/ 100 off the chair, the kit 10 % of 1,019.80.
    assert "Cyber Gamer\n−S/ 100.00" in summary and "Kit Gamer (−10 %)\n−S/ 101.98" in summary
    assert "Envío gratis con el cupón ENVIOGRATIS" in summary and "Cupón" not in summary
    assert "S/ 917.82" in page.locator(".cart-totals .totals-total").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "discount-lines-cart")

    fill_details(page, dni="45871236")
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    review = discount_lines(page, ".checkout-summary .cart-totals")
    assert (
        "Cyber Gamer" in review and "Kit Gamer (−10 %)" in review and "Envío gratis con el cupón ENVIOGRATIS" in review
    )
    screenshot(page, "discount-lines-review")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    totals = discount_lines(page, ".order-totals")
    assert "Cyber Gamer\n−S/ 100.00" in totals and "Kit Gamer (−10 %)\n−S/ 101.98" in totals
    assert "Envío gratis con el cupón ENVIOGRATIS" in totals
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "discount-lines-order")

    order = Order.objects.get(number=number)
    assert order.discount_total == Decimal("201.98") and order.shipping_total == 0 < order.shipping_discount


@pytest.mark.parametrize("query", ["k" * 300, ("teclado " * 38).strip()], ids=["one-word", "many-words"])
def test_a_300_character_search_fits_a_phone(new_page, shop, query):
    assert len(query) >= 300
    page = new_page(PHONE)
    page.goto(f"/search/?q={query}")
    page.locator("h1").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert "…" in page.locator("h1").inner_text()
    assert "muy larga" in page.locator(".search-shortened").inner_text()
    assert len(page.locator("#site-search").input_value()) == 100
    screenshot(page, f"search-300-{'word' if ' ' not in query else 'words'}")
