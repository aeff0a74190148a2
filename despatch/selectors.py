"""Despatch's shared reads."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from inventory.models import Movement, Warehouse

from .models import DespatchAdvice

TRANSFERS_SHOWN_DAYS = 30


def guias_issued_between(start: date, end: date) -> QuerySet[DespatchAdvice]:
    """The guías issued from `start` to `end` (issue dates, both included), oldest first, each
    with file_name (RUC-09-SERIE-NUMERO), xml (as sent), cdr_xml (SUNAT's answer, "" until it
    comes) and issue_date: what the sales register's export writes beside the receipts."""
    return DespatchAdvice.objects.filter(issue_date__gte=start, issue_date__lte=end).order_by("issue_date", "number")


def guia_with_lines(*, queryset: QuerySet[DespatchAdvice], pk: int) -> DespatchAdvice:
    """One guía of `queryset` with its lines and leg, for the PDF (raises DoesNotExist)."""
    return queryset.select_related("shipment__order").prefetch_related("lines").get(pk=pk)


def transfers_without_guia() -> QuerySet[Movement]:
    """The transfers out of the last TRANSFERS_SHOWN_DAYS between two of the store's own
    warehouses that have no guía yet, newest first, one row per transfer (its "out" movement)."""
    arrives_own = Movement.objects.filter(
        transfer_key=OuterRef("transfer_key"),
        kind=Movement.Kind.TRANSFER_IN,
        stock_level__warehouse__kind=Warehouse.Kind.OWN,
    )
    return (
        Movement.objects.filter(
            kind=Movement.Kind.TRANSFER_OUT,
            stock_level__warehouse__kind=Warehouse.Kind.OWN,
            created_at__gte=timezone.now() - timedelta(days=TRANSFERS_SHOWN_DAYS),
        )
        .filter(Exists(arrives_own))
        .exclude(transfer_key__in=DespatchAdvice.objects.filter(transfer_key__isnull=False).values("transfer_key"))
        .select_related("stock_level__warehouse", "stock_level__variant")
        .order_by("-created_at", "-pk")
    )
