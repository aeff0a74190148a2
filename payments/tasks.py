"""Thin Celery wrappers around payments' services: a task holds no rule of its own, it calls a service."""

from celery import shared_task
from django.db import OperationalError

from .services.refunds import refund_execute
from .services.webhooks import RetryableWebhookError, webhook_event_process


@shared_task(
    name="payments.tasks.process_webhook_event",
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def process_webhook_event(self, event_id: int) -> str:
    """Process a stored webhook event once. An event that must wait for another (a refund
    before its payment's completion) is retried with exponential backoff (30 s, 1 min, 2 min,
    ... up to an hour), counted on the event itself; when the attempts run out the service marks
    it failed for staff. A retry lost with a worker is re-enqueued by the sweep (core.jobs)."""
    try:
        return webhook_event_process(event_id=event_id).status
    except RetryableWebhookError as error:
        raise self.retry(exc=error, countdown=error.countdown, max_retries=None) from error


@shared_task(name="payments.tasks.execute_refund")
def execute_refund(refund_id: int) -> str:
    """An approved refund whose gateway call never finished (the process died): call it again
    (the gateways key the call by the refund, so it is made once)."""
    return refund_execute(refund_id=refund_id).status
