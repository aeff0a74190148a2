"""A 3x2 in Chromium: the stool's card and page show "3x2" and how it stacks; three stools in the
cart charge two, with the offer as its own discount line; the shopper pays with the test
gateway and the order and its boleta show the discount. Screenshots at 1280 and 390 px."""

from decimal import Decimal

import pytest

from catalog.models import Product
from orders.models import Order
from promotions.models import QuantityOffer, Scope
from promotions.services import quantity_offer_create
from receipts.models import Receipt
from tests.e2e.helpers import DESKTOP, PHONE, add_variant, fill_details, screenshot
from tests.factories import three_for_two

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("promotions_journey")]
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_3x2_in_the_cart_the_order_and_the_boleta(new_page, shop, viewport):
    three_for_two(
        Product.objects.get(slug="banco-andino"),
        name="3x2 Bancos",
    )
    page = new_page(viewport)
    page.goto("/c/sillas/")
    card = page.locator(".product-card", has_text="Banco Andino")
    assert card.locator(".badge--offer").inner_text() == "3x2"
    screenshot(page, "quantity-offer-listing")

    add_variant(page, "banco-andino", quantity=3)
    offer = page.locator("[data-testid=quantity-offer]").inner_text()
    assert "3x2 Bancos" in offer and "un cupón se aplica encima" in offer
    screenshot(page, "quantity-offer-product")

    page.goto("/cart/")
    summary = page.locator(".cart-summary .cart-totals").inner_text()
    assert "3x2 Bancos\n−S/ 120.00" in summary
    assert "S/ 240.00" in page.locator(".cart-totals .totals-total").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "quantity-offer-cart")

    fill_details(page)
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    assert "3x2 Bancos" in page.locator(".checkout-summary .cart-totals").inner_text()
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    assert "3x2 Bancos\n−S/ 120.00" in page.locator(".order-totals").inner_text()
    screenshot(page, "quantity-offer-order")

    order = Order.objects.get(number=number)
    line = order.lines.get()
    assert (line.quantity, line.offer_discount, line.line_total) == (3, Decimal("120.00"), Decimal("240.00"))
    receipt = Receipt.objects.get(order=order)
    assert receipt.discount_total == Decimal("120.00")
    page.locator(".order-section--receipts").get_by_role("link", name=receipt.full_number).click()
    page.wait_for_url("**/comprobantes/**")
    text = page.locator(".receipt").inner_text()
    assert "S/ 120.00" in text and receipt.full_number in text
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "quantity-offer-boleta")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_gift_goes_into_the_cart_by_itself(new_page, shop, viewport):
    """Two chairs earn a stool: the stool appears in the cart as its own line, "Regalo", at
    S/ 0.00 with the offer's name; removing it takes it out and a reload does not put it back."""
    stool = Product.objects.get(slug="banco-andino").variants.get()
    quantity_offer_create(
        name="Lleva 2 sillas, llévate un banco",
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=2,
        gift_variant=stool,
        scope=Scope.PRODUCTS,
        products=[Product.objects.get(slug="silla-nordica")],
    )
    page = new_page(viewport)
    add_variant(page, "silla-nordica", quantity=2)
    assert "Banco Andino" in page.locator("[data-testid=quantity-offer]").inner_text()

    page.goto("/cart/")
    gift = page.locator(".cart-line", has=page.locator(".cart-line-gift"))
    assert gift.count() == 1
    text = gift.inner_text()
    assert "Regalo" in text and "Lleva 2 sillas, llévate un banco" in text and "Banco Andino" in text
    assert "S/ 0.00" in gift.locator(".cart-line-price").inner_text()
    assert "Reservado" in text  # its stock is held like any line's
    assert "Lleva 2 sillas, llévate un banco\n−S/ 120.00" in page.locator(".cart-summary .cart-totals").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "quantity-offer-gift-cart")

    gift.locator(".cart-remove").click()
    page.locator(".cart-line-gift").wait_for(state="detached")
    page.reload()
    assert page.locator(".cart-line-gift").count() == 0 and page.locator(".cart-line").count() == 1
