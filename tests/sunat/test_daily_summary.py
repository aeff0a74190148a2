"""The resumen diario (RC): built through the services from a closed day's boletas and notas,
judged by SUNAT's own stylesheet (ValidaExprRegSummary-1.1.0) under the file name sent, signed
and verifiable; one summary and one correlative however many workers build the same day at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from lxml import etree

from receipts import signing
from receipts.models import Receipt, SendStatus
from receipts.services import credit_note_issue
from sunat import selectors, services
from sunat.documents import NS
from sunat.models import Condition, Summary, SummaryKind, SummaryLine
from tests.receipts.sunat_xsl import sunat_verdicts
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db


def test_one_by_one_the_store_builds_no_summary(issue_paid):
    boleta = issue_paid()
    assert selectors.days_to_summarize() == []
    assert services.daily_summary_build(reference_date=boleta.issue_date) is None
    assert Summary.objects.count() == 0


def test_a_closed_days_boletas_and_notas_make_one_summary(by_summary, issue_paid):
    first, second = issue_paid(), issue_paid(prices=("59.90", "20.00"))
    note = credit_note_issue(receipt=second, amount="20.00", reason_code="09", reason="Ajuste de precio")
    Receipt.objects.filter(pk=note.pk).update(issue_date=second.issue_date, issued_at=second.issued_at)
    factura = issue_paid(factura=True)

    assert selectors.days_to_summarize() == [first.issue_date]
    summary = services.daily_summary_build(reference_date=first.issue_date)

    assert summary.kind == SummaryKind.DAILY and summary.correlative == 1
    assert summary.issue_date == selectors.lima_today() and summary.reference_date == first.issue_date
    assert summary.file_name == f"20601234565-RC-{summary.issue_date:%Y%m%d}-1"
    lines = list(summary.lines.order_by("position").values_list("receipt_id", "condition"))
    assert lines == [(first.pk, Condition.ADD), (second.pk, Condition.ADD), (note.pk, Condition.ADD)]
    assert factura.pk not in {receipt_id for receipt_id, _ in lines}
    # Reported now: not again.
    assert services.daily_summary_build(reference_date=first.issue_date) is None
    assert selectors.days_to_summarize() == []


def test_the_summary_holds_each_document_as_sunat_reads_it(by_summary, issue_paid):
    boleta = issue_paid(prices=("118.00",))
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    root = etree.fromstring(summary.xml.encode())
    assert root.tag == "{urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1}SummaryDocuments"
    assert root.findtext("cbc:ID", namespaces=NS) == summary.identifier
    line = root.find("sac:SummaryDocumentsLine", NS)
    assert line.findtext("cbc:ID", namespaces=NS) == f"B001-{boleta.number}"
    assert line.findtext("cac:Status/cbc:ConditionCode", namespaces=NS) == "1"
    assert Decimal(line.findtext("sac:TotalAmount", namespaces=NS)) == boleta.total
    assert Decimal(line.findtext("sac:BillingPayment/cbc:PaidAmount", namespaces=NS)) == boleta.taxable_total
    assert Decimal(line.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) == boleta.igv_total
    assert line.findtext("cac:AccountingCustomerParty/cbc:CustomerAssignedAccountID", namespaces=NS) == (
        boleta.buyer_document
    )


def test_beat_leaves_today_until_it_ends_asked_for_it_holds_todays_so_far(by_summary, issue_paid):
    today = issue_paid(days_ago=0)
    assert selectors.days_to_summarize() == []
    with pytest.raises(services.SunatError):
        services.daily_summary_build(reference_date=today.issue_date + timedelta(days=1))
    assert Summary.objects.count() == 0
    summary = services.daily_summary_build(reference_date=today.issue_date)
    assert summary.reference_date == summary.issue_date == today.issue_date
    later = issue_paid(days_ago=0)
    assert list(
        services.daily_summary_build(reference_date=today.issue_date).lines.values_list("receipt", flat=True)
    ) == [later.pk]


def test_a_rejected_summary_frees_nothing_its_boletas_carry_the_rejection(by_summary, issue_paid):
    """A rejected summary is no longer live: its boletas take SUNAT's rejection instead of being
    summarized again and again (staff re-issue them)."""
    boleta = issue_paid()
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    from receipts.sending import SendAnswer

    services._record_answer(summary, SendAnswer(status="rejected", code="2513", message="Serie no válida"))
    boleta.refresh_from_db()
    assert boleta.send_status == SendStatus.REJECTED and boleta.cdr_code == "2513"
    assert selectors.days_to_summarize() == []


@pytest.mark.sunat_xsl
def test_sunat_judges_the_summary_clean_signed_and_unsigned(by_summary, issue_paid, sunat_service):
    boleta = issue_paid(prices=("199.90", "59.90"))
    note = credit_note_issue(receipt=boleta, amount="59.90", reason_code="07", reason="Devolución")
    Receipt.objects.filter(pk=note.pk).update(issue_date=boleta.issue_date)
    anonymous = issue_paid(prices=("39.90",))
    Receipt.objects.filter(pk=anonymous.pk).update(buyer_document_type="-", buyer_document="", buyer_name="")
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    assert summary.is_signed
    signing.xml_verify(summary.xml.encode(), cert_pem=sunat_service.read_bytes())
    verdicts = sunat_verdicts([summary])
    assert all(verdict.clean for verdict in verdicts), [str(v) for v in verdicts]


@pytest.mark.sunat_xsl
def test_sunat_judges_a_void_line_clean(by_summary, issue_paid):
    boleta = issue_paid()
    summary = services.receipt_void(receipt_id=boleta.pk, reason="Error en el nombre del cliente")
    assert list(summary.lines.values_list("condition", flat=True)) == [Condition.ADD, Condition.VOID]
    verdicts = sunat_verdicts([summary])
    assert all(verdict.clean for verdict in verdicts), [str(v) for v in verdicts]


def test_a_rolled_back_build_gives_its_correlative_back(by_summary, issue_paid):
    boleta = issue_paid()
    yesterday = boleta.issue_date
    assert services.daily_summary_build(reference_date=yesterday - timedelta(days=1)) is None
    summary = services.daily_summary_build(reference_date=yesterday)
    assert summary.correlative == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_building_the_same_day_make_one_summary_with_one_correlative(by_summary, issue_paid):
    boletas = [issue_paid() for _ in range(3)]
    day = boletas[0].issue_date
    results, errors = run_in_threads(lambda i: services.daily_summary_build(reference_date=day), 4)
    assert errors == []
    built = [summary for summary in results if summary is not None]
    assert len(built) == 1 and built[0].correlative == 1
    assert Summary.objects.count() == 1
    assert SummaryLine.objects.count() == 3
    # The next one of the day takes 2: nobody's rolled-back increment left a gap or a repeat.
    later = issue_paid(days_ago=2)
    assert services.daily_summary_build(reference_date=later.issue_date).correlative == 2


def test_beat_builds_the_summary_of_every_closed_day_owed(by_summary, issue_paid, settings):
    from sunat.tasks import send_daily_summaries

    assert settings.CELERY_BEAT_SCHEDULE["sunat-daily-summaries"]["task"] == "sunat.tasks.send_daily_summaries"
    older, newer, _today = issue_paid(days_ago=2), issue_paid(days_ago=1), issue_paid(days_ago=0)
    assert send_daily_summaries.apply().get() == 2
    assert sorted(Summary.objects.values_list("reference_date", "correlative")) == [
        (older.issue_date, 1),
        (newer.issue_date, 2),
    ]
    assert send_daily_summaries.apply().get() == 0
