"""The consumer's copy and answer (each once, with the sheet's PDF, in Spanish) and the staff's
morning alert of sheets near or past their deadline; the overdue report."""

import json
import shutil
import subprocess
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from constance.test import override_config
from django.core import mail
from django.core.management import call_command

from complaints import tasks
from complaints.emails import send_due_alert
from complaints.services import complaint_answer, complaint_file
from tests.factories import UserFactory, sheet_data

pytestmark = pytest.mark.django_db
LIMA = ZoneInfo("America/Lima")


def file(**kwargs):
    return complaint_file(data=sheet_data(**kwargs.pop("data", {})), **kwargs)


def pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils' pdftotext is not installed (make test installs it)")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_consumer_gets_the_copy_then_the_answer_each_with_the_pdf(django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        sheet = file()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_answer(sheet=sheet, response="Te cambiamos la casaca el lunes.", actor=UserFactory(is_staff=True))

    copy, answer = mail.outbox
    assert copy.to == answer.to == ["lucia@example.pe"]
    assert sheet.number in copy.subject and "Hoja de reclamación" in copy.subject
    assert "Llegó con el cierre roto." in copy.body and "quince (15) días hábiles" in copy.body
    assert "Respuesta" in answer.subject and "Te cambiamos la casaca el lunes." in answer.body
    for message in (copy, answer):
        ((name, pdf, kind),) = message.attachments
        assert name == f"hoja-de-reclamacion-{sheet.number}.pdf" and kind == "application/pdf"
    text = pdf_text(answer.attachments[0][1], tmp_path)
    assert "HOJA DE RECLAMACIÓN" in text and sheet.number in text and "20601234565" in text
    assert "Disconformidad relacionada a los productos o servicios." in text
    assert "Te cambiamos la casaca el lunes." in text
    sheet.refresh_from_db()
    assert sheet.copy_sent_at and sheet.answer_sent_at


def test_a_redelivered_task_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sheet = file()

    assert tasks.send_complaint_copy(sheet.pk) is False
    assert tasks.send_complaint_answer(sheet.pk) is False  # not answered yet
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again(monkeypatch, sheet):
    def broken(**kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("complaints.emails.send_copy", broken)
    with pytest.raises(OSError):
        tasks.send_complaint_copy.run(sheet.pk)
    sheet.refresh_from_db()
    assert sheet.copy_sent_at is None  # released for the retry


def _open_sheets():
    """Filed Monday 20 July 2026 (due 14 Aug), 3 Aug (due 25 Aug) and 10 Aug (due 31 Aug)."""
    return [
        file(now=datetime(2026, 7, 20, 9, tzinfo=LIMA), data={"email": "a@example.pe"}),
        file(now=datetime(2026, 8, 3, 9, tzinfo=LIMA), data={"email": "b@example.pe"}),
        file(now=datetime(2026, 8, 10, 9, tzinfo=LIMA), data={"email": "c@example.pe"}),
    ]


def test_the_morning_alert_names_overdue_and_near_sheets():
    late, near, later = _open_sheets()
    assert (late.due_on, near.due_on, later.due_on) == (date(2026, 8, 14), date(2026, 8, 25), date(2026, 8, 31))

    with override_config(COMPLAINTS_ALERT_EMAILS="reclamos@kallpa.pe"):
        assert send_due_alert(today=date(2026, 8, 20)) == 2
    (alert,) = mail.outbox
    assert alert.to == ["reclamos@kallpa.pe"]
    assert late.number in alert.body and near.number in alert.body and later.number not in alert.body
    assert "VENCIDA" in alert.body.upper()


def test_no_alert_when_nothing_is_due():
    _open_sheets()
    assert send_due_alert(today=date(2026, 7, 21)) == 0 and mail.outbox == []


def test_answered_sheets_leave_the_alert():
    late, near, _later = _open_sheets()
    complaint_answer(sheet=late, response="Resuelto.", actor=None)
    assert send_due_alert(today=date(2026, 8, 20)) == 1


def test_the_overdue_report(monkeypatch):
    late, near, later = _open_sheets()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 8, 20))

    out = StringIO()
    call_command("complaints_due", "--overdue", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [row["number"] for row in rows] == [late.number]
    assert rows[0]["state"] == "overdue" and rows[0]["business_days"] == 4  # 17, 18, 19, 20 August
    out = StringIO()
    call_command("complaints_due", stdout=out)
    assert near.number in out.getvalue() and later.number not in out.getvalue()


def test_a_sheet_with_every_text_at_its_limit_prints(tmp_path):
    """A detail or an answer longer than a page flows onto the next pages (a table row cannot)."""
    from complaints.pdf import sheet_pdf

    sheet = file(
        data={
            "detail": "palabra " * 375,
            "consumer_request": "x" * 2000,
            "item_description": "d" * 500,
            "consumer_name": "Ñ" * 150,
            "address": "A" * 255,
        }
    )
    sheet = complaint_answer(sheet=sheet, response="respuesta " * 500, actor=None)
    text = pdf_text(sheet_pdf(sheet), tmp_path)
    # 500 in the answer, one in the regulation's note on the deadline
    assert text.count("respuesta") == 501 and "palabra" in text and "Ñ" * 20 in text
