"""What SUNAT has not accepted, every day: the admin page staff reach from the receipts list and
the receipts_pending command, with the days left before each document's legal term (a factura and
its notes 3 calendar days after their issue date, a boleta and its notes 3 too), overdue first; the
CDR kept beside each document, downloadable as R-<file name>.xml, its observations' codes shown."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from receipts.models import Receipt, SendStatus
from receipts.selectors import documents_not_accepted, lima_today
from receipts.services import credit_note_issue, receipt_issue_for_order
from tests.factories import BUYER_RUC, pay
from tests.factories import make_priced_order as make_order
from tests.receipts.fake_sunat import cdr_xml

pytestmark = pytest.mark.django_db


def _receipt(*, days_ago: int = 0, status: str = SendStatus.PENDING, **fields) -> Receipt:
    order = make_order(**fields)
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    Receipt.objects.filter(pk=receipt.pk).update(issue_date=lima_today() - timedelta(days=days_ago), send_status=status)
    receipt.refresh_from_db()
    return receipt


def test_days_left_follow_the_legal_terms_overdue_first(settings):
    settings.SUNAT_SEND_URL = ""
    boleta_today = _receipt()
    factura_late = _receipt(days_ago=5, document_type="ruc", document=BUYER_RUC)
    boleta_old = _receipt(days_ago=6, status=SendStatus.EXCEPTION)
    note = credit_note_issue(receipt=boleta_old, amount="5.00", reason_code="09", reason="Ajuste")
    _receipt(status=SendStatus.ACCEPTED)
    _receipt(status=SendStatus.OBSERVED)
    rows = documents_not_accepted()
    assert [(row.number, row.days_left) for row in rows] == [
        (boleta_old.full_number, -3),  # 3 days after issue: three days overdue
        (factura_late.full_number, -2),
        (boleta_today.full_number, 3),
        (note.full_number, 3),  # a boleta's note: the boleta's term, from its own issue date
    ]
    assert rows[0].overdue_days == 3 and rows[0].status == "No recibido: por reenviar"
    assert documents_not_accepted(today=date.today() + timedelta(days=30))[0].days_left < -20


def test_the_command_shows_the_days_left_overdue_first(settings, capsys):
    settings.SUNAT_SEND_URL = ""
    recent, late = _receipt(), _receipt(days_ago=4, document_type="ruc", document=BUYER_RUC)
    call_command("receipts_pending", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert [(row["number"], row["days_left"]) for row in rows] == [(late.full_number, -1), (recent.full_number, 3)]
    call_command("receipts_pending")
    out = capsys.readouterr().out
    assert "Días restantes" in out and out.index(late.full_number) < out.index(recent.full_number)


def test_the_admin_page_lists_them_overdue_first_from_the_receipts_list(client, staff, settings):
    settings.SUNAT_SEND_URL = ""
    client.force_login(staff)
    listing = client.get(reverse("admin:receipts_receipt_changelist")).content.decode()
    url = reverse("admin:receipts_receipt_not_accepted")
    assert url in listing and "Lo que SUNAT no ha aceptado" in listing
    assert "SUNAT ha aceptado todos los documentos" in client.get(url).content.decode()
    recent, late = _receipt(), _receipt(days_ago=9, status=SendStatus.REJECTED)
    Receipt.objects.filter(pk=late.pk).update(cdr_code="2017", cdr_message="El numero de documento debe ser RUC")
    page = client.get(url).content.decode()
    assert page.index(late.full_number) < page.index(recent.full_number)
    assert "Vencido hace 6 días" in page and "2017" in page and "Rechazado" in page
    assert reverse("admin:receipts_receipt_change", args=[late.pk]) in page


def test_the_admin_page_reads_in_flat_queries(client, staff, settings, django_assert_num_queries):
    settings.SUNAT_SEND_URL = ""
    client.force_login(staff)
    url = reverse("admin:receipts_receipt_not_accepted")
    _receipt()
    client.get(url)  # warm the session and the site's caches
    with django_assert_num_queries(1):  # the list itself, in one query (session and user are cached)
        assert client.get(url).status_code == 200
    for days in range(6):
        _receipt(days_ago=days)
    client.get(url)  # the writes above reset the site's caches
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_the_cdr_downloads_as_sunat_names_it_and_observation_codes_show(client, staff, settings):
    settings.SUNAT_SEND_URL = ""
    receipt = _receipt(status=SendStatus.OBSERVED)
    notes = ["4252 - El dato ingresado como atributo @listName es incorrecto", "4287 - El precio unitario"]
    Receipt.objects.filter(pk=receipt.pk).update(
        cdr_code="0", cdr_observations=notes, cdr_xml=cdr_xml(receipt.file_name, notes=notes)
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:receipts_receipt_changelist")).content.decode()
    assert "Aceptado con observaciones (4252, 4287)" in listing
    page = client.get(reverse("admin:receipts_receipt_change", args=[receipt.pk])).content.decode()
    download = reverse("admin:receipts_receipt_cdr", args=[receipt.pk])
    assert download in page and "4287 - El precio unitario" in page and f"R-{receipt.file_name}.xml" in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"] == f'attachment; filename="R-{receipt.file_name}.xml"'
    assert b"<cbc:Note>4252" in response.content
    without = _receipt()
    assert client.get(reverse("admin:receipts_receipt_cdr", args=[without.pk])).status_code == 404
    assert client.get(reverse("admin:receipts_receipt_cdr", args=[999_999])).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # the admin's login first
