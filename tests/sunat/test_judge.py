"""Every resumen diario and comunicación de baja the services build, judged as SUNAT judges them:
SUNAT's schemas of its UBL 2.0 extensions (tests/sunat/sunat10: SummaryDocuments with the 1.1
line, VoidedDocuments), the signature checked by xmlsec1, and SUNAT's own stylesheets under the
file name sent (ValidaExprRegSummary-1.1.0, ValidaExprRegSummaryVoided-1.0.1): no error, no
observation. The documents hold what the store issues: boletas with and without the buyer's
document, a nota de crédito modifying a boleta, a boleta voided (lines 1 and 3), a factura and a
factura's nota voided."""

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from receipts.models import Receipt, SendStatus
from receipts.services import credit_note_issue
from sunat import services
from sunat.models import Summary, SummaryKind
from tests.receipts.sunat_xsl import sunat_verdicts

pytestmark = [pytest.mark.django_db, pytest.mark.sunat_xsl]
SCHEMAS = Path(__file__).parent / "sunat10" / "maindoc"


def _schema(kind: str) -> etree.XMLSchema:
    if kind == SummaryKind.VOIDED:
        return etree.XMLSchema(etree.parse(str(SCHEMAS / "UBLPE-VoidedDocuments-1.0.xsd")))
    root = SCHEMAS / "UBLPE-SummaryDocuments-1.0.xsd"
    text = root.read_text(encoding="utf-8").replace(
        "UBLPE-SunatAggregateComponents-1.0.xsd", "UBLPE-SunatAggregateComponents-1.1.xsd"
    )
    return etree.XMLSchema(etree.fromstring(text.encode(), base_url=root.as_uri()))


def _accepted(receipt: Receipt) -> Receipt:
    Receipt.objects.filter(pk=receipt.pk).update(send_status=SendStatus.ACCEPTED)
    receipt.refresh_from_db()
    return receipt


def _summaries(issue_paid) -> list[Summary]:
    boleta = issue_paid(prices=("199.90", "59.90"))
    note = credit_note_issue(receipt=boleta, amount="59.90", reason_code="07", reason="Devolución")
    Receipt.objects.filter(pk=note.pk).update(issue_date=boleta.issue_date)
    anonymous = issue_paid(prices=("39.90",))
    Receipt.objects.filter(pk=anonymous.pk).update(buyer_document_type="-", buyer_document="", buyer_name="")
    daily = services.daily_summary_build(reference_date=boleta.issue_date)
    voided_boleta = services.receipt_void(receipt_id=issue_paid().pk, reason="Error en el DNI del cliente")
    factura = _accepted(issue_paid(factura=True))
    voided_factura = services.receipt_void(receipt_id=factura.pk, reason="Error en la razón social")
    other = _accepted(issue_paid(factura=True))
    factura_note = _accepted(credit_note_issue(receipt=other, amount="10.00", reason_code="09", reason="Ajuste"))
    voided_note = services.receipt_void(receipt_id=factura_note.pk, reason="Nota emitida por error")
    return [daily, voided_boleta, voided_factura, voided_note]


def test_every_summary_passes_the_schemas_the_signature_and_sunats_stylesheets(by_summary, issue_paid, sunat_service):
    summaries = _summaries(issue_paid)
    failures = []
    for summary in summaries:
        assert summary.is_signed, summary
        schema = _schema(summary.kind)
        if not schema.validate(etree.fromstring(summary.xml.encode())):
            failures.append(f"{summary.file_name}: XSD {schema.error_log}")
    assert shutil.which("xmlsec1"), "xmlsec1 is missing: `make test-deps` installs it"
    for summary in summaries:
        signed = sunat_service.parent / f"{summary.file_name}.xml"
        signed.write_text(summary.xml, encoding="utf-8")
        check = subprocess.run(
            ["xmlsec1", "--verify", "--pubkey-cert-pem", str(sunat_service), "--id-attr:Id", "Signature", str(signed)],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            failures.append(f"{summary.file_name}: xmlsec1 {check.stderr[-500:]}")
    failures += [str(verdict) for verdict in sunat_verdicts(summaries) if not verdict.clean]
    assert failures == []
