"""Receipts' pending work for core.jobs' sweep: receipts to issue, to send to SUNAT and to e-mail
whose task was lost."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from orders.models import Order

from .models import UNANSWERED_STATUSES, Receipt, ReceiptKind, SendStatus
from .services import PAID_STATUSES
from .summary_mode import BOLETA_SERIES_PREFIX, boletas_by_summary

# A send's retries (1 min, 2, 4 ... 2 h, SEND_MAX_RETRIES of them) span about four hours: a receipt
# still pending after that lost its retry.
SEND_RETRIES_SPAN = timedelta(hours=5)


def claim_span(timeout: int | None = None) -> timedelta:
    """How long a send may wait for its answer before its claim counts as abandoned: two of the
    service's timeouts (SUNAT_SEND_TIMEOUT unless another is given, as GRE's)."""
    return timedelta(seconds=2 * (settings.SUNAT_SEND_TIMEOUT if timeout is None else timeout))


def orders_without_receipt(cutoff) -> QuerySet:
    """Paid orders (before `cutoff`) with no boleta or factura; not an order of gift cards only
    (its sale is money paid in advance: no receipt, see credit/models.py)."""
    issued = Receipt.objects.filter(order=OuterRef("pk"), kind__in=[ReceiptKind.FACTURA, ReceiptKind.BOLETA])
    return Order.objects.filter(
        payment_status__in=PAID_STATUSES, paid_at__lt=cutoff, total__gt=F("gift_cards_total")
    ).filter(~Exists(issued))


def receipts_to_send(cutoff) -> QuerySet:
    """Receipts SUNAT has not answered that should have been (never tried, a worker that died
    mid-send, or their retries lost);
    none while no sending service or no signing certificate is configured (they wait, as documented)."""
    from .sending import sending_configured
    from .signing import certificate_configured

    if not sending_configured() or not certificate_configured():  # unsigned receipts wait for a certificate
        return Receipt.objects.none()
    now = timezone.now()
    pending = Receipt.objects.filter(send_status__in=UNANSWERED_STATUSES).filter(
        Q(send_status=SendStatus.PENDING, send_attempts=0, issued_at__lt=cutoff)  # its task was lost
        # a worker died mid-send: recovery asks SUNAT before sending again (services.receipt_send)
        | Q(send_status=SendStatus.SENT, send_claimed_at__lt=min(cutoff, now - claim_span()))
        | Q(issued_at__lt=now - SEND_RETRIES_SPAN)  # its retries ran out or were lost
    )
    # Boletas and their notas reported in the resumen diario are the sunat app's pending work.
    return pending.exclude(series__startswith=BOLETA_SERIES_PREFIX) if boletas_by_summary() else pending


def receipts_to_email(cutoff) -> QuerySet:
    """Receipts issued before `cutoff` (in the last JOBS_MAX_AGE_DAYS) not e-mailed to the buyer."""
    oldest = timezone.now() - timedelta(days=settings.JOBS_MAX_AGE_DAYS)
    return Receipt.objects.filter(emailed_at__isnull=True, issued_at__lt=cutoff, issued_at__gte=oldest).exclude(
        send_status=SendStatus.REJECTED
    )
