"""Thin Celery wrappers around returns.services."""

from celery import shared_task

from core.once import send_once

from . import emails, services


@shared_task(name="returns.tasks.send_return_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_return_email(email_id: int) -> bool:
    """Send one return e-mail once (a retried or redelivered task finds it claimed and stops)."""
    return send_once(
        claim=services.return_email_claim(email_id=email_id), send=lambda: emails.send_return_email(email_id=email_id)
    )
