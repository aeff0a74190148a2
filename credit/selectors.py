"""Reading store credit: a customer's credits with their history, what an order was paid with."""

from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone

from core.actors import signed_in

from .models import ZERO, CreditUse, StoreCredit


def credits_for_customer(*, user):
    """Every credit of the customer (newest first) with its uses and their orders prefetched."""
    return (StoreCredit.objects.filter(customer=user)
            .select_related("return_request")
            .prefetch_related(Prefetch("uses", queryset=CreditUse.objects.select_related("order").order_by("created_at", "pk"))))


def usable_credits(*, user, now=None) -> list[StoreCredit]:
    """Credits the customer can spend now: balance left and not expired, the soonest to expire first."""
    if signed_in(user) is None:
        return []
    return list(StoreCredit.objects.filter(customer=user, balance__gt=0, expires_at__gt=now or timezone.now())
                .order_by("expires_at", "pk"))


def credit_to_apply(*, total: Decimal, balance: Decimal | None = None, wanted: Decimal | None = None) -> Decimal:
    """How much of a store credit goes on an order: what the shopper asked for (the whole balance
    when they did not say), never more than the order's total nor than the credit's balance. Where
    the balance is not at hand (placing), spending checks it again under the credit's lock."""
    return min(amount for amount in (wanted, balance, total) if amount is not None)


def credit_spent_on_order(*, order_id: int) -> Decimal:
    """What store credit pays of an order now (spent minus given back)."""
    net = CreditUse.objects.filter(order_id=order_id).aggregate(total=Sum("amount"))["total"] or ZERO
    return -net


def order_amount_due(order) -> Decimal:
    """What the gateway must charge for an order: its total minus the store credit applied."""
    return max(order.total - credit_spent_on_order(order_id=order.pk), ZERO)


def credit_issued_for_order_returns(*, order_id: int, excluding_return_id: int | None = None) -> Decimal:
    """Store credit issued for the returns of an order: money that went back without a refund."""
    credits = StoreCredit.objects.filter(return_request__order_id=order_id)
    if excluding_return_id is not None:
        credits = credits.exclude(return_request_id=excluding_return_id)
    return credits.aggregate(total=Sum("amount"))["total"] or ZERO
