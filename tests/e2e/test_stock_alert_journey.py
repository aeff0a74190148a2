""" "Avísame" in Chromium: a signed-in shopper picks a sold-out size in the picker, the buy box says
that option (size and colour) is sold out and offers the alert for it by name, the answer names
it; purchasing sees the demand in the admin, stock is received, the e-mail arrives once naming the
option, and its link opens the product with that size chosen, which the shopper then buys."""

from decimal import Decimal

import pytest
from django.core import mail

from alerts import services
from inventory.services import stock_receive
from orders.models import Order, OrderStatus
from tests.e2e.helpers import PHONE, fill_details, screenshot, sign_in, to_payment
from tests.factories import (
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    ProductImageFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    load_demo_shipping,
    payment_method_ensure_test_gateway,
    stock,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def polera(db):
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    size, colour = OptionFactory(code="size"), OptionFactory(code="color")
    black = OptionValueFactory(option=colour, slug="negro", value="Negro", swatch="#111111")
    product = ProductFactory(name="Polera Andina", slug="polera-andina", base_price=Decimal("89.00"))
    ProductImageFactory(product=product)
    warehouse = WarehouseFactory(code="LIM-CENTRAL", name="Lima central", priority=1)
    small = VariantFactory(
        product=product, sku="PA-S", values=[OptionValueFactory(option=size, slug="s", value="S"), black]
    )
    medium = VariantFactory(
        product=product, sku="PA-M", values=[OptionValueFactory(option=size, slug="m", value="M"), black]
    )
    stock(small, warehouse, 5)
    stock(medium, warehouse, 0)
    return {"medium": medium, "warehouse": warehouse}


def test_a_shopper_is_told_once_when_the_sold_out_size_is_back_and_buys_it(new_page, polera):
    shopper = UserFactory(email="rosa@example.pe")
    admin = UserFactory(email="compras@kallpa.pe", is_staff=True, is_superuser=True)
    services.stock_alert_request(
        variant_id=polera["medium"].pk, email="luis@example.pe", user=UserFactory(email="luis@example.pe")
    )  # asked first

    page = new_page()
    sign_in(page, "/accounts/login/", shopper.email)
    page.goto("/p/polera-andina/?size=s")
    assert page.locator("#stock-alert").count() == 0  # S is in stock: nothing to ask for
    page.locator("#option-size-m").click()  # the sold-out size stays choosable
    form = page.locator("#stock-alert")
    form.wait_for()
    assert page.url.endswith("size=m") or "size=m" in page.url
    assert "Agotado" in page.locator("#availability").inner_text()
    assert form.locator("#stock-alert-option").inner_text() == "Talla: M · Color: Negro"
    assert form.locator("input[name=email]").input_value() == "rosa@example.pe"
    screenshot(page, "stock-alert-form")
    form.locator("button[type=submit]").click()
    page.locator("#stock-alert-answer .alert--success").wait_for()
    answer = page.locator("#stock-alert-answer").inner_text()
    assert "te escribiremos" in answer and "Polera Andina (Talla: M · Color: Negro)" in answer
    screenshot(page, "stock-alert-answer")
    phone = new_page(PHONE)
    phone.goto("/p/polera-andina/?size=m")
    phone.locator("#stock-alert-option").wait_for()
    screenshot(phone, "stock-alert-form")

    staff = new_page()
    sign_in(staff, "/admin/login/", admin.email, field="username")
    staff.goto("/admin/alerts/variantdemand/")
    row = staff.locator("#result_list tbody tr").first
    assert "PA-M" in row.inner_text() and "2" in row.inner_text()
    screenshot(staff, "admin-demand")
    staff_phone = new_page(PHONE)
    sign_in(staff_phone, "/admin/login/", admin.email, field="username")
    staff_phone.goto("/admin/alerts/variantdemand/")
    screenshot(staff_phone, "admin-demand")

    # Two units come back: both waiting shoppers are told, once.
    stock_receive(variant=polera["medium"], warehouse=polera["warehouse"], quantity=2, reason="Reposición")
    services.stock_alerts_sweep()
    told = [message for message in mail.outbox if message.to == ["rosa@example.pe"]]
    assert len(told) == 1 and len(mail.outbox) == 2
    assert "Polera Andina (Talla: M · Color: Negro)" in told[0].subject
    link = next(word for word in told[0].body.split() if "/p/polera-andina/" in word)

    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert page.locator("#option-size-m").get_attribute("aria-current") == "true"
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()
    fill_details(page, email=None)
    number = to_payment(page)
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/**{number}**")
    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID and order.lines.get().sku == "PA-M"
