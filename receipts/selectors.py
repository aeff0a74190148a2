"""Reads of receipts shared by the pages, the e-mail and the commands."""

from django.db.models import QuerySet

from .models import Receipt, SendStatus


def receipt_with_details(*, queryset: QuerySet[Receipt] | None = None, **lookup: object) -> Receipt:
    queryset = Receipt.objects.all() if queryset is None else queryset
    return queryset.select_related("order", "original").prefetch_related("lines").get(**lookup)


def receipts_not_accepted() -> QuerySet[Receipt]:
    """Pending, failed or rejected receipts, oldest first (what receipts_pending lists)."""
    return (
        Receipt.objects.exclude(send_status__in=[SendStatus.ACCEPTED, SendStatus.OBSERVED])
        .select_related("order")
        .order_by("issued_at", "pk")
    )
