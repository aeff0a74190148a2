"""Voiding a receipt the way the law allows today: a factura (or its nota) by comunicación de baja
within the term and while its goods have not left; a boleta by a resumen line 3; otherwise a nota
de crédito 01. One transaction each, nothing half-written on a refusal, a replay refused; a voided
document never counts (voided_receipt_ids); SUNAT's SummaryVoided stylesheet judges the RA."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from receipts.models import CreditReason, Receipt, ReceiptKind, SendStatus
from receipts.services import credit_note_issue
from shipping.models import Shipment, ShipmentStatus
from sunat import selectors, services
from sunat.models import Condition, Summary, SummaryKind, SummaryStatus
from tests.receipts.sunat_xsl import sunat_verdicts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The services' refusals are matched by their English msgids."""
    with translation.override("en"):
        yield


def _accepted(receipt: Receipt) -> Receipt:
    Receipt.objects.filter(pk=receipt.pk).update(send_status=SendStatus.ACCEPTED, cdr_code="0")
    receipt.refresh_from_db()
    return receipt


def _goods_leave(receipt: Receipt) -> None:
    assert Shipment.objects.filter(order_id=receipt.order_id).update(status=ShipmentStatus.SHIPPED) >= 1


def test_a_factura_within_the_term_is_voided_by_a_comunicacion_de_baja(issue_paid):
    factura = _accepted(issue_paid(factura=True, days_ago=2))
    route = selectors.void_route(factura)
    assert route.way == selectors.VoidWay.VOIDED and "7" in str(route.why)

    summary = services.receipt_void(receipt_id=factura.pk, reason="  Error en la razón social  ")
    assert summary.kind == SummaryKind.VOIDED and summary.reference_date == factura.issue_date
    assert summary.file_name == f"20601234565-RA-{selectors.lima_today():%Y%m%d}-1"
    line = summary.lines.get()
    assert line.receipt_id == factura.pk and line.reason == "Error en la razón social" and line.condition == ""
    assert list(selectors.voided_receipt_ids()) == [factura.pk]
    assert "<sac:DocumentSerialID>F001</sac:DocumentSerialID>" in summary.xml


def test_a_replayed_void_is_refused_and_writes_nothing(issue_paid):
    factura = _accepted(issue_paid(factura=True))
    services.receipt_void(receipt_id=factura.pk, reason="Duplicado")
    with pytest.raises(services.SunatError, match="already voided"):
        services.receipt_void(receipt_id=factura.pk, reason="Duplicado")
    assert Summary.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "  ", "ab", "x" * 101])
def test_a_bad_reason_is_refused_and_writes_nothing(issue_paid, reason):
    factura = _accepted(issue_paid(factura=True))
    with pytest.raises(services.SunatError, match="3 to 100"):
        services.receipt_void(receipt_id=factura.pk, reason=reason)
    assert Summary.objects.count() == 0 and not Receipt.objects.filter(original=factura).exists()


def test_an_unknown_receipt_is_refused():
    with pytest.raises(services.SunatError):
        services.receipt_void(receipt_id=987654, reason="No existe")


def test_a_factura_sunat_has_not_accepted_waits(issue_paid):
    factura = issue_paid(factura=True)
    assert selectors.void_route(factura).way == selectors.VoidWay.NONE
    with pytest.raises(services.SunatError, match="not accepted it yet"):
        services.receipt_void(receipt_id=factura.pk, reason="Error de datos")
    Receipt.objects.filter(pk=factura.pk).update(send_status=SendStatus.REJECTED)
    factura.refresh_from_db()
    assert "nothing to void" in str(selectors.void_route(factura).why)


def test_once_the_goods_left_a_credit_note_01_annuls_it(issue_paid):
    factura = _accepted(issue_paid(factura=True))
    _goods_leave(factura)
    assert selectors.void_route(factura).way == selectors.VoidWay.CREDIT_NOTE
    note = services.receipt_void(receipt_id=factura.pk, reason="Cliente anuló la compra")
    assert isinstance(note, Receipt) and note.kind == ReceiptKind.CREDIT_NOTE
    assert note.reason_code == CreditReason.CANCELLATION and note.total == factura.total
    assert note.original_id == factura.pk and note.reason == "Cliente anuló la compra"
    assert not selectors.voided_receipt_ids().exists()  # the note nets it out in the reports
    with pytest.raises(services.SunatError, match="already annul"):
        services.receipt_void(receipt_id=factura.pk, reason="Cliente anuló la compra")
    assert Receipt.objects.filter(original=factura).count() == 1


def test_past_the_term_a_credit_note_01_annuls_what_is_left(issue_paid):
    factura = _accepted(issue_paid(factura=True, days_ago=selectors.VOID_TERM_DAYS + 1))
    credit_note_issue(receipt=factura, amount="15.00", reason_code="09", reason="Ajuste")
    route = selectors.void_route(factura)
    assert route.way == selectors.VoidWay.CREDIT_NOTE and "past the 7 days" in str(route.why)
    note = services.receipt_void(receipt_id=factura.pk, reason="Anulación de la operación")
    assert note.total == factura.total - Decimal("15.00")


def test_a_factura_with_live_notes_is_annulled_by_a_credit_note(issue_paid):
    factura = _accepted(issue_paid(factura=True))
    credit_note_issue(receipt=factura, amount="10.00", reason_code="09", reason="Ajuste")
    assert selectors.void_route(factura).way == selectors.VoidWay.CREDIT_NOTE


def test_a_facturas_nota_is_voided_by_baja_and_past_its_term_cannot_be(issue_paid):
    factura = _accepted(issue_paid(factura=True))
    note = _accepted(credit_note_issue(receipt=factura, amount="10.00", reason_code="09", reason="Ajuste"))
    assert selectors.void_route(note).way == selectors.VoidWay.VOIDED
    Receipt.objects.filter(pk=note.pk).update(issue_date=note.issue_date - timedelta(days=30))
    note.refresh_from_db()
    assert selectors.void_route(note).way == selectors.VoidWay.NONE


def test_a_boleta_is_voided_by_a_resumen_line_3(by_summary, issue_paid):
    boleta = issue_paid()
    summary = services.receipt_void(receipt_id=boleta.pk, reason="Error en el DNI")
    assert summary.kind == SummaryKind.DAILY
    # SUNAT never heard of it: added and voided in the same summary.
    assert list(summary.lines.values_list("condition", flat=True)) == [Condition.ADD, Condition.VOID]
    assert list(selectors.voided_receipt_ids()) == [boleta.pk]
    assert selectors.days_to_summarize() == []


def test_a_boleta_sent_one_by_one_and_accepted_gets_only_its_line_3(issue_paid):
    boleta = _accepted(issue_paid())
    summary = services.receipt_void(receipt_id=boleta.pk, reason="Error en el DNI")
    assert list(summary.lines.values_list("condition", flat=True)) == [Condition.VOID]


def test_a_rejected_baja_brings_the_document_back(issue_paid):
    factura = _accepted(issue_paid(factura=True))
    summary = services.receipt_void(receipt_id=factura.pk, reason="Duplicado")
    Summary.objects.filter(pk=summary.pk).update(status=SummaryStatus.REJECTED)
    assert not selectors.voided_receipt_ids().exists()
    assert selectors.void_route(factura).way == selectors.VoidWay.VOIDED


@pytest.mark.sunat_xsl
def test_sunat_judges_the_comunicacion_de_baja_clean(issue_paid, sunat_service):
    factura = _accepted(issue_paid(factura=True))
    summary = services.receipt_void(receipt_id=factura.pk, reason="Error en la razón social del cliente")
    assert summary.is_signed
    verdicts = sunat_verdicts([summary])
    assert all(verdict.clean for verdict in verdicts), [str(v) for v in verdicts]


# --- the sale is cancelled: the order's own cancellation, one annulling document -------------------


def _cancel_sale(receipt: Receipt, callbacks, reason="Cliente desistió de la compra"):
    """receipt_void_sale and what runs after its commit (the cancellation's nota de crédito task)."""
    with callbacks(execute=True):
        return services.receipt_void_sale(receipt_id=receipt.pk, reason=reason, actor=None)


def _order_status(receipt: Receipt) -> str:
    return type(receipt.order).objects.get(pk=receipt.order_id).status


@pytest.mark.parametrize("factura", [True, False])
def test_a_cancelled_sale_within_the_term_is_voided_by_summary_and_gets_no_credit_note_besides(
    issue_paid, by_summary, django_capture_on_commit_callbacks, factura
):
    receipt = issue_paid(factura=factura, days_ago=2)
    if factura:
        receipt = _accepted(receipt)
    summary = _cancel_sale(receipt, django_capture_on_commit_callbacks)
    assert isinstance(summary, Summary)
    assert summary.kind == (SummaryKind.VOIDED if factura else SummaryKind.DAILY)
    assert summary.lines.filter(receipt=receipt).exists() and list(selectors.voided_receipt_ids()) == [receipt.pk]
    assert _order_status(receipt) == "cancelled"
    # One document annuls it: the cancellation's nota de crédito is not issued beside the baja.
    assert not Receipt.objects.filter(original=receipt).exists()
    with pytest.raises(services.SunatError, match="already voided"):
        _cancel_sale(receipt, django_capture_on_commit_callbacks)
    assert Summary.objects.count() == 1


def test_a_cancelled_sale_past_the_term_is_annulled_by_the_cancellations_own_credit_note(
    issue_paid, django_capture_on_commit_callbacks
):
    factura = _accepted(issue_paid(factura=True, days_ago=selectors.VOID_TERM_DAYS + 1))
    order = _cancel_sale(factura, django_capture_on_commit_callbacks)
    assert order.pk == factura.order_id and _order_status(factura) == "cancelled"
    note = Receipt.objects.get(original=factura)  # exactly one: the cancellation's
    assert (note.kind, note.reason_code, note.total) == (
        ReceiptKind.CREDIT_NOTE,
        CreditReason.CANCELLATION,
        factura.total,
    )
    assert note.source == f"cancel:{factura.order_id}" and not Summary.objects.exists()
    # A replay: the order is cancelled already; nothing more is written.
    with pytest.raises(services.SunatError, match="cannot be cancelled"):
        _cancel_sale(factura, django_capture_on_commit_callbacks)
    assert Receipt.objects.filter(original=factura).count() == 1


def test_a_sale_whose_goods_left_cannot_be_cancelled_and_nothing_is_written(
    issue_paid, django_capture_on_commit_callbacks
):
    factura = _accepted(issue_paid(factura=True))
    _goods_leave(factura)
    with pytest.raises(services.SunatError, match="cannot be cancelled"):
        _cancel_sale(factura, django_capture_on_commit_callbacks)
    assert _order_status(factura) != "cancelled"
    assert not Summary.objects.exists() and not Receipt.objects.filter(original=factura).exists()


def test_a_sale_whose_baja_would_be_built_but_whose_order_cannot_be_cancelled_leaves_no_baja(
    issue_paid, django_capture_on_commit_callbacks
):
    """The baja is built in the same transaction as the cancellation: a refused cancellation takes
    it back (an order already cancelled by other means, its receipt still standing)."""
    factura = _accepted(issue_paid(factura=True))
    type(factura.order).objects.filter(pk=factura.order_id).update(status="cancelled")
    with pytest.raises(services.SunatError, match="cannot be cancelled"):
        _cancel_sale(factura, django_capture_on_commit_callbacks)
    assert not Summary.objects.exists() and not selectors.voided_receipt_ids().exists()


def test_a_note_or_an_unknown_receipt_is_not_a_sale_to_cancel(issue_paid, django_capture_on_commit_callbacks):
    factura = _accepted(issue_paid(factura=True))
    note = credit_note_issue(receipt=factura, amount="10.00", reason_code="09", reason="Ajuste")
    with pytest.raises(services.SunatError, match="boleta or factura"):
        _cancel_sale(note, django_capture_on_commit_callbacks)
    with pytest.raises(services.SunatError, match="does not exist"):
        services.receipt_void_sale(receipt_id=987654, reason="No existe", actor=None)
    with pytest.raises(services.SunatError, match="3 to 100"):
        services.receipt_void_sale(receipt_id=factura.pk, reason="x", actor=None)
    assert _order_status(factura) != "cancelled" and not Summary.objects.exists()


# --- the receipt has an error: voided and re-issued corrected, for the same order ---------------

COMPANY = {"document_type": "6", "document": "20100070970", "name": "Supermercados Peruanos S.A.", "address": ""}
PERSON = {"document_type": "1", "document": "45678912", "name": "Rosa Quispe Mamani", "address": "Av. Arequipa 123"}


def _correct(receipt: Receipt, buyer=COMPANY, reason="Error en los datos del adquirente"):
    return services.receipt_void_correct(receipt_id=receipt.pk, reason=reason, actor=None, **buyer)


@pytest.mark.parametrize(("factura", "buyer"), [(False, COMPANY), (True, PERSON), (True, COMPANY)])
def test_an_error_within_the_term_is_voided_by_summary_and_reissued_corrected(by_summary, issue_paid, factura, buyer):
    receipt = issue_paid(factura=factura, days_ago=2)
    if factura:
        receipt = _accepted(receipt)
    corrected = _correct(receipt, buyer)
    assert corrected.order_id == receipt.order_id and corrected.reissue_of_id == receipt.pk
    assert corrected.kind == (ReceiptKind.FACTURA if buyer is COMPANY else ReceiptKind.BOLETA)
    assert (corrected.buyer_document, corrected.buyer_name) == (buyer["document"], buyer["name"])
    assert corrected.total == receipt.total and corrected.full_number != receipt.full_number
    summary = Summary.objects.get()
    assert summary.kind == (SummaryKind.VOIDED if factura else SummaryKind.DAILY)
    assert list(selectors.voided_receipt_ids()) == [receipt.pk]  # reports and the register leave it out
    receipt.refresh_from_db()
    assert receipt.voided_at is not None
    assert type(receipt.order).objects.get(pk=receipt.order_id).status != "cancelled"  # the sale stands
    from receipts.services import receipt_issue_for_order

    assert receipt_issue_for_order(order_id=receipt.order_id) == corrected  # the order's live sale
    from receipts.selectors import receipts_issued

    assert list(receipts_issued(order_id=receipt.order_id)) == [corrected]  # what the order page lists
    with pytest.raises(services.SunatError, match="already voided"):
        _correct(receipt, buyer)
    assert Receipt.objects.filter(order_id=receipt.order_id).count() == 2


def test_an_error_past_the_term_gets_a_credit_note_01_for_the_whole_then_the_reissue(issue_paid):
    factura = _accepted(issue_paid(factura=True, days_ago=selectors.VOID_TERM_DAYS + 1))
    corrected = _correct(factura, PERSON)
    note = Receipt.objects.get(original=factura)
    assert (note.kind, note.reason_code, note.total) == (
        ReceiptKind.CREDIT_NOTE,
        CreditReason.CANCELLATION,
        factura.total,
    )
    assert corrected.kind == ReceiptKind.BOLETA and corrected.reissue_of_id == factura.pk
    assert not Summary.objects.exists()
    with pytest.raises(services.SunatError, match="already annul"):
        _correct(factura, PERSON)
    assert Receipt.objects.filter(order_id=factura.order_id).count() == 3


@pytest.mark.parametrize(
    ("buyer", "message"),
    [
        ({**COMPANY, "document": "20100070971"}, "valid RUC"),  # wrong check digit
        ({**COMPANY, "document": "2010007097"}, "valid RUC"),
        ({**COMPANY, "name": " x "}, "business name"),
        ({**PERSON, "document": "4567891"}, "valid DNI"),
        ({**PERSON, "document_type": "4"}, "document type"),
    ],
)
def test_a_bad_corrected_buyer_is_refused_and_nothing_is_written(issue_paid, buyer, message):
    factura = _accepted(issue_paid(factura=True))
    with pytest.raises(services.SunatError, match=message):
        _correct(factura, buyer)
    factura.refresh_from_db()
    assert factura.voided_at is None and not Summary.objects.exists()
    assert Receipt.objects.filter(order_id=factura.order_id).count() == 1


def test_an_error_on_a_receipt_that_cannot_be_voided_writes_nothing(issue_paid):
    factura = issue_paid(factura=True)  # SUNAT has not accepted it yet
    with pytest.raises(services.SunatError, match="not accepted it yet"):
        _correct(factura, PERSON)
    note = credit_note_issue(receipt=_accepted(factura), amount="10.00", reason_code="09", reason="Ajuste")
    with pytest.raises(services.SunatError, match="boleta or factura"):
        _correct(note, PERSON)
    with pytest.raises(services.SunatError, match="does not exist"):
        services.receipt_void_correct(receipt_id=987654, reason="No existe", actor=None, **PERSON)
    assert not Summary.objects.exists() and Receipt.objects.filter(order_id=factura.order_id).count() == 2


def test_the_order_page_shows_the_corrected_receipt_not_the_voided_one(client, issue_paid):
    from django.urls import reverse

    from tests.factories import UserFactory

    boleta = _accepted(issue_paid(days_ago=2))
    owner = UserFactory()
    type(boleta.order).objects.filter(pk=boleta.order_id).update(customer=owner)
    corrected = _correct(boleta, COMPANY)
    client.force_login(owner)
    page = client.get(reverse("orders:detail", args=[boleta.order.number])).content.decode()
    receipts = page[page.index("order-section--receipts") :]
    receipts = receipts[: receipts.index("</section>")]  # the timeline keeps the history of both
    assert corrected.full_number in receipts and boleta.full_number not in receipts
    voided_page = client.get(reverse("receipts:detail", args=[boleta.order.number, boleta.pk]))
    assert voided_page.status_code == 404
