"""The store's state as /metrics reports it, read at scrape time: one grouped query per fact, so a
scrape costs the same with ten rows or a million (tests/monitoring/test_metrics_view.py counts them).
Counts that only grow (orders, failed payments) are exposed as counters: Prometheus' rate() and
increase() work on them across restarts, with no counting in the request path."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, QuerySet, Sum
from django.utils import timezone

from core.heartbeats import heartbeats_read
from inventory.models import Reservation
from orders.models import Order
from payments.models import Payment, WebhookEvent
from receipts.models import Receipt
from receipts.selectors import lima_today, receipts_not_accepted, send_deadline

FAILED_PAYMENT_STATUSES = (Payment.Status.DECLINED, Payment.Status.FAILED)


def orders_placed_count() -> int:
    return Order.objects.count()


def payments_failed_by_gateway() -> dict[tuple[str, str], int]:
    """(gateway, status) → payments declined or failed, ever."""
    rows = (
        Payment.objects.filter(status__in=FAILED_PAYMENT_STATUSES)
        .order_by()
        .values_list("provider", "status")
        .annotate(total=Count("pk"))
    )
    return {(provider, status): total for provider, status, total in rows}


@dataclass(frozen=True, kw_only=True)
class ReceiptsNotAccepted:
    """Receipts SUNAT has not accepted, by (kind, status), and those of them past their legal term
    by kind (docs/sunat.md: what SUNAT has not accepted)."""

    by_status: dict[tuple[str, str], int]
    overdue: dict[str, int]
    oldest_issued: datetime | None


def receipts_not_accepted_summary(*, today: date | None = None) -> ReceiptsNotAccepted:
    """One grouped query: a row per (kind, series, status, issue date), a handful in a healthy
    store, from which each document's legal term is worked out as the admin's list does."""
    today = today or lima_today()
    rows: QuerySet[Receipt, tuple[str, str, str, date, int, datetime]] = (
        receipts_not_accepted()
        .select_related(None)
        .order_by()
        .values_list("kind", "series", "send_status", "issue_date")
        .annotate(total=Count("pk"), oldest=Min("issued_at"))
    )
    by_status: dict[tuple[str, str], int] = {}
    overdue: dict[str, int] = {}
    oldest: datetime | None = None
    for kind, series, status, issue_date, total, issued_at in rows:
        by_status[(kind, status)] = by_status.get((kind, status), 0) + total
        if send_deadline(kind=kind, series=series, issue_date=issue_date) < today:
            overdue[kind] = overdue.get(kind, 0) + total
        oldest = issued_at if oldest is None else min(oldest, issued_at)
    return ReceiptsNotAccepted(by_status=by_status, overdue=overdue, oldest_issued=oldest)


@dataclass(frozen=True, kw_only=True)
class WebhookBacklog:
    failed: dict[str, int]  # provider → events whose processing failed for good
    waiting: dict[str, int]  # provider → events received, not processed yet
    oldest_waiting: dict[str, datetime]  # provider → when the oldest waiting one arrived


def webhook_backlog() -> WebhookBacklog:
    rows = (
        WebhookEvent.objects.filter(status__in=(WebhookEvent.Status.FAILED, WebhookEvent.Status.RECEIVED))
        .order_by()
        .values_list("provider", "status")
        .annotate(total=Count("pk"), oldest=Min("received_at"))
    )
    backlog = WebhookBacklog(failed={}, waiting={}, oldest_waiting={})
    for provider, status, total, oldest in rows:
        if status == WebhookEvent.Status.FAILED:
            backlog.failed[provider] = total
        else:
            backlog.waiting[provider] = total
            backlog.oldest_waiting[provider] = oldest
    return backlog


@dataclass(frozen=True, kw_only=True)
class Holds:
    count: int
    units: int


def holds_active(*, now: datetime | None = None) -> Holds:
    """Stock reservations still holding units (active and not expired)."""
    totals = (
        Reservation.objects.active(now or timezone.now()).order_by().aggregate(count=Count("pk"), units=Sum("quantity"))
    )
    return Holds(count=totals["count"], units=totals["units"] or 0)


def heartbeat_ages(*, now: datetime | None = None) -> dict[str, float]:
    """Seconds since each background part (worker:<host>, beat, sweep:<job>) last showed it was alive."""
    now = now or timezone.now()
    return {name: max((now - at).total_seconds(), 0.0) for name, at in heartbeats_read().items()}
