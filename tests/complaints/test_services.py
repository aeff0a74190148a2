"""Filing and answering sheets: the yearly correlative, the deadline in Peruvian business days,
the provider's details, never half a sheet, an answer written once."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from complaints.models import ComplaintSheet
from complaints.services import ComplaintError, answer_due_on, complaint_answer, complaint_file
from core.models import Counter
from tests.factories import UserFactory, sheet_data

pytestmark = pytest.mark.django_db
LIMA = ZoneInfo("America/Lima")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LIMA)


def test_sheets_are_numbered_per_year():
    first = complaint_file(data=sheet_data(), now=at(2025, 12, 31, 23, 50))
    second = complaint_file(data=sheet_data(), now=at(2025, 12, 31, 23, 55))
    new_year = complaint_file(data=sheet_data(), now=at(2026, 1, 1, 0, 5))

    assert (first.number, second.number, new_year.number) == ("000001-2025", "000002-2025", "000001-2026")
    assert (new_year.year, new_year.sequence) == (2026, 1)


@pytest.mark.parametrize(
    "filed, due",
    [
        # Monday 20 July 2026: 23 July (Air Force day), 28-29 July (Fiestas Patrias) and 6 August
        # (Battle of Junín) are holidays, weekends rest: 15 business days end on Friday 14 August.
        (date(2026, 7, 20), date(2026, 8, 14)),
        # Friday 27 March 2026: Holy Thursday and Good Friday (2-3 April) do not count.
        (date(2026, 3, 27), date(2026, 4, 21)),
        # A Saturday filing counts from the next business day (Monday 27 July; Tuesday and Wednesday are holidays).
        (date(2026, 7, 25), date(2026, 8, 20)),
    ],
)
def test_the_deadline_is_15_business_days_without_peru_holidays(filed, due):
    assert answer_due_on(filed) == due


def test_a_filed_sheet_keeps_its_deadline_and_the_provider_of_the_day():
    sheet = complaint_file(data=sheet_data(), now=at(2026, 7, 20, 10, 0))

    assert sheet.due_on == date(2026, 8, 14)
    assert (sheet.provider_name, sheet.provider_ruc) == ("KALLPA STORE S.A.C.", "20601234565")
    assert sheet.provider_address.startswith("Av. Javier Prado")


def test_a_sheet_is_never_half_written():
    """A failure after the number was taken rolls the whole sheet back: no sheet, no gap, no e-mail."""
    with mock.patch.object(ComplaintSheet.objects, "create", side_effect=IntegrityError("boom")):
        with pytest.raises(IntegrityError):
            complaint_file(data=sheet_data())

    assert ComplaintSheet.objects.count() == 0
    assert not Counter.objects.filter(scope="complaint").exclude(last=0).exists()
    assert complaint_file(data=sheet_data()).sequence == 1


@pytest.mark.parametrize(
    "override, message",
    [
        ({"detail": "x" * 3001}, "too long"),
        ({"consumer_request": "   "}, "required"),
        ({"kind": "sugerencia"}, "required"),
        ({"is_minor": True, "guardian_name": ""}, "guardian"),
    ],
)
def test_the_service_refuses_what_the_form_would(override, message):
    with pytest.raises(ComplaintError):
        complaint_file(data=sheet_data(**override))
    assert ComplaintSheet.objects.count() == 0


def test_an_answer_is_written_once(sheet, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answered = complaint_answer(sheet=sheet, response="  Cambiamos la casaca.  ", actor=staff)

    assert (answered.response, answered.answered_by) == ("Cambiamos la casaca.", staff)
    assert len(callbacks) == 1  # the answer e-mail, after the commit
    with pytest.raises(ComplaintError, match="ya fue respondida"):
        complaint_answer(sheet=sheet, response="Otra respuesta", actor=staff)
    sheet.refresh_from_db()
    assert sheet.response == "Cambiamos la casaca."
    # The history keeps both versions of the sheet, the answer signed by the staff member.
    assert [h.history_user for h in sheet.history.order_by("history_date")] == [None, staff]


def test_an_empty_answer_is_refused(sheet):
    with pytest.raises(ComplaintError):
        complaint_answer(sheet=sheet, response="  ", actor=None)
    sheet.refresh_from_db()
    assert sheet.answered_at is None


def test_sheets_are_never_deleted(sheet):
    with pytest.raises(ValidationError):
        sheet.delete()
    with pytest.raises(ValidationError):
        ComplaintSheet.objects.all().delete()
    assert ComplaintSheet.objects.count() == 1


def test_a_customer_cannot_file_about_another_customers_order():
    from tests.factories import make_order

    owner, other = UserFactory(), UserFactory()
    order = make_order(customer=owner)
    with pytest.raises(ComplaintError):
        complaint_file(data=sheet_data(), customer=other, order=order)
