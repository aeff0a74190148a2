"""Thin Celery wrappers around sunat's services."""

import logging

from celery import shared_task
from django.db import OperationalError

from receipts.sending import SendUnavailable

from . import services
from .models import SummaryStatus

logger = logging.getLogger(__name__)
SEND_MAX_RETRIES = 8


def _backoff(retries: int) -> int:
    """1 min, 2, 4 ... up to an hour."""
    return min(60 * 2**retries, 60 * 60)


@shared_task(name="sunat.tasks.send_summary", bind=True, max_retries=SEND_MAX_RETRIES)
def send_summary(self, summary_id: int) -> str:
    """sendSummary; an outage is retried with backoff, then the summary fails for staff to resend."""
    try:
        return services.summary_send(summary_id=summary_id).status
    except (SendUnavailable, OperationalError) as error:
        if self.request.retries >= self.max_retries:
            services.summary_give_up(summary_id=summary_id, error=str(error))
            return "failed"
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(name="sunat.tasks.poll_summary", bind=True, max_retries=services.POLL_MAX_ATTEMPTS)
def poll_summary(self, summary_id: int) -> str:
    """getStatus on the summary's ticket until SUNAT answers: in process (98) or an outage asks again."""
    try:
        status = services.summary_poll(summary_id=summary_id).status
    except (SendUnavailable, OperationalError) as error:
        status, reason = SummaryStatus.SENT, str(error)
    else:
        reason = "SUNAT still processing the ticket"
    if status != SummaryStatus.SENT:
        return status
    if self.request.retries >= self.max_retries:
        services.summary_give_up(summary_id=summary_id, error=reason)
        return "failed"
    raise self.retry(countdown=_backoff(self.request.retries))


@shared_task(name="sunat.tasks.send_daily_summaries")
def send_daily_summaries() -> int:
    """Beat (every 15 minutes; the in-process scheduler under `make run`): the resúmenes of the
    closed days still owed, each sent after commit."""
    return len(services.daily_summaries_build())
