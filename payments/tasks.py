"""Thin Celery wrappers around payments' services (DESIGN.md: tasks call a service)."""

from celery import shared_task
from django.db import OperationalError

from .services.webhooks import (
    RetryableWebhookError, webhook_event_give_up, webhook_event_process, webhook_events_stranded,
)

WEBHOOK_MAX_RETRIES = 8


@shared_task(name="payments.tasks.process_webhook_event", bind=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=60 * 60, retry_jitter=True, max_retries=WEBHOOK_MAX_RETRIES)
def process_webhook_event(self, event_id: int) -> str:
    """Process a stored webhook event once. An event that must wait for another (a refund
    before its payment's completion) is retried with exponential backoff (30 s, 1 min, 2 min,
    ... up to an hour); when the retries run out it is marked failed for staff."""
    try:
        return webhook_event_process(event_id=event_id).status
    except RetryableWebhookError as error:
        if self.request.retries >= self.max_retries:
            webhook_event_give_up(event_id=event_id, error=str(error))
            return "failed"
        raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, 60 * 60)) from error


@shared_task(name="payments.tasks.process_stranded_webhook_events")
def process_stranded_webhook_events() -> int:
    """Beat, every 10 minutes: enqueue stored events that were never tried (a lost enqueue).
    Enqueuing one twice is harmless: processing is once, under the event's row lock."""
    ids = webhook_events_stranded(older_than_minutes=10)
    for pk in ids:
        process_webhook_event.delay(pk)
    return len(ids)
