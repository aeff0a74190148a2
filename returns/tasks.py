"""Thin Celery wrappers around returns.services."""

from celery import shared_task

from . import emails, services


@shared_task(name="returns.tasks.send_return_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_return_email(email_id: int) -> bool:
    """Send one return e-mail once (a retried or redelivered task finds it claimed and stops)."""
    if not services.return_email_claim(email_id=email_id):
        return False
    try:
        emails.send_return_email(email_id=email_id)
    except Exception:
        services.return_email_unclaim(email_id=email_id)
        raise
    return True
