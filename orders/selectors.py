"""Reads of orders that pages, e-mails and commands share, with their joins already applied."""

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from core.compiled_query import CompiledQuery, InSlot, Slot, prefetched
from promotions import breakdown
from shipping.models import NOT_YET_SHIPPED, Shipment, ShipmentEvent, ShipmentLine

from .models import ZERO, Order, OrderEmail, OrderLine, OrderStatus, OrderStatusChange

# An order's details as its pages show them; each read by a query compiled once per process (Django
# builds and compiles a prefetch's query on every read, about 2 ms each, five of them for an order page).
DETAILS: dict[str, Callable[[], QuerySet[Any]]] = {
    "lines": lambda: OrderLine.objects.order_by("pk"),
    "status_changes": lambda: OrderStatusChange.objects.select_related("actor").order_by("created_at", "pk"),
    "shipments": lambda: Shipment.objects.select_related("warehouse").order_by("pk"),
    "shipment_lines": lambda: ShipmentLine.objects.select_related("order_line", "part__product").order_by(
        "order_line_id", "pk"
    ),
    "shipment_events": lambda: ShipmentEvent.objects.order_by("created_at", "pk"),
}


@functools.cache
def _of_order(name: str) -> CompiledQuery[Any]:
    return CompiledQuery(DETAILS[name]().filter(order_id=Slot("order")))


@functools.cache
def _of_shipments(name: str) -> CompiledQuery[Any]:
    return CompiledQuery(DETAILS[name]().filter(InSlot("shipment_id", "ids")))


def _read_details(order: Order) -> None:
    """The order's lines, history and shipments (each with its lines and events) as Django's prefetches
    leave them: a fixed number of queries however many shipments it has (none for a shipment's lines
    and events when it has no shipment)."""
    lines, changes, shipments = (
        _of_order(name).all(order=order.pk) for name in ("lines", "status_changes", "shipments")
    )
    for row in (*lines, *changes, *shipments):
        row.order = order
    prefetched(order, "lines", lines, DETAILS["lines"]())
    prefetched(order, "status_changes", changes, DETAILS["status_changes"]())
    prefetched(order, "shipments", shipments, DETAILS["shipments"]())
    by_shipment: dict[int, tuple[list[ShipmentLine], list[ShipmentEvent]]] = {
        shipment.pk: ([], []) for shipment in shipments
    }
    if by_shipment:
        shipment_of = {shipment.pk: shipment for shipment in shipments}
        for line in _of_shipments("shipment_lines").all(ids=list(by_shipment)):
            line.shipment = shipment_of[line.shipment_id]
            by_shipment[line.shipment_id][0].append(line)
        for event in _of_shipments("shipment_events").all(ids=list(by_shipment)):
            event.shipment = shipment_of[event.shipment_id]
            by_shipment[event.shipment_id][1].append(event)
    for shipment in shipments:
        shipment_lines, events = by_shipment[shipment.pk]
        prefetched(shipment, "lines", shipment_lines, DETAILS["shipment_lines"]())
        prefetched(shipment, "events", events, DETAILS["shipment_events"]())


def orders_for_customer(*, user: User) -> QuerySet[Order]:
    """The customer's orders, newest first, each with its item count: one query per page."""
    return (
        Order.objects.filter(customer=user)
        .annotate(item_count=Sum("lines__quantity"), line_count=Count("lines"))
        .order_by("-placed_at", "-pk")
    )


def order_detail(*, queryset: QuerySet[Order] | None = None, details: bool = True, **lookup: Any) -> Order:
    """One order with its lines and status history prefetched (`details`; its row alone without), or 404."""
    orders = queryset if queryset is not None else Order.objects.all()
    if not details:
        return get_object_or_404(orders, **lookup)
    order = get_object_or_404(orders.select_related("shipping_method"), **lookup)
    _read_details(order)
    return order


def order_with_details(*, pk: int) -> Order:
    return order_detail(pk=pk)


def order_for_customer(*, user: User, number: str, details: bool = True) -> Order:
    """The user's own order by number; another customer's number is a 404 like a missing one."""
    return order_detail(queryset=Order.objects.filter(customer=user), number=number.strip().upper(), details=details)


def order_for_guest(*, number: str, email: str) -> Order:
    """A guest order by number and e-mail (case-insensitive); any mismatch is the same 404.

    Orders of registered customers are reached only by signing in.
    """
    email = (email or "").strip()
    if not email:
        raise Http404
    return order_detail(
        queryset=Order.objects.filter(customer__isnull=True, email__iexact=email), number=(number or "").strip().upper()
    )


def buyer_has_ordered(*, customer: User | None, email: str, exclude_order_id: int | None = None) -> bool:
    """Whether this customer or e-mail has an order that was not cancelled, one order aside
    (promotions' first-order coupons ask, through promotions.ports.buyer_has_ordered)."""
    buyer = Q(email__iexact=email) if email else Q(pk__in=[])
    if customer is not None:
        buyer |= Q(customer=customer)
    earlier = Order.objects.filter(buyer).exclude(status=OrderStatus.CANCELLED)
    if exclude_order_id:
        earlier = earlier.exclude(pk=exclude_order_id)
    return earlier.exists()


# --- pending work (core.jobs) ------------------------------------------------------------------


def order_emails_overdue(cutoff: datetime) -> QuerySet[OrderEmail]:
    """Order e-mails recorded before `cutoff` and not sent (their task was lost), from the last
    JOBS_MAX_AGE_DAYS only: an e-mail older than that is news nobody wants any more."""
    oldest = timezone.now() - timedelta(days=settings.JOBS_MAX_AGE_DAYS)
    return OrderEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, created_at__gte=oldest)


def orders_paid_without_shipments(cutoff: datetime) -> QuerySet[Order]:
    """Paid orders (before `cutoff`) still waiting for their stock to be taken and their shipments
    created: the stock was not there when the payment arrived. Only orders with goods: an order of
    gift cards only has nothing to ship and is never waiting."""
    return (
        Order.objects.filter(status__in=[OrderStatus.PAID, OrderStatus.PROCESSING], paid_at__lt=cutoff)
        .filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"))))
        .filter(~Exists(Shipment.objects.filter(order=OuterRef("pk"))))
    )


def order_discount_sources(order: Order) -> list[breakdown.DiscountSource]:
    """The order's discount, one line per source, from what its lines keep (promotions.stacking
    step 5): each offer by its name, each kit with its percentage, the coupon by its code, and
    what no source names (a discount given by hand) as "other". They add up to discount_total to
    the cent. Reads order.lines.all(): no query when the lines are prefetched."""
    lines = list(order.lines.all())
    parts = [("offer", breakdown.offer_label(line.automatic_discount_name), line.automatic_discount) for line in lines]
    parts += [
        ("offer", breakdown.quantity_offer_label(line.offer_discount_name), line.offer_discount)
        for line in lines
        if line.offer_discount
    ]
    parts += [
        ("kit", breakdown.kit_label(line.kit_name, line.kit_discount_percent), line.kit_discount) for line in lines
    ]
    parts += [("coupon", breakdown.coupon_label(order.coupon_code), line.coupon_discount) for line in lines]
    named = sum((amount for _kind, _label, amount in parts), ZERO)
    parts.append(("other", breakdown.other_label(), order.discount_total - named))
    return breakdown.discount_sources(parts)


def sold_order(prefix: str = "") -> Q:
    """What makes an order's goods a sale: it was paid and not cancelled afterwards (a cancelled
    order sold nothing). The dashboard's and the sales report's lines (`backoffice.selectors.sold_lines`,
    with prefix "order__") and the order list's sales filter read this one definition."""
    return Q(**{f"{prefix}paid_at__isnull": False}) & ~Q(**{f"{prefix}status": OrderStatus.CANCELLED})


def orders_sold() -> QuerySet[Order]:
    """Orders with goods sold (an order of gift cards only has no goods lines: it sold none)."""
    return Order.objects.filter(sold_order(), Exists(OrderLine.objects.filter(order=OuterRef("pk"))))


def order_numbers(*, order_ids: list[int]) -> dict[int, str]:
    """{id: number} of these orders (inventory.ports.order_numbers): one query, none for no ids."""
    return dict(Order.objects.filter(pk__in=order_ids).values_list("pk", "number"))


def order_legs_to_ship(*, order_id: int) -> list[str]:
    """The legs of an order that have not left the warehouse ("E12"), oldest first: what a refund of
    everything paid would stop (orders.services.order_stop_shipping_for_refund)."""
    return [
        f"E{pk}"
        for pk in Shipment.objects.filter(order_id=order_id, status__in=NOT_YET_SHIPPED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
