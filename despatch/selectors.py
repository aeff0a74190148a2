"""Despatch's shared reads."""

from datetime import date

from django.db.models import QuerySet

from .models import DespatchAdvice


def guias_issued_between(start: date, end: date) -> QuerySet[DespatchAdvice]:
    """The guías issued from `start` to `end` (issue dates, both included), oldest first, each
    with file_name (RUC-09-SERIE-NUMERO), xml (as sent), cdr_xml (SUNAT's answer, "" until it
    comes) and issue_date: what the sales register's export writes beside the receipts."""
    return DespatchAdvice.objects.filter(issue_date__gte=start, issue_date__lte=end).order_by("issue_date", "number")


def guia_with_lines(*, queryset: QuerySet[DespatchAdvice], pk: int) -> DespatchAdvice:
    """One guía of `queryset` with its lines and leg, for the PDF (raises DoesNotExist)."""
    return queryset.select_related("shipment__order").prefetch_related("lines").get(pk=pk)
