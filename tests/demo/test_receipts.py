"""The demo step: every paid order gets its receipt, through the issuing service; a second run
changes nothing; nobody is e-mailed."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail

from demo.management.commands.demo_data import DEMO_STEPS, ensure_demo_receipts
from receipts.models import Receipt
from sunat.models import Summary, SummaryKind
from tests.factories import BUYER_RUC, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def test_every_paid_order_gets_its_receipt_and_a_second_run_changes_nothing(django_capture_on_commit_callbacks):
    paid = [make_order(), make_order(document_type="ruc", document=BUYER_RUC)]
    for order in paid:
        pay(order)
    unpaid = make_order()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ensure_demo_receipts()
    assert len(callbacks) == 2  # each receipt's sending is enqueued; no e-mail
    assert sorted(Receipt.objects.values_list("order_id", flat=True)) == sorted(order.pk for order in paid)
    assert not Receipt.objects.filter(order=unpaid).exists()
    assert {r.series for r in Receipt.objects.all()} == {"B001", "F001"}
    snapshot = list(Receipt.objects.order_by("pk").values_list("pk", "series", "number", "total"))
    ensure_demo_receipts()
    assert list(Receipt.objects.order_by("pk").values_list("pk", "series", "number", "total")) == snapshot
    assert mail.outbox == []
    assert DEMO_STEPS[-1] is ensure_demo_receipts


@pytest.mark.django_db(transaction=True)
def test_every_receipt_the_whole_demo_issues_passes_sunat_rules(tmp_path, settings, monkeypatch):
    """`demo_data` from scratch, signed with a throwaway certificate: every boleta, factura and
    nota de crédito it issues passes the schemas, xmlsec1 and SUNAT's rules (its stylesheets too
    where SUNAT_XSL_DIR is set), and the demo shows each kind of document to a newcomer. The same
    run's resúmenes diarios hold every kind of boleta it sells (a quantity offer's free unit,
    coupons, kits, an anonymous buyer, notas de crédito), and SUNAT's stylesheet finds nothing to
    say about them or the voiding line (one demo built for both: it is the suite's costliest set-up)."""
    from django.core.management import call_command

    from demo.management.commands import demo_data
    from receipts.models import ReceiptKind
    from tests.factories import make_certificate
    from tests.receipts.judge import judge_all
    from tests.receipts.sunat_xsl import stylesheet_folder, sunat_verdicts

    path, cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, ""
    pem = tmp_path / "store-cert.pem"
    pem.write_bytes(cert_pem)
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "admin.json")
    call_command("demo_data", verbosity=0, stdout=StringIO())
    receipts = list(Receipt.objects.order_by("pk"))
    series = {receipt.series for receipt in receipts}
    assert {"B001", "F001", "BC01", "FC01", "FD01"} <= series, series
    facturas = [receipt for receipt in receipts if receipt.kind == ReceiptKind.FACTURA]
    assert all(receipt.buyer_name and receipt.buyer_document_type == "6" for receipt in facturas)
    from orders.models import Order

    with_coupon = Order.objects.get(idempotency_key="demo-pedido-factura-con-cupon")
    assert with_coupon.coupon_code == "KALLPA20" and with_coupon.receipts.filter(kind=ReceiptKind.FACTURA).exists()
    debit = with_coupon.receipts.get(kind=ReceiptKind.DEBIT_NOTE)  # shipping charged after the sale
    assert (debit.series, debit.total, debit.reason_code, debit.source) == (
        "FD01",
        Decimal("18.00"),
        "03",
        "demo:debit-note",
    )
    assert debit.original == with_coupon.receipts.get(kind=ReceiptKind.FACTURA) and debit.issued_by.is_superuser
    three_for_two = Order.objects.get(idempotency_key="demo-pedido-oferta-3x2")  # two of three polos charged
    [line] = three_for_two.lines.all()
    assert line.quantity == 3 and line.offer_discount == line.unit_price and line.offer_discount_name == "3x2 en polos"
    assert three_for_two.receipts.get(kind=ReceiptKind.BOLETA).discount_total >= line.offer_discount
    judge_all(receipts, pem)
    summaries = list(Summary.objects.order_by("pk"))
    daily = [summary for summary in summaries if summary.kind == SummaryKind.DAILY]
    assert len(daily) >= 2 and {summary.kind for summary in summaries} == {SummaryKind.DAILY, SummaryKind.VOIDED}
    assert summaries[0].lines.count() >= 10
    if stylesheet_folder() is not None:
        assert [str(verdict) for verdict in sunat_verdicts(summaries) if not verdict.clean] == []
