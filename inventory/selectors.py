"""Reads of stock that pages, the admin and commands share.

Available = on hand − units of active, unexpired reservations, never below zero, summed
over active warehouses. Expired reservations never count, whether or not the expiry task
has released them yet.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from core.compiled_query import CompiledQuery, InSlot
from core.query_moment import QueryMoment, at_moment

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .models import (
    Availability,
    Movement,
    Reservation,
    ReservationQuerySet,
    StockLevel,
    StockLevelQuerySet,
    Warehouse,
    reserved_subquery,
)


def stock_levels(
    *,
    warehouse_code: str | None = None,
    below_minimum: bool = False,
    out_of_stock: bool = False,
    warehouses: Iterable[Warehouse] | None = None,
    now: datetime | None = None,
) -> "QuerySet[WithAnnotations[StockLevel, Availability]]":
    """Stock levels with variant and warehouse loaded and reserved_units / available_units annotated,
    ordered by SKU then warehouse priority."""
    queryset = StockLevel.objects.select_related("variant", "warehouse").with_availability(now)
    if warehouse_code:
        queryset = queryset.filter(warehouse__code=warehouse_code)
    if warehouses is not None:
        queryset = queryset.filter(warehouse__in=warehouses)
    if below_minimum:
        queryset = queryset.filter(available_units__lte=F("minimum"))
    if out_of_stock:
        queryset = queryset.filter(available_units=0)
    return queryset.order_by("variant__sku", "warehouse__priority", "warehouse__code")


@functools.cache
def _availability_rows() -> CompiledQuery[StockLevel]:
    """availability_by_variant's query, compiled once per process: building it (a correlated subquery
    of the holds) cost about 1 ms of Python a call against 0.05 ms for the database to answer."""
    rows = (
        StockLevel.objects.filter(InSlot("variant_id", "ids"), warehouse__is_active=True)
        .annotate(reserved_units=reserved_subquery(now=QueryMoment()))
        .order_by()
        .values("variant_id")
        .annotate(units_available=Sum(Greatest(F("on_hand") - F("reserved_units"), Value(0))))
        .values_list("variant_id", "units_available")
    )
    # A values_list query: CompiledQuery reads its tuples, which its model-typed signature cannot say.
    return CompiledQuery(cast("QuerySet[StockLevel]", rows))


def availability_by_variant(variant_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, int]:
    """{variant id: units available over active warehouses} in one query, whatever the number of
    ids. Every asked id is in the result (0 when it has no stock)."""
    ids = list(dict.fromkeys(int(pk) for pk in variant_ids))
    if not ids:
        return {}
    with at_moment(now or timezone.now()):
        # The rows of its values_list: (variant id, units available).
        rows = cast("list[tuple[int, int | None]]", _availability_rows().all(ids=ids))
    result = dict.fromkeys(ids, 0)
    result.update({variant_id: available or 0 for variant_id, available in rows})
    return result


def variant_available(variant_id: int) -> int:
    return availability_by_variant([variant_id])[variant_id]


def _in_stock_levels(now: datetime | None = None) -> StockLevelQuerySet:
    return StockLevel.objects.filter(warehouse__is_active=True, on_hand__gt=0).filter(
        on_hand__gt=reserved_subquery(stock_level_ref=OuterRef("pk"), now=now)
    )


def variant_in_stock(*, variant_ref: OuterRef = OuterRef("pk"), now: datetime | None = None) -> Exists:
    """Exists(...) true when the variant has at least one available unit in an active warehouse.

    Use on a Variant queryset: ``Variant.objects.filter(variant_in_stock())``. Per variant it reads
    the (variant, warehouse) unique index and, only for levels with stock on hand, the partial
    index of active reservations.
    """
    return Exists(_in_stock_levels(now).filter(variant_id=variant_ref))


def product_in_stock(*, product_ref: OuterRef = OuterRef("pk"), now: datetime | None = None) -> Q:
    """True when any active variant of the product has an available unit, or, for a bundle
    (which holds no stock of its own), when each of its components has one: add to cart then
    checks the full quantities.

    For the storefront's "in stock" facet: ``Product.objects.visible().filter(product_in_stock())``.
    It is a semi-join per product (variants by product index → stock levels by variant index →
    reservations of those levels by the partial active index), so it costs in proportion to the
    products on the page being filtered, not to the size of the stock tables.
    """
    from catalog.models import BundleComponent

    own_stock = Exists(_in_stock_levels(now).filter(variant__product_id=product_ref, variant__is_active=True))
    parts = BundleComponent.objects.filter(bundle_id=product_ref)
    short_part = parts.filter(
        Q(component__is_active=False) | ~Exists(_in_stock_levels(now).filter(variant_id=OuterRef("component_id")))
    )
    return Q(own_stock) | (Q(Exists(parts)) & ~Q(Exists(short_part)))


class VariantIdRow(TypedDict):
    variant_id: int


def in_stock_variant_ids_subquery(*, now: datetime | None = None) -> QuerySet[StockLevel, VariantIdRow]:
    """A values('variant_id') queryset of variants with available stock, for ``variant_id__in=`` /
    ``pk__in=`` filters where an Exists does not fit."""
    return _in_stock_levels(now).values("variant_id")


def low_stock_levels(*, now: datetime | None = None) -> "QuerySet[WithAnnotations[StockLevel, Availability]]":
    """Stock levels at or below their minimum (what the alert and the admin filter show)."""
    return stock_levels(below_minimum=True, now=now)


def reservations_held(
    *, cart_key: str | None = None, order_id: int | None = None, now: datetime | None = None
) -> ReservationQuerySet:
    """Active unexpired reservations of a cart or an order, with variant and warehouse loaded."""
    condition = Q(pk__in=[])
    if cart_key:
        condition |= Q(cart_key=cart_key)
    if order_id:
        condition |= Q(order_id=order_id)
    return (
        Reservation.objects.active(now)
        .filter(condition)
        .select_related("stock_level__variant", "stock_level__warehouse")
        .order_by("pk")
    )


def warehouse_staff_emails() -> list[str]:
    """Addresses of active users in the warehouse operator group (low-stock alerts)."""
    from accounts.models import User
    from accounts.roles import Role

    return list(
        User.objects.filter(is_active=True, groups__name=Role.WAREHOUSE_OPERATOR)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def order_units_out(order_id: int) -> dict[tuple[int, int, int | None], int]:
    """Units of an order that have left the stock and not come back (its sale movements minus
    its return movements), as its shipments carry them, warehouse by warehouse:
    {(warehouse id, variant id, part id or None): units}.

    Units sold on their own are (warehouse, variant, None). A bundle sold (Movement.sold_as) is
    (warehouse, bundle variant, None) for the whole bundles whose components all left that
    warehouse, and (warehouse, bundle variant, component variant), in component units, for the
    parts of a bundle whose other parts left another warehouse: each warehouse packs what it holds."""
    from catalog.bundles import components_of, whole_bundles

    from .models import Movement

    rows = (
        Movement.objects.filter(reference_type=Movement.Reference.ORDER, reference_id=order_id)
        .order_by()
        .values("stock_level__warehouse_id", "stock_level__variant_id", "sold_as_id")
        .annotate(total=Sum("quantity"))
        .values_list("stock_level__warehouse_id", "stock_level__variant_id", "sold_as_id", "total")
    )
    out: dict[tuple[int, int, int | None], int] = {}
    bundled: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for warehouse_id, variant_id, bundle_id, total in rows:
        if total >= 0:
            continue
        if bundle_id is None:
            out[(warehouse_id, variant_id, None)] = -total
        else:
            bundled[(warehouse_id, bundle_id)][variant_id] = -total
    parts_of = components_of({bundle_id for _warehouse, bundle_id in bundled}) if bundled else {}
    for (warehouse_id, bundle_id), units in sorted(bundled.items()):
        parts = parts_of.get(bundle_id, [])
        whole = whole_bundles(units, parts)
        if whole:
            out[(warehouse_id, bundle_id, None)] = whole
        per_bundle = dict(parts)
        for component_id, component_units in sorted(units.items()):
            rest = component_units - whole * per_bundle.get(component_id, 0)
            if rest > 0:
                out[(warehouse_id, bundle_id, component_id)] = rest
    return out


def bundle_availability(variant_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, int]:
    """{bundle variant id: whole bundles available} for the ids that are bundles: the minimum over
    its components of their available units ÷ units per bundle (two queries)."""
    from catalog.bundles import components_of, whole_bundles

    parts_of = components_of(variant_ids)
    if not parts_of:
        return {}
    available = availability_by_variant({c for parts in parts_of.values() for c, _ in parts}, now=now)
    return {bundle_id: whole_bundles(available, parts) for bundle_id, parts in parts_of.items()}


def units_sold_by_product() -> dict[int, int]:
    """{product id: units sold} from the ledger: sale movements out, minus what came back from
    orders (cancellations) and customer returns. Products with no sale are left out.

    A bundle counts the bundles sold (the bundle_units of the movements sold as it), and a
    component only the units sold on their own (the rule of inventory.services._base.units_sold_record)."""
    sold = Movement.objects.filter(
        Q(kind=Movement.Kind.SALE)
        | Q(kind=Movement.Kind.RETURN, reference_type__in=(Movement.Reference.ORDER, Movement.Reference.RETURN))
    ).order_by()
    direct = (
        sold.filter(sold_as__isnull=True)
        .values("stock_level__variant__product_id")
        .annotate(net=Sum("quantity"))
        .values_list("stock_level__variant__product_id", "net")
    )
    bundled = (
        sold.filter(sold_as__isnull=False)
        .values("sold_as__product_id")
        .annotate(net=Sum("bundle_units"))
        .values_list("sold_as__product_id", "net")
    )
    net: dict[int, int] = defaultdict(int)
    for product_id, units in [*direct, *bundled]:
        net[product_id] += units
    return {product_id: max(-units, 0) for product_id, units in net.items()}
