"""Reads of alerts that the services, the admin and the template tag share."""

from collections.abc import Iterable
from typing import cast

from django.db.models import Count, DecimalField, Min, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from inventory.selectors import availability_by_variant, bundle_availability
from legal.models import Consent, ConsentKind
from legal.selectors import marketing_opted_in
from orders.models import Order

from .models import CartReminder, StockAlert, VariantDemand

WAITING = Q(status=StockAlert.Status.ACTIVE, notified_at__isnull=True)


def units_available(variant_ids: Iterable[int]) -> dict[int, int]:
    """Units for sale now per variant id (a bundle's from its parts), as the cart counts them."""
    ids = list(variant_ids)
    available = availability_by_variant(ids)
    available.update(bundle_availability(ids))
    return available


def waiting_alerts() -> QuerySet[StockAlert]:
    return StockAlert.objects.filter(WAITING)


def variants_waiting_for_stock() -> list[int]:
    """Variants that shoppers wait for (back in stock) and that have units for sale now."""
    ids = list(waiting_alerts().filter(kind=StockAlert.Kind.RESTOCK).values_list("variant_id", flat=True).distinct())
    available = units_available(ids)
    return sorted(variant_id for variant_id in ids if available.get(variant_id, 0) > 0)


def demand_per_variant() -> QuerySet[VariantDemand]:
    """Each variant someone waits for, with how many wait and since when (purchasing's list)."""
    waiting = Q(stock_alerts__status=StockAlert.Status.ACTIVE, stock_alerts__notified_at__isnull=True)
    demand = (
        VariantDemand.objects.select_related("product")
        .annotate(
            waiting=Count("stock_alerts", filter=waiting),
            oldest_request=Min("stock_alerts__created_at", filter=waiting),
            notified=Count("stock_alerts", filter=Q(stock_alerts__notified_at__isnull=False)),
        )
        .filter(waiting__gt=0)
    )
    # The rows are VariantDemand (a proxy); the stubs type the manager it inherits as Variant's.
    return cast(QuerySet[VariantDemand], demand)


def marketing_consented(*, user: User | None = None, email: str = "") -> bool:
    """Whether this customer (or this guest's address) agreed to marketing e-mails: the latest row
    decides, as on the account's privacy page."""
    if user is not None:
        return marketing_opted_in(user=user)
    latest = (
        Consent.objects.filter(user__isnull=True, email__iexact=email, kind=ConsentKind.MARKETING)
        .order_by("-created_at", "-pk")
        .first()
    )
    return bool(latest and latest.granted)


def last_order_id(*, user: User | None = None, email: str = "") -> int:
    """The owner's latest order (a guest's: by e-mail), 0 when none: a cart after it is a new cart."""
    orders = (
        Order.objects.filter(customer=user)
        if user is not None
        else Order.objects.filter(customer__isnull=True, email__iexact=email)
    )
    return orders.order_by("-pk").values_list("pk", flat=True).first() or 0


def reminders_with_sales() -> QuerySet[CartReminder]:
    """Reminders with the sale a recovered cart became: the owner's first order placed after the
    link was used (by account, or by e-mail for a guest)."""
    owner = Q(customer_id=OuterRef("user_id")) | Q(customer__isnull=True, email__iexact=OuterRef("email"))
    sale = Order.objects.filter(owner, placed_at__gte=OuterRef("recovered_at")).order_by("placed_at", "pk")
    return CartReminder.objects.select_related("user").annotate(
        sale_number=Subquery(sale.values("number")[:1]),
        sale_total=Subquery(sale.values("total")[:1], output_field=DecimalField(max_digits=12, decimal_places=2)),
    )
