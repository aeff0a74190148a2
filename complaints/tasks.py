"""Thin Celery wrappers: the consumer's copy, the answer, and the staff's daily deadline alert."""

from celery import shared_task

from . import emails, services


def _send_once(sheet_id: int, which: str, send) -> bool:
    if not services.complaint_email_claim(sheet_id=sheet_id, which=which):
        return False
    try:
        send(sheet_id=sheet_id)
    except Exception:
        services.complaint_email_unclaim(sheet_id=sheet_id, which=which)
        raise
    return True


@shared_task(name="complaints.tasks.send_complaint_copy", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_complaint_copy(sheet_id: int) -> bool:
    """The filled sheet (and its PDF) to the consumer, once."""
    return _send_once(sheet_id, "copy", emails.send_copy)


@shared_task(name="complaints.tasks.send_complaint_answer", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_complaint_answer(sheet_id: int) -> bool:
    """The provider's answer (and the sheet's PDF with it) to the consumer, once."""
    return _send_once(sheet_id, "answer", emails.send_answer)


@shared_task(name="complaints.tasks.alert_due_complaints")
def alert_due_complaints() -> int:
    """Beat, every morning: tell staff which open sheets are overdue or near their deadline."""
    return emails.send_due_alert()
