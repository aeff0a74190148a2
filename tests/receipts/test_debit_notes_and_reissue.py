"""Notas de débito from the admin (a small form: amount with IGV, SUNAT's reason) and the
re-issue of a document SUNAT rejected: bad inputs, tampered fields, replays and other ids refused
with a clear message and nothing written; a rejected document never counts as issued (order page,
receipt page, e-mail, timeline) and its number is never used again."""

import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from orders.models import Order
from receipts.models import Receipt, ReceiptKind, SendStatus
from receipts.services import (
    ReceiptError,
    credit_note_issue,
    debit_note_issue,
    receipt_issue_for_order,
    receipt_reissue,
)
from receipts.tasks import email_receipt
from tests.factories import BUYER_RUC, UserFactory, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def _receipt(**fields) -> Receipt:
    order = make_order(**fields)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def _rejected(receipt: Receipt, code: str = "2017") -> Receipt:
    """SUNAT's rejection, as receipts.services.receipt_send records it (tests/receipts/test_sending.py)."""
    Receipt.objects.filter(pk=receipt.pk).update(
        send_status=SendStatus.REJECTED, cdr_code=code, cdr_message="El numero de documento debe ser RUC"
    )
    receipt.refresh_from_db()
    return receipt


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _form(client, receipt: Receipt):
    url = reverse("admin:receipts_receipt_debit_note", args=[receipt.pk])
    page = client.get(url)
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page.content.decode()).group(1)
    return url, token


def test_a_debit_note_from_the_admin_charges_the_amount_on_its_original(staff_client, staff):
    factura = _receipt(document_type="ruc", document=BUYER_RUC)
    listing = staff_client.post(
        reverse("admin:receipts_receipt_changelist"), {"action": "debit_note", "_selected_action": [factura.pk]}
    )
    url, token = _form(staff_client, factura)
    assert listing.status_code == 302 and listing["Location"] == url
    page = staff_client.get(url).content.decode()
    assert "nota de débito" in page and factura.full_number in page and "Monto (con IGV)" in page
    change_page = staff_client.get(reverse("admin:receipts_receipt_change", args=[factura.pk])).content.decode()
    assert url in change_page  # reached from the factura's own page too
    data = {"token": token, "amount": "25.00", "reason_code": "03", "reason": "Envío a provincia cobrado después"}
    response = staff_client.post(url, data)
    note = Receipt.objects.get(kind=ReceiptKind.DEBIT_NOTE)
    assert response.status_code == 302 and response["Location"].endswith(f"/{note.pk}/change/")
    assert (note.series, note.original, note.total, note.reason_code) == ("FD01", factura, Decimal("25.00"), "03")
    assert (note.taxable_total, note.igv_total, note.issued_by) == (Decimal("21.19"), Decimal("3.81"), staff)
    assert note.buyer_document == BUYER_RUC and note.reason_label == "Penalidades u otros conceptos"
    assert staff_client.post(url, data).status_code == 302  # the same form again (a replay): the same note
    assert Receipt.objects.filter(kind=ReceiptKind.DEBIT_NOTE).count() == 1
    page = staff_client.get(reverse("admin:receipts_receipt_change", args=[note.pk])).content.decode()
    assert "Nota de débito" in page and "DebitNote" in page
    boleta = _receipt()
    note = debit_note_issue(
        original_id=boleta.pk, amount="10.50", reason_code="02", reason="Error de precio", actor=None
    )
    assert note.series == "BD01" and note.number == 1


@pytest.mark.parametrize(
    ("amount", "reason_code", "reason", "message"),
    [
        ("0", "02", "Error de precio", "Asegúrese de que este valor es mayor o igual a 0.01"),
        ("-5.00", "02", "Error de precio", "Asegúrese de que este valor es mayor o igual a 0.01"),
        ("abc", "02", "Error de precio", "Introduzca un número"),
        ("10.005", "02", "Error de precio", "2 dígitos decimales"),
        ("99999999.00", "02", "Error de precio", "no pueden sumar más que"),
        ("10.00", "09", "Error de precio", "Escoja una opción válida"),
        ("10.00", "02", "", "Este campo es obligatorio"),
    ],
)
def test_bad_inputs_are_refused_with_a_message_and_nothing_issued(staff_client, amount, reason_code, reason, message):
    boleta = _receipt()
    url, token = _form(staff_client, boleta)
    response = staff_client.post(url, {"token": token, "amount": amount, "reason_code": reason_code, "reason": reason})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Receipt.objects.filter(kind=ReceiptKind.DEBIT_NOTE).exists()


def test_tampered_ids_other_kinds_and_a_rejected_original_are_refused(staff_client, client):
    boleta = _receipt()
    note = credit_note_issue(receipt=boleta, amount="5.00", reason_code="09", reason="Ajuste")
    data = {"amount": "5.00", "reason_code": "02", "reason": "Error de precio"}
    for pk in (note.pk, 999_999):  # a nota is no original; an id that does not exist
        assert staff_client.get(reverse("admin:receipts_receipt_debit_note", args=[pk])).status_code == 404
        url = reverse("admin:receipts_receipt_debit_note", args=[pk])
        assert staff_client.post(url, {**data, "token": str(uuid.uuid4())}).status_code == 404
    url, token = _form(staff_client, boleta)
    response = staff_client.post(url, {**data, "token": "not-a-token"})
    assert response.status_code == 200 and "El formulario fue alterado" in response.content.decode()
    other = _receipt()
    debit_note_issue(original_id=other.pk, amount="1.00", reason_code="02", reason="Otro", actor=None, source="debit:x")
    with pytest.raises(ReceiptError, match="ya se usó"):  # a token of another receipt's note
        debit_note_issue(
            original_id=boleta.pk, amount="1.00", reason_code="02", reason="Otro", actor=None, source="debit:x"
        )
    _rejected(boleta)
    response = staff_client.post(url, {**data, "token": token})
    assert response.status_code == 200 and "rechazado por SUNAT" in response.content.decode()
    with pytest.raises(ReceiptError):
        debit_note_issue(original_id=note.pk, amount="1.00", reason_code="02", reason="Otro", actor=None)
    listing = staff_client.post(
        reverse("admin:receipts_receipt_changelist"), {"action": "debit_note", "_selected_action": [note.pk]}
    )
    assert listing.status_code == 302 and listing["Location"].endswith("/receipts/receipt/")
    assert Receipt.objects.filter(kind=ReceiptKind.DEBIT_NOTE).count() == 1  # only the one above
    viewer = UserFactory(is_staff=True)  # staff without the permission to add receipts
    viewer.user_permissions.add(Permission.objects.get(codename="view_receipt"))
    client.force_login(viewer)
    assert client.get(reverse("admin:receipts_receipt_debit_note", args=[other.pk])).status_code == 404


def test_a_rejected_factura_is_reissued_once_under_a_new_number_and_never_counts_as_issued(
    staff_client, staff, user, django_capture_on_commit_callbacks
):
    factura = _receipt(customer=user, email=user.email, document_type="ruc", document=BUYER_RUC)
    order = factura.order
    _rejected(factura)
    assert receipt_issue_for_order(order_id=order.pk) == factura  # the sweep does not re-issue it
    with pytest.raises(ReceiptError, match="no fue rechazado"):
        receipt_reissue(receipt_id=_receipt().pk, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:receipts_receipt_changelist"), {"action": "reissue", "_selected_action": [factura.pk]}
        )
    assert response.status_code == 302
    reissue = Receipt.objects.get(reissue_of=factura)
    assert (reissue.series, reissue.number, reissue.kind) == ("F001", factura.number + 1, ReceiptKind.FACTURA)
    assert reissue.total == factura.total and reissue.issued_by == staff
    assert receipt_reissue(receipt_id=factura.pk, actor=staff) == reissue  # once
    assert receipt_issue_for_order(order_id=order.pk) == reissue
    assert Receipt.objects.filter(order=order, kind=ReceiptKind.FACTURA).count() == 2  # the rejected one stays
    client = Client()  # the buyer's own browser
    client.force_login(user)
    order_page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reissue.full_number in order_page and factura.full_number not in order_page
    assert client.get(reverse("receipts:detail", args=[order.number, factura.pk])).status_code == 404
    assert client.get(reverse("receipts:pdf", args=[order.number, factura.pk])).status_code == 404
    assert client.get(reverse("receipts:detail", args=[order.number, reissue.pk])).status_code == 200
    mail.outbox.clear()
    Receipt.objects.filter(pk=factura.pk).update(emailed_at=None)
    email_receipt.apply(args=[factura.pk])
    assert mail.outbox == [] and Receipt.objects.get(pk=factura.pk).emailed_at is None  # never e-mailed
    from orders.ports import order_timeline

    shopper = [event.title for event in order_timeline(order=Order.objects.get(pk=order.pk), audience="customer")]
    assert not any(factura.full_number in title for title in shopper)
    assert any(reissue.full_number in title for title in shopper)
    page = staff_client.get(reverse("admin:receipts_receipt_change", args=[factura.pk])).content.decode()
    assert reissue.full_number in page  # staff follow the rejected one to its re-issue


def test_a_rejected_note_is_reissued_against_the_same_original_taking_over_its_cause(staff):
    boleta = _receipt()
    note = credit_note_issue(receipt=boleta, amount="20.00", reason_code="09", reason="Ajuste", source="refund:1")
    _rejected(note, code="2116")
    assert credit_note_issue(receipt=boleta, amount="20.00", reason_code="09", source="refund:1") == note
    again = receipt_reissue(receipt_id=note.pk, actor=staff)
    assert (again.kind, again.series, again.original, again.total) == ("07", "BC01", boleta, Decimal("20.00"))
    assert again.number == note.number + 1 and again.source == "refund:1"
    note.refresh_from_db()
    assert note.source is None
    assert credit_note_issue(receipt=boleta, amount="20.00", reason_code="09", source="refund:1") == again
    # the rejected note credited nothing: the rest of the boleta can still be credited
    rest = boleta.total - Decimal("20.00")
    assert credit_note_issue(receipt=boleta, amount=str(rest), reason_code="09", reason="Resto").total == rest


def test_the_buyer_reads_the_debit_note_like_a_credit_note_page_and_pdf(user, staff, tmp_path):
    import subprocess

    boleta = _receipt(customer=user, email=user.email)
    note = debit_note_issue(
        original_id=boleta.pk, amount="12.00", reason_code="02", reason="Error de precio", actor=staff
    )
    client = Client()
    client.force_login(user)
    order_page = client.get(reverse("orders:detail", args=[boleta.order.number])).content.decode()
    assert reverse("receipts:detail", args=[boleta.order.number, note.pk]) in order_page
    page = client.get(reverse("receipts:detail", args=[boleta.order.number, note.pk])).content.decode()
    assert "NOTA DE DÉBITO ELECTRÓNICA" in page and "BD01-00000001" in page and boleta.full_number in page
    assert "Error de precio" in page and "DOCE CON 00/100 SOLES" in page
    pdf = client.get(reverse("receipts:pdf", args=[boleta.order.number, note.pk]))
    assert pdf.status_code == 200 and note.file_name in pdf["Content-Disposition"]
    path = tmp_path / "note.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "NOTA DE DÉBITO ELECTRÓNICA" in text and boleta.full_number in text and "12.00" in text


def test_the_admin_speaks_spanish_on_notes_rejections_and_reissues(staff_client, staff):
    boleta = _receipt()
    note = debit_note_issue(original_id=boleta.pk, amount="3.00", reason_code="01", reason="Mora", actor=staff)
    _rejected(boleta)
    reissue = receipt_reissue(receipt_id=boleta.pk, actor=staff)
    english = ("Debit note", "re-issue", "issued by", "handed over", "observations", "Not received", "Sent, no")
    for receipt in (note, boleta, reissue):
        page = staff_client.get(reverse("admin:receipts_receipt_change", args=[receipt.pk])).content.decode()
        text = re.sub(r"<[^>]+>", " ", page)  # what staff read, not the markup's class names
        assert not [word for word in english if word in text], receipt
    listing = staff_client.get(reverse("admin:receipts_receipt_changelist")).content.decode()
    assert "Emitir nota de débito" in listing and "Reemitir con un nuevo número" in listing
    assert not [word for word in english if word in re.sub(r"<[^>]+>", " ", listing)]
