"""Staff in the admin: the list with each sheet's deadline, the answer written once from the
change page (e-mailed to the consumer), the history, the export for INDECOPI by date range, and
no adding or deleting by hand. The support role may do all of it."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_add_role
from complaints.models import ComplaintSheet
from complaints.services import complaint_answer, complaint_file
from tests.factories import UserFactory, sheet_data

pytestmark = pytest.mark.django_db
LIMA = ZoneInfo("America/Lima")
CHANGELIST = reverse("admin:complaints_complaintsheet_changelist")


@pytest.fixture
def support(db):
    user = UserFactory(email="soporte@kallpa.pe", is_staff=True)
    user_add_role(user=user, role=Role.SUPPORT)
    return user


@pytest.fixture
def staff_client(client, support):
    client.force_login(support)
    return client


def change_url(sheet):
    return reverse("admin:complaints_complaintsheet_change", args=[sheet.pk])


def test_the_list_shows_each_deadline(staff_client, django_assert_max_num_queries):
    for index in range(5):
        complaint_file(data=sheet_data(email=f"c{index}@example.pe"))
    with django_assert_max_num_queries(12):
        response = staff_client.get(CHANGELIST)
    page = response.content.decode()
    assert response.status_code == 200 and "días hábiles" in page
    assert page.count("claims-deadline--") == 5


def test_the_overdue_filter(staff_client):
    old = complaint_file(data=sheet_data(), now=datetime(2024, 1, 8, 10, tzinfo=LIMA))
    fresh = complaint_file(data=sheet_data())
    page = staff_client.get(CHANGELIST, {"deadline": "overdue"}).content.decode()
    assert old.number in page and fresh.number not in page


def test_staff_answer_once_from_the_change_page(staff_client, support, sheet, django_capture_on_commit_callbacks):
    page = staff_client.get(change_url(sheet)).content.decode()
    assert sheet.number in page and "Disconformidad relacionada a los productos o servicios." in page

    response = staff_client.post(change_url(sheet), {"response": ""})
    assert response.status_code == 200  # the answer is required
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(sheet), {"response": "Cambiamos la casaca."})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.response == "Cambiamos la casaca." and sheet.answered_by == support
    assert [m.to for m in mail.outbox] == [[sheet.email]]

    page = staff_client.get(change_url(sheet)).content.decode()
    assert 'name="response"' not in page  # answered: read-only from now on
    staff_client.post(change_url(sheet), {"response": "Otra cosa"})
    sheet.refresh_from_db()
    assert sheet.response == "Cambiamos la casaca."
    history = staff_client.get(reverse("admin:complaints_complaintsheet_history", args=[sheet.pk]))
    assert history.status_code == 200 and "soporte@kallpa.pe" in history.content.decode()


def test_nothing_is_added_or_deleted_by_hand(staff_client, sheet):
    assert staff_client.get(reverse("admin:complaints_complaintsheet_add")).status_code == 403
    assert staff_client.get(reverse("admin:complaints_complaintsheet_delete", args=[sheet.pk])).status_code == 403
    staff_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [sheet.pk], "post": "yes"})
    assert ComplaintSheet.objects.count() == 1


def _filed_in(month: int, **data):
    return complaint_file(data=sheet_data(**data), now=datetime(2026, month, 10, 10, tzinfo=LIMA))


def test_the_export_for_indecopi_by_date_range(staff_client):
    march = _filed_in(3, consumer_name="Ana Ñahui")
    april = _filed_in(4)
    complaint_answer(sheet=march, response="Atendido con cambio.", actor=None)
    url = reverse("admin:complaints_complaintsheet_export")
    assert staff_client.get(url).status_code == 200

    response = staff_client.get(url, {"start": "2026-03-01", "end": "2026-03-31", "file_format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "libro-de-reclamaciones-20260301-20260331.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Número de hoja"] for row in rows] == [march.number]
    assert rows[0]["Consumidor"] == "Ana Ñahui" and rows[0]["Reclamo o queja"] == "Reclamo"
    assert rows[0]["Observaciones y acciones adoptadas por el proveedor"] == "Atendido con cambio."

    pdf = staff_client.get(url, {"start": "2026-03-01", "end": "2026-04-30", "file_format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert april.number


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-04-01", "end": "2026-03-01", "file_format": "csv"},
        {"start": "no-date", "end": "2026-03-01", "file_format": "csv"},
        {"start": "2026-03-01", "end": "2026-03-31", "file_format": "xls"},
    ],
)
def test_a_bad_export_range_is_a_clear_400(staff_client, params):
    response = staff_client.get(reverse("admin:complaints_complaintsheet_export"), params)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_the_sheet_pdf_from_the_admin(staff_client, sheet):
    response = staff_client.get(reverse("admin:complaints_complaintsheet_pdf", args=[sheet.pk]))
    assert response.content.startswith(b"%PDF")
