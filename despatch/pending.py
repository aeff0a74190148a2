"""Despatch's pending work for core.jobs' sweep: guías to send (or whose answer to ask for) whose
task was lost."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from receipts.pending import claim_span
from receipts.signing import certificate_configured

from .gre import sending_configured
from .models import DespatchAdvice, GuideStatus

# A send's retries (SEND_MAX_RETRIES, backoff up to 2 h) span about six hours.
SEND_RETRIES_SPAN = timedelta(hours=7)


def guias_to_send(cutoff) -> QuerySet:
    """Guías pending (never tried) or sent without an answer, past their retries, and claims
    abandoned before their ticket was kept (guia_send sets them aside for a check); none while GRE
    sending or the signing certificate is not configured (they wait, as documented)."""
    if not sending_configured() or not certificate_configured():
        return DespatchAdvice.objects.none()
    lost = timezone.now() - SEND_RETRIES_SPAN
    return DespatchAdvice.objects.filter(
        Q(status=GuideStatus.PENDING, send_attempts=0, issued_at__lt=cutoff)
        | Q(status__in=[GuideStatus.PENDING, GuideStatus.SENT], issued_at__lt=lost)
        | Q(status=GuideStatus.SENT, ticket="", sent_at__lt=timezone.now() - claim_span(settings.SUNAT_GRE_TIMEOUT))
    )
