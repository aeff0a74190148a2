"""Reads of receipts shared by the pages, the e-mail and the commands."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import ACCEPTED_STATUSES, LIMA, Receipt, ReceiptKind, SendStatus


def receipt_with_details(*, queryset: QuerySet[Receipt] | None = None, **lookup: object) -> Receipt:
    queryset = Receipt.objects.all() if queryset is None else queryset
    return queryset.select_related("order", "original").prefetch_related("lines").get(**lookup)


def receipts_issued(*, order_id: int) -> QuerySet[Receipt]:
    """An order's receipts that count as issued: not one SUNAT rejected (its number is void; the
    re-issue stands in its place), nor one voided to correct it (its corrected re-issue does)."""
    return (
        Receipt.objects.filter(order_id=order_id, voided_at__isnull=True)
        .exclude(send_status=SendStatus.REJECTED)
        .order_by("issued_at", "pk")
    )


def receipt_send_status(*, receipt_id: int) -> str:
    status: str = Receipt.objects.filter(pk=receipt_id).values_list("send_status", flat=True).get()
    return status


def receipts_not_accepted() -> QuerySet[Receipt]:
    """What SUNAT has not accepted (pending, sent, exception, rejected and not re-issued), oldest
    first."""
    return (
        Receipt.objects.exclude(send_status__in=ACCEPTED_STATUSES)
        .exclude(send_status=SendStatus.REJECTED, reissue__isnull=False)
        .select_related("order")
        .order_by("issued_at", "pk")
    )


# The legal term to send each document to SUNAT (or the OSE), in calendar days counted from the
# day after its issue date: a factura and the notas that modify it, 3 (R.S. 000193-2020/SUNAT as
# amended by R.S. 000003-2023/SUNAT); a boleta and its notas, 3 as well (R.S. 000193-2020/SUNAT,
# in force since 2022: formerly 7). A nota follows its original's letter (F… or B…); kept apart
# because the two have changed separately before. See docs/sunat.md.
FACTURA_TERM_DAYS = 3
BOLETA_TERM_DAYS = 3


def send_term_days(*, kind: str, series: str) -> int:
    if kind == ReceiptKind.BOLETA or (kind != ReceiptKind.FACTURA and series.startswith("B")):
        return BOLETA_TERM_DAYS
    return FACTURA_TERM_DAYS


def send_deadline(*, kind: str, series: str, issue_date: date) -> date:
    """The last day SUNAT takes the document."""
    return issue_date + timedelta(days=send_term_days(kind=kind, series=series))


def lima_today() -> date:
    return timezone.localtime(timezone.now(), LIMA).date()


@dataclass(frozen=True, kw_only=True)
class NotAccepted:
    """One document SUNAT has not accepted, as the daily list shows it. The sunat app adds its
    own (resúmenes, bajas, guías) with the same fields."""

    kind: str  # the document's type, as staff read it ("Boleta", "Resumen diario" ...)
    number: str
    issued: date
    status: str  # SUNAT's answer, as staff read it
    code: str
    message: str
    days_left: int  # before the legal term (0: today is the last day; negative: overdue)
    admin_url: str = ""

    @property
    def overdue_days(self) -> int:
        return max(-self.days_left, 0)


def documents_not_accepted(*, today: date | None = None) -> list[NotAccepted]:
    """The receipts SUNAT has not accepted, overdue first (fewest days left), then the oldest."""
    today = today or lima_today()
    rows = [
        NotAccepted(
            kind=receipt.get_kind_display(),
            number=receipt.full_number,
            issued=receipt.issue_date,
            status=receipt.get_send_status_display(),
            code=receipt.cdr_code,
            message=receipt.cdr_message,
            days_left=(
                send_deadline(kind=receipt.kind, series=receipt.series, issue_date=receipt.issue_date) - today
            ).days,
            admin_url=reverse("admin:receipts_receipt_change", args=[receipt.pk]),
        )
        for receipt in receipts_not_accepted().only(
            "pk", "kind", "series", "number", "issue_date", "send_status", "cdr_code", "cdr_message", "order_id"
        )
    ]
    return sorted(rows, key=lambda row: (row.days_left, row.issued))
