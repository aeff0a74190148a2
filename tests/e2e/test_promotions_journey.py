"""Promotions in Chromium: a shopper sees a discounted product in the listing and on its page,
adds it, applies a coupon, sees both discounts in the cart, at review and on the order; an
expired code shows its reason. Screenshots at 1280 and 390 px."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.services import payment_method_ensure_dummy
from promotions.models import AutomaticDiscount, Coupon, Scope
from promotions.services import coupon_create, discount_create
from demo.shipping import load_demo_shipping
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_checkout_journey import fill_details
from tests.factories import (
    BrandFactory, CategoryFactory, FamilyFactory, ProductFactory, ProductImageFactory, VariantFactory,
    WarehouseFactory, stock,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    load_demo_shipping()
    payment_method_ensure_dummy()
    hogar = FamilyFactory(name="Hogar", slug="hogar")
    sillas = CategoryFactory(family=hogar, name="Sillas", slug="sillas")
    brand = BrandFactory(name="Madera Viva", slug="madera-viva")
    chair = ProductFactory(name="Silla Nórdica", slug="silla-nordica", brand=brand, category=sillas,
                           base_price=Decimal("200.00"))
    stool = ProductFactory(name="Banco Andino", slug="banco-andino", brand=brand, category=sillas,
                           base_price=Decimal("120.00"))
    warehouse = WarehouseFactory(code="LIM", priority=1)
    for product, sku in ((chair, "SN-1"), (stool, "BA-1")):
        stock(VariantFactory(product=product, sku=sku), warehouse, 10)
        ProductImageFactory(product=product)
    now = timezone.now()
    discount_create(name="Semana de las sillas", kind=AutomaticDiscount.Kind.PERCENTAGE, value=Decimal("15"),
                    scope=Scope.PRODUCTS, products=[chair], starts_at=now - timedelta(days=1))
    coupon_create(code="KALLPA20", name="S/ 20", kind=Coupon.Kind.FIXED, value=Decimal("20"))
    coupon_create(code="INVIERNO2025", name="Vencido", kind=Coupon.Kind.PERCENTAGE, value=Decimal("20"),
                  starts_at=now - timedelta(days=60), ends_at=now - timedelta(days=30))


def apply_coupon(page, code: str):
    page.fill("#coupon-code", code)
    page.locator(".coupon-form button[type=submit]").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_shopper_buys_with_an_automatic_discount_and_a_coupon(new_page, shop, viewport):
    page = new_page(viewport)
    page.goto("/c/sillas/?sort=price_asc")
    card = page.locator(".product-card", has_text="Silla Nórdica")
    assert "S/ 170.00" in card.inner_text() and "-15" in card.locator(".badge--sale").inner_text()
    assert "S/ 200.00" in card.locator("s.price-was").inner_text()
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
    assert "Ofertas" in summary and "−S/ 30.00" in summary and "KALLPA20" in summary and "−S/ 20.00" in summary
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
