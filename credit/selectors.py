"""Reading store credit: a customer's credits with their history, what an order was paid with."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from core.actors import signed_in

from .models import ZERO, CreditUse, GiftCard, GiftCardUse, StoreCredit
from .refs import OrderRef

if TYPE_CHECKING:
    from core.actors import AnyUser, AuthUser


def credits_for_customer(*, user: "AuthUser") -> QuerySet[StoreCredit]:
    """Every credit of the customer (newest first) with its uses and their orders prefetched."""
    return (
        StoreCredit.objects.filter(customer=user)
        .select_related("return_request")
        .prefetch_related(
            Prefetch("uses", queryset=CreditUse.objects.select_related("order").order_by("created_at", "pk"))
        )
    )


def usable_credits(*, user: "AnyUser | None", now: datetime | None = None) -> list[StoreCredit]:
    """Credits the customer can spend now: balance left and not expired, the soonest to expire first."""
    customer = signed_in(user)
    if customer is None:
        return []
    return list(
        StoreCredit.objects.filter(customer=customer, balance__gt=0, expires_at__gt=now or timezone.now()).order_by(
            "expires_at", "pk"
        )
    )


def credit_to_apply(*, total: Decimal, balance: Decimal | None = None, wanted: Decimal | None = None) -> Decimal:
    """How much of a store credit goes on an order: what the shopper asked for (the whole balance
    when they did not say), never more than the order's total nor than the credit's balance. Where
    the balance is not at hand (placing), spending checks it again under the credit's lock."""
    return min(amount for amount in (wanted, balance, total) if amount is not None)


def credit_spent_on_order(*, order_id: int) -> Decimal:
    """What store credit pays of an order now (spent minus given back)."""
    net = CreditUse.objects.filter(order_id=order_id).aggregate(total=Sum("amount"))["total"] or ZERO
    return -net


def gift_cards_spent_on_order(*, order_id: int) -> Decimal:
    """What gift cards pay of an order now (spent minus given back)."""
    net = GiftCardUse.objects.filter(order_id=order_id).aggregate(total=Sum("amount"))["total"] or ZERO
    return -net


def order_amount_due(order: OrderRef) -> Decimal:
    """What the gateway must charge for an order: its total minus the store credit and the gift
    cards applied (both are means of payment: the receipt still shows the goods' full price)."""
    # One query for both ledgers (payment_start is inside checkout's placement ceiling).
    # No ORDER BY inside the UNION (the models' default ordering): SQLite refuses it.
    uses = (
        CreditUse.objects.filter(order_id=order.pk)
        .order_by()
        .values_list("amount", flat=True)
        .union(GiftCardUse.objects.filter(order_id=order.pk).order_by().values_list("amount", flat=True), all=True)
    )
    return max(order.total + sum(uses, ZERO), ZERO)  # uses that pay are negative


def gift_card_for_code(code: str | None) -> GiftCard | None:
    """The card a (normalised) code names, or None. Callers rate-limit the look-up."""
    return GiftCard.objects.filter(code=code).first() if code else None


def credit_issued_for_order_returns(*, order_id: int, excluding_return_id: int | None = None) -> Decimal:
    """Store credit and gift cards issued for the returns of an order: money that went back without
    a refund."""
    total = ZERO
    for model in (StoreCredit, GiftCard):
        issued = model.objects.filter(return_request__order_id=order_id)
        if excluding_return_id is not None:
            issued = issued.exclude(return_request_id=excluding_return_id)
        total += issued.aggregate(total=Sum("amount"))["total"] or ZERO
    return total
