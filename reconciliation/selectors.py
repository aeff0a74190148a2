"""Reconciliation's reads: the store's payments and refunds a gateway's list is compared with."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from payments.models import Payment, Refund

from .compare import StorePayment, StoreRefund, StoreRows
from .models import Discrepancy, Run


def store_rows(
    *,
    provider: str,
    start: datetime,
    end: datetime,
    payment_references: set[str],
    attempt_ids: set[int],
    refund_references: set[str],
) -> StoreRows:
    """The provider's payments and refunds that succeeded in [start, end), and those the gateway's list
    names (whatever their status or day). Two queries."""
    payments = (
        Payment.objects.filter(provider=provider)
        .filter(
            Q(status=Payment.Status.SUCCEEDED, completed_at__gte=start, completed_at__lt=end)
            | Q(gateway_reference__in=payment_references)
            | Q(pk__in=attempt_ids)
        )
        .order_by("pk")
    )
    # A refund has no time of success of its own: its last change is when it succeeded (or failed).
    refunds = (
        Refund.objects.filter(payment__provider=provider)
        .filter(
            Q(status=Refund.Status.SUCCEEDED, updated_at__gte=start, updated_at__lt=end)
            | Q(gateway_reference__in=refund_references)
        )
        .select_related("payment")
        .order_by("pk")
    )
    return StoreRows(
        payments=tuple(
            StorePayment(
                pk=payment.pk,
                order_id=payment.order_id,
                reference=payment.gateway_reference,
                amount=payment.amount,
                currency=payment.currency,
                succeeded=payment.status == Payment.Status.SUCCEEDED,
                status=str(payment.get_status_display()),
                completed_at=payment.completed_at,
            )
            for payment in payments
        ),
        refunds=tuple(
            StoreRefund(
                pk=refund.pk,
                order_id=refund.payment.order_id,
                reference=refund.gateway_reference or "",
                amount=refund.amount,
                succeeded=refund.status == Refund.Status.SUCCEEDED,
                status=str(refund.get_status_display()),
                done_at=refund.updated_at,
            )
            for refund in refunds
        ),
    )


def open_discrepancies_count() -> int:
    return Discrepancy.objects.filter(status=Discrepancy.Status.OPEN).count()


RETRY_AFTER = timedelta(hours=1)


def reconciliation_due_days(*, now: datetime | None = None) -> list[date]:
    """The days the daily job owes: yesterday (Lima) once its gateways have settled (from
    RECONCILIATION_HOUR, Lima time), while no run of it exists, or again an hour after a run in which a
    gateway could not be read (an outage heals without anyone running the command)."""
    moment = now or timezone.now()
    local = timezone.localtime(moment)
    yesterday = local.date() - timedelta(days=1)
    if local.hour < settings.RECONCILIATION_HOUR:
        return []
    run = Run.objects.filter(day=yesterday).first()
    if run is None:
        return [yesterday]
    retry = run.failed_gateways and run.finished_at is not None and moment - run.finished_at >= RETRY_AFTER
    return [yesterday] if retry else []
