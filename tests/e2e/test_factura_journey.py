"""A factura names the company, in Chromium: the shopper picks a factura, the RUC and company
name (razón social) fields appear, a missing company name is a Spanish error on the page, and
with it the order is placed, paid with the test gateway and its page shows the company."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Category
from orders.models import Order
from receipts.models import Receipt, ReceiptKind
from tests.e2e.helpers import PHONE, add_variant, fill_company_contact, screenshot
from tests.factories import ProductFactory, ProductImageFactory, VariantFactory, WarehouseFactory, stock

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("receipts_journey")]
RUC = "20100047218"
COMPANY = "Comercial Andina S.A.C."


@pytest.fixture
def chair_shop(shop):
    """The receipts journey's shop with a chair under S/ 700, so the receipt may go without a
    document and the number's field shows only when one is chosen."""
    chair = ProductFactory(
        name="Silla Ergonómica Apu",
        slug="silla-apu",
        category=Category.objects.get(slug="casacas"),
        base_price=Decimal("459.00"),
    )
    ProductImageFactory(product=chair)
    stock(VariantFactory(product=chair, sku="SA-1"), WarehouseFactory(), 5)


def test_a_shopper_asks_for_a_factura_for_their_company(page, new_page, chair_shop):
    add_variant(page, "silla-apu")
    page.goto("/checkout/")
    number, company = page.locator("#id_document"), page.locator("#id_legal_name")
    expect(number).to_be_hidden()  # a boleta without a document
    expect(company).to_be_hidden()
    page.select_option("#id_document_type", "dni")
    expect(number).to_be_visible()
    expect(company).to_be_hidden()
    page.select_option("#id_document_type", "ruc")
    expect(number).to_be_visible()
    expect(company).to_be_visible()
    assert "Razón social" in page.locator("label[for=id_legal_name]").inner_text()

    fill_company_contact(page)
    number.fill(RUC)
    screenshot(page, "checkout-factura-details")
    page.locator("#to-delivery").click()
    page.wait_for_load_state()
    assert page.url.endswith("/checkout/")  # still the details step
    error = page.locator(".field--legal_name .field-error")
    assert error.inner_text() == "Ingresa la razón social de la empresa tal como figura en SUNAT."
    expect(company).to_be_visible()  # the choice and the number stay
    expect(number).to_have_value(RUC)
    screenshot(page, "checkout-factura-missing-company")
    phone = new_page(PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto("/checkout/")
    phone.select_option("#id_document_type", "ruc")
    expect(phone.locator("#id_legal_name")).to_be_visible()
    screenshot(phone, "checkout-factura-details")

    company.fill(COMPANY)
    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    review = page.locator("main").inner_text()
    assert COMPANY in review and RUC in review
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    page.locator("#pay-approve").click()
    page.wait_for_url("**/orders/**")

    order = Order.objects.get()
    assert (order.customer_document, order.customer_legal_name) == (RUC, COMPANY)
    assert COMPANY in page.locator(".order-legal-name").inner_text()
    receipt = Receipt.objects.get(order=order)
    assert (receipt.kind, receipt.buyer_name) == (ReceiptKind.FACTURA, COMPANY)
    screenshot(page, "order-with-company")
    phone.goto(page.url)
    assert COMPANY in phone.locator(".order-legal-name").inner_text()
    screenshot(phone, "order-with-company")
