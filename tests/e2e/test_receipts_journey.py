"""Receipts and Mercado Pago in Chromium.

1. A buyer asks for a factura with a RUC and a business name at checkout, pays with the test
   gateway, opens the factura from the order page and downloads its PDF.
2. A buyer pays with Mercado Pago: the pay page hands over to Checkout Pro (the preference the
   faked API returned), the buyer pays and comes back, and the return (read back from the faked
   API) marks the order paid. Mercado Pago's API is faked with `responses`, its checkout page
   with a Playwright route."""

import subprocess
from pathlib import Path

import pytest
import responses

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentMethod, Provider
from receipts.models import Receipt, ReceiptKind
from tests.e2e.helpers import (
    PHONE,
    SCREENSHOTS,
    add_variant,
    fill_company_contact,
    fill_details,
    follow_to_gateway,
    screenshot,
)
from tests.payments.mercadopago_helpers import ACCESS_TOKEN, API, INIT_POINT, PREFERENCE_ID, WEBHOOK_SECRET

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("receipts_journey")]
BUYER_RUC = "20100047218"
MP_PAYMENT = "1319500777"


def fill_factura(page, ruc=BUYER_RUC, business="Comercial Andina S.A.C."):
    """The details step, asking for a factura billed to a company."""
    page.goto("/checkout/")
    fill_company_contact(page)
    page.select_option("#id_document_type", "ruc")
    page.fill("#id_document", ruc)
    page.fill("#id_legal_name", business)
    page.locator("#billing-same").uncheck()
    page.fill("#id_billing-recipient", business)
    page.fill("#id_billing-phone", "014445555")
    page.fill("#id_billing-street", "Av. Javier Prado Este 4200")
    page.select_option("#id_billing-department", "15")
    page.wait_for_function("() => document.querySelectorAll('#id_billing-province option').length > 3")
    page.select_option("#id_billing-province", "1501")
    page.wait_for_function("() => document.querySelectorAll('#id_billing-district option').length > 10")
    page.select_option("#id_billing-district", "150131")
    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")


def pdf_pages(pdf: Path, name: str) -> list[Path]:
    """The PDF as PNG pages (pdftoppm), to look at like the screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(prefix)], check=True)
    return sorted(SCREENSHOTS.glob(f"{name}*.png"))


def test_a_buyer_asks_for_a_factura_pays_and_downloads_it(page, new_page, shop, tmp_path):
    add_variant(page, "casaca-cordillera")
    fill_factura(page)
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    assert BUYER_RUC in page.locator("main").inner_text()
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    page.locator("#pay-approve").click()
    page.wait_for_url("**/orders/**")

    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.series, receipt.buyer_document) == (ReceiptKind.FACTURA, "F001", BUYER_RUC)
    assert receipt.buyer_name == "Comercial Andina S.A.C." and receipt.total == receipt.order.total
    receipts = page.locator(".order-section--receipts")
    assert receipt.full_number in receipts.inner_text()
    screenshot(page, "order-with-factura")
    with page.expect_download() as from_order_page:
        receipts.get_by_role("link", name="PDF").click()
    assert from_order_page.value.suggested_filename == f"{receipt.file_name}.pdf"
    receipts.get_by_role("link", name=receipt.full_number).click()
    page.wait_for_url("**/comprobantes/**")
    text = page.locator(".receipt").inner_text()
    assert "FACTURA" in text.upper() and receipt.full_number in text and BUYER_RUC in text
    assert receipt.amount_in_words in text
    screenshot(page, "factura")

    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar PDF").click()
    pdf = tmp_path / "factura.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and download.value.suggested_filename == f"{receipt.file_name}.pdf"
    assert pdf_pages(pdf, "factura-pdf")

    phone = new_page(PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    assert receipt.full_number in phone.locator(".receipt").inner_text()
    screenshot(phone, "factura")


def test_a_mercado_pago_payment_marks_the_order_paid(page, live_server, shop, settings):
    settings.MERCADOPAGO_ACCESS_TOKEN, settings.MERCADOPAGO_WEBHOOK_SECRET = ACCESS_TOKEN, WEBHOOK_SECRET
    PaymentMethod.objects.get_or_create(
        code="mercadopago", defaults={"name": "Mercado Pago", "provider": Provider.MERCADOPAGO, "kind": "wallet"}
    )
    add_variant(page, "casaca-cordillera")
    fill_details(page, dni="45678912")  # over S/ 700: the boleta names its buyer
    methods = page.locator("input[name=payment_method]")
    assert methods.count() == 1 and methods.first.get_attribute("value") == "mercadopago"
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    order = Order.objects.get(number=number)
    payment = order.payments.get()
    screenshot(page, "pay-with-mercadopago")

    back = (
        f"{live_server.url}/payments/order/{number}/mpago/return/?collection_id={MP_PAYMENT}"
        f"&collection_status=approved&payment_id={MP_PAYMENT}&status=approved&external_reference={payment.pk}"
        f"&preference_id={PREFERENCE_ID}"
    )
    page.route(
        "https://www.mercadopago.com.pe/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<h1>Mercado Pago (prueba)</h1><a id="mp-pay" href="{back}">Pagar</a>',
        ),
    )
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        api.post(
            f"{API}/checkout/preferences",
            status=201,
            json={"id": PREFERENCE_ID, "init_point": INIT_POINT, "sandbox_init_point": INIT_POINT},
        )
        api.get(
            f"{API}/v1/payments/{MP_PAYMENT}",
            json={
                "id": int(MP_PAYMENT),
                "status": "approved",
                "status_detail": "accredited",
                "external_reference": str(payment.pk),
                "transaction_amount": float(order.total),
                "currency_id": "PEN",
                "payment_method_id": "yape",
                "card": {},
            },
        )
        follow_to_gateway(page, INIT_POINT, click=page.locator("#pay-mpago").click)
        page.locator("#mp-pay").click()
        page.wait_for_url(f"**/orders/**{number}**")

    assert "Pagado" in page.locator(".order-header-status").inner_text()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID and payment.status == Payment.Status.SUCCEEDED
    assert payment.gateway_reference == MP_PAYMENT
    assert Receipt.objects.filter(order=order, kind=ReceiptKind.BOLETA).count() == 1
    screenshot(page, "order-paid-by-mercadopago")
