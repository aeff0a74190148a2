"""Reading returns: a customer's requests, one request with its lines and history."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from accounts.models import User

from .models import ReturnEmail, ReturnLine, ReturnRequest, ReturnStatusChange

if TYPE_CHECKING:
    from receipts.ports import ReturnedGoods


def returns_for_customer(*, user: User) -> QuerySet[ReturnRequest]:
    """The customer's return requests, newest first, with their order and unit count (one query)."""
    return (
        ReturnRequest.objects.filter(customer=user)
        .select_related("order")
        .annotate(unit_count=Sum("lines__quantity"))
        .order_by("-created_at", "-pk")
    )


def _detail(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return queryset.select_related("order", "store_credit").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line")),
        Prefetch("status_changes", queryset=ReturnStatusChange.objects.order_by("created_at", "pk")),
    )


def return_for_customer(*, user: User, number: str) -> ReturnRequest:
    """The customer's own request, or 404 (another customer's number looks like an unknown one)."""
    found = _detail(ReturnRequest.objects.filter(customer=user, number=number.strip().upper())).first()
    if found is None:
        raise Http404
    return found


def return_for_guest(*, order_numbers: Iterable[str], number: str) -> ReturnRequest:
    """A guest order's request, when this browser looked the order up (its number is in the session)."""
    found = _detail(
        ReturnRequest.objects.filter(
            customer__isnull=True,
            order__customer__isnull=True,
            order__number__in=list(order_numbers),
            number=number.strip().upper(),
        )
    ).first()
    if found is None:
        raise Http404
    return found


def returns_for_order(*, order_id: int) -> list[ReturnRequest]:
    return list(ReturnRequest.objects.filter(order_id=order_id).order_by("-created_at", "-pk"))


def return_goods_for_receipt(*, return_id: int) -> "ReturnedGoods | None":
    """What a resolved return took back and gives back, for its nota de crédito (receipts.ports)."""
    from receipts.ports import ReturnedGoods

    request = ReturnRequest.objects.filter(pk=return_id, resolved_amount__isnull=False).select_related("order").first()
    if request is None or request.resolved_amount is None:  # not resolved
        return None
    from .services import _return_quote, offers_lost_note

    return ReturnedGoods(
        order_id=request.order_id,
        number=request.number,
        amount=request.resolved_amount,
        units=dict(request.lines.values_list("order_line_id", "quantity")),
        shipping=bool(request.shipping_returned),
        note=offers_lost_note(_return_quote(request)),
    )


def return_emails_overdue(cutoff: datetime) -> QuerySet[ReturnEmail]:
    """Return e-mails recorded before `cutoff` and not sent (their task was lost), from the last
    JOBS_MAX_AGE_DAYS only, as for order e-mails."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    oldest = timezone.now() - timedelta(days=settings.JOBS_MAX_AGE_DAYS)
    return ReturnEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, created_at__gte=oldest)


def return_numbers(*, return_ids: list[int]) -> dict[int, str]:
    """{id: number} of these return requests (inventory.ports.return_numbers): one query, none for no ids."""
    return dict(ReturnRequest.objects.filter(pk__in=return_ids).values_list("pk", "number"))
