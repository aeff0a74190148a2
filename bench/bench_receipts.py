"""Per-receipt work that costs CPU: building and signing the UBL XML (RSA-SHA256, a throwaway
2048-bit key) and rendering the PDF with its QR, on the receipt of a paid order of its own (five products from the
catalog bench's data, or five of its own), issued the first time and kept."""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from bench.timing import figures, measure
from receipts.signing import self_signed_certificate

REPEAT = int(os.environ.get("BENCH_RECEIPTS_REPEAT", "30"))
BENCH_EMAIL = "bench-receipts@example.pe"


def _certificate_path() -> str:
    key, cert = self_signed_certificate("bench", days=1)
    path = Path(tempfile.mkdtemp()) / "bench.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    return str(path)


def _variants():
    """Five products of its own, stocked through the ledger (a bench database without the catalog's)."""
    from decimal import Decimal

    from catalog.models import Brand, Category, Family, Product, Variant
    from catalog.services import product_save, variant_save
    from inventory.models import Warehouse
    from inventory.services import stock_receive

    family, _ = Family.objects.get_or_create(slug="bench-receipts", defaults={"name": "Bench receipts"})
    category, _ = Category.objects.get_or_create(slug="bench-receipts", defaults={"name": "Bench", "family": family})
    brand, _ = Brand.objects.get_or_create(slug="bench-receipts", defaults={"name": "Bench"})
    warehouse, _ = Warehouse.objects.get_or_create(code="BENCH-REC", defaults={"name": "Bench", "priority": 99})
    variants = []
    for index in range(5):
        product = Product.objects.filter(slug=f"bench-receipt-{index}").first() or product_save(
            product=Product(
                slug=f"bench-receipt-{index}",
                name=f"Producto de comprobante {index}",
                base_sku=f"BR-{index}",
                brand=brand,
                category=category,
                base_price=Decimal("123.45") * (index + 1),
                status=Product.Status.ACTIVE,
            )
        )
        variant = Variant.objects.filter(sku=f"BR-{index}-U").first() or variant_save(
            variant=Variant(sku=f"BR-{index}-U", product=product)
        )
        stock_receive(variant=variant, warehouse=warehouse, quantity=5)
        variants.append(variant)
    return variants


def _receipt():
    """The receipt of the bench's own paid order (five lines), issued once and kept. Only that order's:
    issuing every paid order's missing receipt would take hours on a database the other benches filled."""
    from receipts.models import Receipt, ReceiptKind
    from receipts.services import receipt_issue_for_order

    receipt = Receipt.objects.filter(order__email=BENCH_EMAIL).exclude(kind=ReceiptKind.CREDIT_NOTE).first()
    if receipt is not None:
        return receipt
    from catalog.models import Variant
    from inventory.selectors import variant_in_stock
    from orders.services import OrderLineData, order_create
    from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay

    variants = list(Variant.objects.filter(variant_in_stock(), is_active=True).order_by("pk")[:5]) or _variants()
    address = {
        "recipient": "Bench",
        "phone": "987654321",
        "street": "Av. Arequipa 1",
        "district": "Miraflores",
        "province": "Lima",
        "department": "15",
    }
    order = order_create(
        customer=None,
        email=BENCH_EMAIL,
        idempotency_key=None,
        lines=[OrderLineData.from_variant(v, quantity=1) for v in variants],
        shipping_address=address,
        billing_address=address,
        shipping_method_id=None,
        shipping_method_name="Olva",
        shipping_total=10,
        customer_document="45678912",
        customer_document_type="dni",
    )
    payment_test_gateway_pay(payment=payment_start(order=order, method=payment_method_ensure_test_gateway()))
    return receipt_issue_for_order(order_id=order.pk, notify=False)


def run():
    from django.conf import settings

    from receipts import signing, ubl
    from receipts.pdf import receipt_pdf

    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = _certificate_path(), ""
    receipt = _receipt()
    lines = list(receipt.lines.all())
    certificate = signing.certificate_load()
    yield {"name": "receipt.lines", "value": len(lines), "unit": "count"}
    yield from figures(
        "xml_build_and_sign",
        measure(lambda: signing.xml_sign(ubl.receipt_xml(receipt, lines), certificate), repeat=REPEAT),
    )
    yield from figures("pdf_render", measure(lambda: receipt_pdf(receipt), repeat=REPEAT))
