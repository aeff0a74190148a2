"""Thin Celery wrappers: the consumer's copy, the answer, and the staff's daily deadline alert."""

from celery import shared_task

from core.once import send_once

from . import emails, services


@shared_task(name="complaints.tasks.send_complaint_copy", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_complaint_copy(sheet_id: int) -> bool:
    """The filled sheet (and its PDF) to the consumer, once."""
    return send_once(
        claim=services.complaint_copy_claim(sheet_id=sheet_id), send=lambda: emails.send_copy(sheet_id=sheet_id)
    )


@shared_task(name="complaints.tasks.send_complaint_answer", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_complaint_answer(sheet_id: int) -> bool:
    """The provider's answer (and the sheet's PDF with it) to the consumer, once."""
    return send_once(
        claim=services.complaint_answer_claim(sheet_id=sheet_id), send=lambda: emails.send_answer(sheet_id=sheet_id)
    )


@shared_task(name="complaints.tasks.alert_due_complaints")
def alert_due_complaints() -> int:
    """Beat, every morning: tell staff which open sheets are overdue or near their deadline."""
    return emails.send_due_alert()
