"""The admin: summaries with their lines, status, ticket and CDR (read-only, flat query count); the
receipts as SUNAT's terms see them, with boletas due by tomorrow flagged before they are late; the
one "Void receipt" action (which way and why, the reason asked, done once): bad input, tampered
ids and replays answered with a message, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from receipts.models import Receipt, SendStatus
from sunat import selectors, services
from sunat.models import Summary, SummaryKind

pytestmark = pytest.mark.django_db
SUMMARIES = reverse("admin:sunat_summary_changelist")
TERMS = reverse("admin:sunat_receiptterms_changelist")


def _void_url(receipt_id: int) -> str:
    return reverse("admin:sunat_receiptterms_void", args=[receipt_id])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _accepted(receipt: Receipt) -> Receipt:
    Receipt.objects.filter(pk=receipt.pk).update(send_status=SendStatus.ACCEPTED)
    receipt.refresh_from_db()
    return receipt


def test_the_summaries_list_is_flat_and_shows_lines_status_and_ticket(
    admin_client, by_summary, issue_paid, django_assert_num_queries
):
    first = issue_paid(days_ago=1)
    services.daily_summary_build(reference_date=first.issue_date)
    one = _queries(admin_client, SUMMARIES)
    for days in range(2, 6):
        boletas = [issue_paid(days_ago=days) for _ in range(2)]
        services.daily_summary_build(reference_date=boletas[0].issue_date)
    Summary.objects.update(ticket="1502889024345")
    with django_assert_num_queries(one):
        page = admin_client.get(SUMMARIES).content.decode()
    assert page.count("1502889024345") == 5 and "RC-" in page

    summary = Summary.objects.first()
    detail = admin_client.get(reverse("admin:sunat_summary_change", args=[summary.pk])).content.decode()
    assert summary.identifier in detail and f"B001-{summary.lines.first().receipt.number:08d}" in detail


def test_the_terms_list_is_flat_and_flags_boletas_due_before_they_are_late(
    admin_client, by_summary, issue_paid, django_assert_num_queries
):
    issue_paid(days_ago=0)
    one = _queries(admin_client, TERMS)
    issue_paid(days_ago=0)
    due = [issue_paid(days_ago=selectors.RC_TERM_DAYS - 1), issue_paid(days_ago=selectors.RC_TERM_DAYS)]
    issue_paid(factura=True)
    with django_assert_num_queries(one):
        admin_client.get(TERMS)
    assert set(selectors.boletas_due().values_list("pk", flat=True)) == {receipt.pk for receipt in due}
    flagged = admin_client.get(TERMS, {"due": "soon"}).content.decode()
    for receipt in due:
        assert receipt.full_number in flagged
    assert flagged.count("receipt-status--danger") == 2
    # The summaries' list warns before it is late, with a link to them.
    warning = admin_client.get(SUMMARIES).content.decode()
    assert "?due=soon" in warning


def test_the_void_action_takes_one_receipt_to_its_page(admin_client, issue_paid):
    first, second = _accepted(issue_paid(factura=True)), _accepted(issue_paid(factura=True))
    two = admin_client.post(
        TERMS, {"action": "void_receipt", "_selected_action": [first.pk, second.pk]}, follow=True
    ).content.decode()
    assert Summary.objects.count() == 0 and "messagelist" in two
    one = admin_client.post(TERMS, {"action": "void_receipt", "_selected_action": [first.pk]})
    assert one.status_code == 302 and one.url == _void_url(first.pk)
    tampered = admin_client.post(TERMS, {"action": "void_receipt", "_selected_action": [987654]}, follow=True)
    assert tampered.status_code == 200 and Summary.objects.count() == 0


CORRECTED = {
    "purpose": "error",
    "document_type": "6",
    "document": "20100070970",
    "buyer_name": "Supermercados Peruanos S.A.",
    "buyer_address": "",
}


def test_the_void_page_says_which_way_and_why_then_does_it_once(admin_client, issue_paid):
    factura = _accepted(issue_paid(factura=True))
    page = admin_client.get(_void_url(factura.pk)).content.decode()
    assert factura.full_number in page and 'name="reason"' in page
    assert "comunicación de baja" in page.lower()

    blank = admin_client.post(_void_url(factura.pk), {"reason": ""})
    assert blank.status_code == 400 and Summary.objects.count() == 0

    no_purpose = admin_client.post(_void_url(factura.pk), {"reason": "Error en la razón social"})
    tampered = admin_client.post(_void_url(factura.pk), {"reason": "Error en la razón social", "purpose": "refund"})
    assert no_purpose.status_code == tampered.status_code == 400 and Summary.objects.count() == 0

    bad_ruc = {**CORRECTED, "document": "20100070971"}
    refused = admin_client.post(_void_url(factura.pk), {"reason": "Error en la razón social", **bad_ruc})
    assert refused.status_code == 400 and "RUC" in refused.content.decode() and Summary.objects.count() == 0

    done = admin_client.post(_void_url(factura.pk), {"reason": "Error en la razón social", **CORRECTED})
    assert done.status_code == 302 and done.url == TERMS
    assert Summary.objects.get().kind == SummaryKind.VOIDED
    assert type(factura.order).objects.get(pk=factura.order_id).status != "cancelled"  # the sale stands
    corrected = Receipt.objects.get(reissue_of=factura)
    assert (corrected.buyer_document, corrected.buyer_name) == ("20100070970", "Supermercados Peruanos S.A.")
    voided_page = admin_client.get(reverse("admin:receipts_receipt_change", args=[factura.pk])).content.decode()
    assert "Anulado para corregirlo el" in voided_page and corrected.full_number in voided_page

    replay = admin_client.post(_void_url(factura.pk), {"reason": "Error en la razón social", "purpose": "sale"})
    assert replay.status_code == 400 and Summary.objects.count() == 1
    assert 'name="reason"' not in replay.content.decode()  # nothing more to do: no form


def test_the_void_page_offers_a_credit_note_once_the_goods_left(admin_client, issue_paid):
    from shipping.models import Shipment, ShipmentStatus

    factura = _accepted(issue_paid(factura=True))
    Shipment.objects.filter(order_id=factura.order_id).update(status=ShipmentStatus.SHIPPED)
    assert "nota de crédito 01" in admin_client.get(_void_url(factura.pk)).content.decode().lower()
    admin_client.post(_void_url(factura.pk), {"reason": "Anulación", **CORRECTED})
    assert Receipt.objects.filter(original=factura, reason_code="01").count() == 1
    assert Receipt.objects.filter(reissue_of=factura).count() == 1


def test_the_void_page_cancels_the_sale_with_one_annulling_document(
    admin_client, issue_paid, django_capture_on_commit_callbacks
):
    factura = _accepted(issue_paid(factura=True))
    page = admin_client.get(_void_url(factura.pk)).content.decode()
    assert 'name="purpose"' in page and "La venta se anula" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(_void_url(factura.pk), {"reason": "Cliente desistió", "purpose": "sale"})
    assert done.status_code == 302 and Summary.objects.get().kind == SummaryKind.VOIDED
    assert type(factura.order).objects.get(pk=factura.order_id).status == "cancelled"
    assert not Receipt.objects.filter(original=factura).exists()  # no nota de crédito beside the baja


def test_the_void_page_says_why_a_shipped_sale_cannot_be_cancelled(admin_client, issue_paid):
    from shipping.models import Shipment, ShipmentStatus

    factura = _accepted(issue_paid(factura=True))
    Shipment.objects.filter(order_id=factura.order_id).update(status=ShipmentStatus.SHIPPED)
    refused = admin_client.post(_void_url(factura.pk), {"reason": "Cliente desistió", "purpose": "sale"})
    assert refused.status_code == 400 and "no puede anularse" in refused.content.decode()
    assert not Receipt.objects.filter(original=factura).exists() and not Summary.objects.exists()


def test_unknown_ids_and_strangers_get_no_page(client, admin_client, issue_paid):
    assert admin_client.get(_void_url(987654)).status_code == 404
    assert admin_client.post(_void_url(987654), {"reason": "Duplicado"}).status_code == 404
    factura = _accepted(issue_paid(factura=True))
    stranger = client.post(_void_url(factura.pk), {"reason": "Duplicado"})
    assert stranger.status_code == 302 and "login" in stranger.url
    assert Summary.objects.count() == 0


def test_failed_summaries_are_sent_again_from_the_list(admin_client, by_summary, issue_paid):
    boleta = issue_paid()
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    Summary.objects.filter(pk=summary.pk).update(status="failed")
    admin_client.post(SUMMARIES, {"action": "resend", "_selected_action": [summary.pk]})
    assert Summary.objects.get(pk=summary.pk).status == "pending"


def test_the_receipts_own_list_offers_the_same_action(admin_client, issue_paid):
    factura = _accepted(issue_paid(factura=True))
    receipts = reverse("admin:receipts_receipt_changelist")
    assert "void_receipt" in admin_client.get(receipts).content.decode()
    answer = admin_client.post(receipts, {"action": "void_receipt", "_selected_action": [factura.pk]})
    assert answer.status_code == 302 and answer.url == _void_url(factura.pk)
