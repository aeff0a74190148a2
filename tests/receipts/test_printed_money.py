"""The printed boleta and factura, the receipt page and the back office write money as the shop
does (S/ 1,234.50): unit values with the few decimals the row's arithmetic needs, not SUNAT's ten
(those stay in the XML)."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from receipts.pdf import receipt_pdf
from receipts.services import receipt_issue_for_order
from tests.factories import BUYER_RUC, UserFactory, make_priced_order, pay

pytestmark = pytest.mark.django_db

LONG_DECIMALS = re.compile(r"\d\.\d{5,}")
BARE_AMOUNT = re.compile(r"(?<!S/ )(?<![\d,.])\d{1,3}(?:,\d{3})*\.\d{2}\b")


@pytest.fixture
def factura():
    # 59.90 with IGV is 50.762711864... without it: three units are 152.29, which 50.76 × 3 misses.
    order = make_priced_order(prices=("59.90", "1299.00"), quantities=(3, 1), document_type="ruc", document=BUYER_RUC)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def pdf_text(receipt, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(receipt_pdf(receipt))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_unit_values_are_soles_with_the_decimals_the_row_needs(factura):
    three, one, shipping = factura.lines.order_by("position")
    assert three.unit_value == Decimal("50.7627118644")  # SUNAT's precision, kept for the XML
    assert "50.7627118644" in factura.xml
    assert (three.unit_value_printed, one.unit_value_printed) == ("S/ 50.763", "S/ 1,100.85")
    assert shipping.unit_value_printed == "S/ 12.71"


def test_the_pdf_writes_every_amount_in_soles(factura, tmp_path):
    text = pdf_text(factura, tmp_path)
    assert "S/ 50.763" in text and "S/ 1,100.85" in text and "S/ 152.29" in text and "S/ 27.41" in text
    assert not LONG_DECIMALS.search(text), LONG_DECIMALS.findall(text)
    table = text.split("Importe", 1)[1].split("Operación gravada", 1)[0]
    assert not BARE_AMOUNT.search(table), BARE_AMOUNT.findall(table)


def test_the_receipt_page_writes_unit_values_in_soles(client, factura):
    customer = UserFactory()
    factura.order.customer = customer
    factura.order.save(update_fields=["customer"])
    client.force_login(customer)
    html = client.get(reverse("receipts:detail", args=[factura.order.number, factura.pk])).content.decode()
    assert "S/ 50.763" in html and not LONG_DECIMALS.search(html)


def test_the_admin_writes_the_receipt_in_soles(admin_client, factura):
    page = admin_client.get(f"/admin/receipts/receipt/{factura.pk}/change/").content.decode()
    assert "S/ 50.763" in page and "S/ 1,493.70" in page
    assert not re.search(r"\d,\d{2}\b", page)  # the admin's own "50,76"; the XML shown keeps all ten decimals
    listing = admin_client.get("/admin/receipts/receipt/").content.decode()
    assert f"S/ {factura.total:,.2f}" in listing
