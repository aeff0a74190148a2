"""Payments' retention terms (Ley 29733: personal data kept no longer than needed): gateway log
entries and webhook bodies past their term go. A webhook event's row stays (its id keeps a replay
out); only what the gateway sent, payer names and e-mails included, is emptied."""

from datetime import datetime

from django.db import transaction

from ..gateway_log import gateway_log_store
from ..models import WebhookEvent

# Events still owed work keep their body: it is what processing them reads.
SETTLED = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED, WebhookEvent.Status.FAILED)


def gateway_log_drop_before(*, cutoff: datetime) -> int:
    """Gateway log entries (requests, responses, webhook bodies) written before `cutoff`, from the
    active store (MongoDB or the SQL table). How many went."""
    dropped: int = gateway_log_store().drop_before(cutoff)  # type: ignore[no-untyped-call]  # the log's own module is untyped
    return dropped


@transaction.atomic
def webhook_bodies_drop_before(*, cutoff: datetime) -> int:
    """The payload and raw body of settled webhook events received before `cutoff`, emptied."""
    rows = WebhookEvent.objects.filter(received_at__lt=cutoff, status__in=SETTLED).exclude(payload={}, raw_body="")
    return rows.update(payload={}, raw_body="")
