"""Every kind of receipt the store issues, judged as SUNAT judges it: the OASIS UBL 2.1 schemas,
SUNAT's own validation stylesheets run under the file name the store sends (no error, no
observation; tests/receipts/sunat_xsl.py), and the signature checked by xmlsec1. The orders are
placed through checkout as shoppers place them: with and without DNI, a factura, a coupon, an
automatic discount, a kit, free shipping, store credit; then a partial and a whole refund, a
return, a cancelled order paid partly with credit, and a nota de débito on a factura and on a boleta."""

import subprocess
from decimal import Decimal

import pytest

from core.money import format_money
from credit.services import store_credit_issue
from orders.services import order_cancel
from payments.models import Refund
from payments.services.refunds import refund_approve, refund_request
from promotions.models import Coupon
from promotions.services import coupon_create, discount_create
from receipts.models import Receipt, ReceiptKind
from receipts.services import credit_note_issue, debit_note_issue
from tests.factories import (
    BUYER_DNI,
    BUYER_RUC,
    KitFactory,
    KitItemFactory,
    UserFactory,
    checkout_order,
    pay,
)
from tests.receipts.judge import judge_all
from tests.receipts.sunat_xsl import require_stylesheets, sunat_verdicts

pytestmark = [pytest.mark.django_db, pytest.mark.shop("sunat")]


def _refund_whole(order, *, reason: str):
    payment = order.payments.get(status="succeeded")
    refund = refund_request(payment=payment, amount=payment.amount, reason=reason, actor=None)
    return refund_approve(refund=refund, actor=UserFactory(is_superuser=True, is_staff=True))


def test_every_kind_of_receipt_passes_sunat_rules(shop, certificate, django_capture_on_commit_callbacks):
    method, variant = shop
    customer = UserFactory(email="rosa@example.pe", dni=BUYER_DNI)
    company = {
        "recipient": "Comercial Andina S.A.C.",
        "phone": "987654321",
        "street": "Av. Arequipa 1234",
        "district": "Miraflores",
        "province": "Lima",
        "department": "15",
        "department_name": "Lima",
        "ubigeo": "150122",
    }
    # a customer buys at most 5 units of a product: each order takes products of its own
    polo, casaca, laptop = (lambda: variant("59.90")), (lambda: variant("129.00")), variant("2899.00")
    discounted = variant("569.00")
    discount_create(
        name="Cyber", kind="percentage", value=Decimal("15"), scope="products", products=[discounted.product]
    )
    coupon_create(
        code="KALLPA20", name="20 %", kind=Coupon.Kind.PERCENTAGE, value=Decimal("20"), max_uses_per_customer=None
    )
    coupon_create(code="ENVIOGRATIS", name="Envío gratis", kind=Coupon.Kind.FREE_SHIPPING)
    kit = KitFactory(discount_percent=Decimal("10.00"))
    for part in (variant("349.90"), variant("89.90")):
        KitItemFactory(kit=kit, product=part.product)

    orders = {}
    with django_capture_on_commit_callbacks(execute=True):
        orders["boleta sin DNI"] = checkout_order(customer=customer, variants=[(polo(), 2)], method=method, key="a")
        orders["boleta con DNI y cupón"] = checkout_order(
            customer=customer,
            variants=[(polo(), 3), (casaca(), 1)],
            method=method,
            coupon_code="KALLPA20",
            document_type="dni",
            document=BUYER_DNI,
            key="b",
        )
        orders["factura con descuento automático"] = checkout_order(
            customer=customer,
            variants=[(discounted, 1), (polo(), 1)],
            method=method,
            document_type="ruc",
            document=BUYER_RUC,
            billing=company,
            key="c",
        )
        orders["kit con envío gratis"] = checkout_order(
            customer=customer,
            variants=[],
            kit=kit,
            method=method,
            coupon_code="ENVIOGRATIS",
            document_type="dni",
            document=BUYER_DNI,
            key="d",
        )
        credit = store_credit_issue(customer=customer, amount="100.00")
        orders["pagado en parte con vale"] = checkout_order(
            customer=customer, variants=[(casaca(), 2)], method=method, credit=credit, credit_amount="100.00", key="e"
        )
        orders["factura devuelta entera"] = checkout_order(
            customer=customer,
            variants=[(laptop, 1), (polo(), 2)],
            method=method,
            coupon_code="KALLPA20",
            document_type="ruc",
            document=BUYER_RUC,
            billing=company,
            key="f",
        )
        for order in orders.values():
            if order.payment_status != "paid":
                pay(order)
    for order in orders.values():
        order.refresh_from_db()
        assert order.payment_status == "paid", order
    with django_capture_on_commit_callbacks(execute=True):
        # a partial refund of an amount, a whole refund, and a paid order cancelled with credit given back
        boleta = orders["boleta con DNI y cupón"].receipts.get()
        credit_note_issue(receipt=boleta, amount="20.00", reason_code="07", reason="Ajuste", source="test:partial")
        _refund_whole(orders["factura devuelta entera"], reason="Pedido devuelto")
        order_cancel(
            order=orders["pagado en parte con vale"], actor=None, reason="Cancelado por la tienda", by_customer=False
        )

    # notas de débito: shipping charged after the sale on a factura, a price error on a boleta
    staff = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        debit_note_issue(
            original_id=orders["factura con descuento automático"].receipts.get().pk,
            amount="25.00",
            reason_code="03",
            reason="Envío a provincia cobrado después de la venta",
            actor=staff,
        )
        debit_note_issue(
            original_id=orders["boleta sin DNI"].receipts.get().pk,
            amount="10.50",
            reason_code="02",
            reason="Error de precio a favor de la tienda",
            actor=staff,
        )

    receipts = list(Receipt.objects.order_by("pk"))
    kinds = [receipt.kind for receipt in receipts]
    assert kinds.count(ReceiptKind.DEBIT_NOTE) == 2
    assert {note.series for note in Receipt.objects.filter(kind=ReceiptKind.DEBIT_NOTE)} == {"FD01", "BD01"}
    assert kinds.count(ReceiptKind.FACTURA) == 2 and kinds.count(ReceiptKind.BOLETA) == 4
    assert kinds.count(ReceiptKind.CREDIT_NOTE) >= 3
    whole = Receipt.objects.get(original__order=orders["factura devuelta entera"], kind=ReceiptKind.CREDIT_NOTE)
    assert whole.lines.count() == whole.original.lines.count()
    assert [line.discount for line in whole.lines.all()] == [line.discount for line in whole.original.lines.all()]
    judge_all(receipts, certificate)


@pytest.mark.sunat_xsl
def test_sunat_stylesheets_reject_what_sunat_rejects(shop, certificate, django_capture_on_commit_callbacks):
    """The judge itself: a receipt sent under a zero-padded number is refused (1036), the same one
    under the name the store sends is clean. Skips where SUNAT_XSL_DIR is not set."""
    require_stylesheets()
    method, variant = shop
    customer = UserFactory(email="luis@example.pe")
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_order(customer=customer, variants=[(variant("59.90"), 1)], method=method, key="z")
        pay(order)
    receipt = Receipt.objects.get(order=order)
    [verdict] = sunat_verdicts([receipt])
    assert verdict.clean, verdict
    [padded] = sunat_verdicts([_Renamed(receipt, f"{receipt.issuer_ruc}-03-{receipt.series}-{receipt.number:08d}")])
    assert padded.error.startswith("1036"), padded


class _Renamed:
    """A receipt sent under another file name."""

    def __init__(self, receipt, file_name):
        self.xml, self.kind, self.file_name = receipt.xml, receipt.kind, file_name


def test_a_return_gets_one_note_with_the_returned_lines(
    gateway_order, staff, warehouse, certificate, django_capture_on_commit_callbacks
):
    """Two returns of one order: one resolved by refund (approved at the gateway), one by store
    credit; each gets one nota de crédito that credits the units it took back, at what they were
    sold for, and the one that completes the order gives the shipping back too."""
    from receipts.services import receipt_issue_for_order
    from returns.services import return_resolve
    from tests.factories import received_return

    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipt_issue_for_order(order_id=gateway_order.pk)
        first = received_return(gateway_order, staff, warehouse, units={"POLO-M": 1}, resolution="refund")
        return_resolve(request=first, actor=staff)
        refund = Refund.objects.get(payment__order=gateway_order)
        refund_approve(refund=refund, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        second = received_return(gateway_order, staff, warehouse, units={"POLO-M": 1, "CASACA-L": 1})
        return_resolve(request=second, actor=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    notes = {note.source: note for note in Receipt.objects.filter(original=receipt)}
    assert set(notes) == {f"return:{first.pk}", f"return:{second.pk}"}
    one = notes[f"return:{first.pk}"]
    assert one.total == first.resolved_amount
    assert [(line.sku, line.quantity) for line in one.lines.all()] == [("POLO-M", 1)]
    rest = notes[f"return:{second.pk}"]
    assert rest.total == second.resolved_amount
    assert [(line.sku, line.quantity) for line in rest.lines.all()] == [("POLO-M", 1), ("CASACA-L", 1), ("ENVIO", 1)]
    assert one.total + rest.total == receipt.total
    judge_all([receipt, one, rest], certificate)


def test_the_printed_receipt_reads_as_its_arithmetic(tmp_path):
    """Each printed row: quantity × unit value − discount = value (without IGV), value + IGV =
    amount; a carrier's dash prints as a dash, not '?'."""
    from receipts.pdf import receipt_pdf
    from receipts.services import receipt_issue_for_order
    from tests.factories import make_priced_order as make_order

    order = make_order(
        prices=("569.00", "59.90"),
        quantities=(1, 3),
        discounts=("85.35", "0.00"),
        order_discount="25.50",
        document_type="ruc",
        document=BUYER_RUC,
    )
    order.shipping_method_name = "Olva Courier – provincias"
    order.save(update_fields=["shipping_method_name"])
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(receipt_pdf(receipt))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Olva Courier" in text and "provincias" in text and "?" not in text
    for line in receipt.lines.all():
        assert abs(line.unit_value_shown * line.quantity - line.discount_value - line.taxable_amount) < Decimal("0.01")
        assert line.taxable_amount + line.igv == line.total
        assert line.unit_value_printed in text and format_money(line.discount_value) in text
