"""The sunat app's pending work for core.jobs' sweep: summaries to send and tickets to ask about
whose task was lost."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from receipts.pending import claim_span
from receipts.sending import sending_configured

from .models import Summary, SummaryStatus

# A ticket's questions (1 min, 2, 4 ... an hour, POLL_MAX_ATTEMPTS of them) span about eight hours.
POLL_SPAN = timedelta(hours=9)
SEND_SPAN = timedelta(hours=5)


def summaries_to_send(cutoff) -> QuerySet[Summary]:
    """Summaries pending to send that should have been sent (never tried, or their retries lost),
    and those claimed whose worker died before keeping the ticket (summary_send recovers them)."""
    if not sending_configured():
        return Summary.objects.none()
    stale = timezone.now() - SEND_SPAN
    pending = Summary.objects.filter(status=SummaryStatus.PENDING)
    abandoned = Summary.objects.filter(status=SummaryStatus.SENT, ticket="", sent_at__lt=timezone.now() - claim_span())
    return pending.filter(send_attempts=0, created_at__lt=cutoff) | pending.filter(created_at__lt=stale) | abandoned


def summaries_to_poll(cutoff) -> QuerySet[Summary]:
    """Summaries sent whose ticket nobody is asking about any more."""
    if not sending_configured():
        return Summary.objects.none()
    return Summary.objects.filter(status=SummaryStatus.SENT, sent_at__lt=timezone.now() - POLL_SPAN).exclude(ticket="")
