"""Buying in Chromium: a guest buys two variants and a kit and pays with the test gateway; a
declined card then a successful retry; the anonymous cart merges on login; a customer
cancels within the window and the stock comes back."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from inventory.models import StockLevel
from orders.models import Order, OrderStatus
from payments.services import payment_method_ensure_dummy
from demo.shipping import load_demo_shipping
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import (
    PASSWORD, BrandFactory, CategoryFactory, FamilyFactory, KitFactory, KitItemFactory, OptionFactory,
    OptionValueFactory, ProductFactory, ProductImageFactory, UserFactory, VariantFactory, WarehouseFactory, stock,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    load_demo_shipping()
    payment_method_ensure_dummy()
    moda = FamilyFactory(name="Moda", slug="moda")
    hoodies = CategoryFactory(family=moda, name="Hoodies", slug="hoodies")
    size = OptionFactory(code="size")
    m, xl = OptionValueFactory(option=size, slug="m", value="M"), OptionValueFactory(option=size, slug="xl", value="XL")
    inti = BrandFactory(name="Inti Wear", slug="inti-wear")
    hoodie = ProductFactory(name="Hoodie Andino", slug="hoodie-andino", brand=inti, category=hoodies,
                            base_price=Decimal("149.00"), compare_at_price=Decimal("179.00"))
    cap = ProductFactory(name="Gorra Inti", slug="gorra-inti", brand=inti, category=hoodies, base_price=Decimal("59.00"))
    desk = ProductFactory(name="Escritorio Nogal", slug="escritorio-nogal", brand=inti, category=hoodies,
                          base_price=Decimal("499.00"))
    warehouse = WarehouseFactory(code="LIM-CENTRAL", name="Lima central", priority=1)
    variants = {
        "hoodie-m": VariantFactory(product=hoodie, sku="HA-M", values=[m]),
        "hoodie-xl": VariantFactory(product=hoodie, sku="HA-XL", values=[xl]),
        "cap": VariantFactory(product=cap, sku="GI-U"),
        "desk": VariantFactory(product=desk, sku="EN-1"),
    }
    for variant in variants.values():
        stock(variant, warehouse, 6)
    for product in (hoodie, cap, desk):
        ProductImageFactory(product=product)
    kit = KitFactory(name="Kit Home Office", slug="kit-home-office", discount_percent=Decimal("10"))
    KitItemFactory(kit=kit, product=desk)
    KitItemFactory(kit=kit, product=cap, is_optional=True)
    return variants


def add_variant(page, slug: str, size: str | None = None, quantity: int = 1):
    page.goto(f"/p/{slug}/" + (f"?size={size}" if size else ""))
    if quantity != 1:
        page.fill("#quantity", str(quantity))
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()


def fill_details(page, *, email: str | None = "rosa@example.pe", recipient="Rosa Quispe",
                 street="Av. Arequipa 1234, dpto. 502", ubigeo="150122", dni: str | None = None):
    """The details step with a new address chosen through the dependent selects (and a DNI for
    the boleta, which SUNAT asks for above S/ 700)."""
    page.goto("/checkout/")
    if email:
        page.fill("#id_email", email)
    page.fill("#id_shipping-recipient", recipient)
    page.fill("#id_shipping-phone", "987654321")
    page.fill("#id_shipping-street", street)
    page.select_option("#id_shipping-department", ubigeo[:2])
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-province option').length > 3")
    page.select_option("#id_shipping-province", ubigeo[:4])
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-district option').length > 10")
    page.select_option("#id_shipping-district", ubigeo)
    if dni:
        page.select_option("#id_document_type", "dni")
        page.fill("#id_document", dni)
    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")


def to_payment(page) -> str:
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


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
