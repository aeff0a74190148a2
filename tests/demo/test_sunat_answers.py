"""The demo's simulated SUNAT (demo/sunat_answers.py, demo/fake_sunat.py): the demo's facturas and
notas are signed with a certificate made for the demo and sent through the store's own sending
services over HTTP to a local billService that accepts most, observes one factura (4332) and
rejects another (2022, re-issued under a new number and accepted); a third factura is voided by a
comunicación de baja; the resúmenes and the baja are polled to their answers. Every answer says it
comes from "SUNAT simulado (demo)"; a second run sends nothing and adds nothing."""

import base64
import textwrap

import pytest
from django.urls import reverse

from demo.shipping import DEMO_KEY
from demo.sunat import load_demo_sunat
from demo.sunat_answers import load_demo_sunat_answers
from orders.models import Order
from receipts.models import Receipt, SendStatus
from receipts.services import debit_note_issue, receipt_issue_for_order
from sunat.models import Condition, Summary, SummaryKind, SummaryStatus
from tests.factories import BUYER_DNI, BUYER_RUC, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db
LABEL = "SUNAT simulado (demo)"


def _factura(scenario: str) -> Receipt:
    order = make_order(document_type="ruc", document=BUYER_RUC)
    Order.objects.filter(pk=order.pk).update(idempotency_key=DEMO_KEY.format(scenario))
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


@pytest.fixture
def demo_documents(settings):
    """The demo's kinds of document as the demo leaves them before SUNAT is asked: four facturas
    (one with a nota de débito), a boleta, the resumen diario of the boletas; no certificate."""
    settings.SUNAT_CERT_PATH, settings.SUNAT_SEND_URL = "", ""
    facturas = {scenario: _factura(scenario) for scenario in ("factura-empresa", "factura-con-cupon", "factura-baja")}
    debit = debit_note_issue(
        original_id=facturas["factura-con-cupon"].pk, amount="18.00", reason_code="03", reason="Envío", actor=None
    )
    order = make_order(document_type="dni", document=BUYER_DNI)
    pay(order)
    boleta = receipt_issue_for_order(order_id=order.pk)
    load_demo_sunat()
    assert not Receipt.objects.exclude(digest="").exists()  # nothing signed yet: the demo signs
    return facturas, debit, boleta


def test_each_document_reaches_the_state_the_demo_shows(demo_documents, admin_client):
    facturas, debit, boleta = demo_documents
    simulated = load_demo_sunat_answers()
    assert simulated is not None
    operations = [operation for operation, _key in simulated.calls]
    assert {"sendBill", "sendSummary", "getStatus"} == set(operations)

    for receipt in [*facturas.values(), debit, boleta]:
        receipt.refresh_from_db()
        assert receipt.is_signed and LABEL in receipt.cdr_message, receipt
    observed, rejected, voided = facturas["factura-con-cupon"], facturas["factura-empresa"], facturas["factura-baja"]
    assert observed.send_status == SendStatus.OBSERVED
    assert observed.cdr_observations == ["4332 - El Código producto de SUNAT no es válido"]
    assert (rejected.send_status, rejected.cdr_code) == (SendStatus.REJECTED, "2022")
    assert "RegistrationName" in rejected.cdr_message and "ApplicationResponse" in rejected.cdr_xml
    reissue = Receipt.objects.get(reissue_of=rejected)
    assert (reissue.series, reissue.send_status) == ("F001", SendStatus.ACCEPTED) and reissue.number > voided.number
    assert reissue.issued_by is None or reissue.issued_by.is_superuser
    assert debit.send_status == voided.send_status == SendStatus.ACCEPTED
    assert boleta.send_status == SendStatus.ACCEPTED  # through the resumen's answer

    baja = Summary.objects.get(kind=SummaryKind.VOIDED)
    assert list(baja.lines.values_list("receipt_id", flat=True)) == [voided.pk]
    assert baja.status == SummaryStatus.ACCEPTED and baja.ticket and LABEL in baja.cdr_message
    daily = Summary.objects.filter(kind=SummaryKind.DAILY)
    assert {summary.status for summary in daily} == {SummaryStatus.ACCEPTED}
    assert daily.filter(lines__condition=Condition.VOID).exists()

    # The admin shows the observation's code, the rejection and its re-issue, and who answered.
    page = admin_client.get(reverse("admin:receipts_receipt_change", args=[observed.pk])).content.decode()
    assert "4332" in page and LABEL in page
    page = admin_client.get(reverse("admin:receipts_receipt_change", args=[rejected.pk])).content.decode()
    assert "2022" in page and reissue.full_number in page


def test_a_second_run_sends_nothing_and_adds_nothing(demo_documents):
    load_demo_sunat_answers()
    snapshot = list(Receipt.objects.order_by("pk").values_list("pk", "send_status", "cdr_code", "digest"))
    summaries = list(Summary.objects.order_by("pk").values_list("pk", "status", "ticket"))
    again = load_demo_sunat_answers()
    assert again is not None and again.calls == []
    assert list(Receipt.objects.order_by("pk").values_list("pk", "send_status", "cdr_code", "digest")) == snapshot
    assert list(Summary.objects.order_by("pk").values_list("pk", "status", "ticket")) == summaries


def test_a_store_sending_to_sunat_gets_no_simulation(demo_documents, settings):
    settings.SUNAT_SEND_URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"
    assert load_demo_sunat_answers() is None
    assert not Receipt.objects.exclude(send_status=SendStatus.PENDING).exists()


def _signing_certificate(receipt: Receipt, tmp_path):
    """The demo's certificate, read back from the signature it made (it lives no longer than the demo step)."""
    start = receipt.xml.index("<ds:X509Certificate>") + len("<ds:X509Certificate>")
    body = "".join(receipt.xml[start : receipt.xml.index("</ds:X509Certificate>")].split())
    base64.b64decode(body)
    pem = tmp_path / "demo-cert.pem"
    pem.write_text(
        "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(body, 64)) + "\n-----END CERTIFICATE-----\n"
    )
    return pem


@pytest.mark.sunat_xsl
@pytest.mark.parametrize("store_certificate", [False, True], ids=["demo-certificate", "store-certificate"])
def test_every_document_the_simulation_signed_passes_sunats_rules(
    demo_documents, tmp_path, settings, store_certificate
):
    from tests.factories import make_certificate
    from tests.receipts.judge import judge_all
    from tests.receipts.sunat_xsl import sunat_verdicts

    if store_certificate:  # the store's own certificate signs what the demo sends
        settings.SUNAT_CERT_PATH, _pem = make_certificate(tmp_path)
    load_demo_sunat_answers()
    receipts = list(Receipt.objects.order_by("pk"))
    judge_all(receipts, _signing_certificate(receipts[0], tmp_path))
    summaries = list(Summary.objects.order_by("pk"))
    assert {summary.kind for summary in summaries} == {SummaryKind.DAILY, SummaryKind.VOIDED}
    assert [str(verdict) for verdict in sunat_verdicts(summaries) if not verdict.clean] == []
