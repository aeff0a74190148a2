"""What shipping costs and when it arrives, for an address, a parcel weight and a subtotal.

An address is given by its INEI department and province codes (`Address.department`,
`Address.province_code`). For each active method, the rates whose band takes the weight and
whose zone covers the address are found in one query; the most specific zone wins
(Lima Metropolitana, then a set of departments, then provinces; see `ShippingZone`), and of
two rates in equally specific zones the cheaper one. A method is free when the subtotal
(IGV included) reaches its threshold, or, for a home delivery without one, the store's
(the FREE_SHIPPING_THRESHOLD site setting, 0: none). Dates count business days from today (Lima time).
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo
from accounts.models import Address, User
from core.compiled_query import CompiledQuery, Slot
from core.site_settings import site_setting
from inventory.models import Warehouse

from .calendar import add_business_days
from .exceptions import NO_METHOD_SERVES, ShippingUnavailable
from .models import ZERO, Shipment, ShippingMethod, ShippingRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ShippingOption:
    """One way to ship this order, as checkout shows it and the order records it."""

    method_id: int
    code: str
    name: str
    carrier: str  # a shipping.models.Carrier value
    description: str
    zone: str
    price: Decimal  # what the shopper pays, IGV included: 0.00 when free
    regular_price: Decimal  # the rate's price before the free-shipping threshold
    is_free: bool
    is_pickup: bool  # the dates are then when the order is ready at the store
    delivery_from: date
    delivery_to: date

    @property
    def sort_key(self) -> tuple[Decimal, date, date, str]:
        return (self.price, self.delivery_to, self.delivery_from, self.name)


def _money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_inputs(*, weight_kg: Decimal, subtotal: Decimal) -> None:
    if weight_kg < 0:
        raise ValueError(f"weight_kg must not be negative: {weight_kg}")
    if subtotal < 0:
        raise ValueError(f"subtotal must not be negative: {subtotal}")


def _address_is_known(department: str, province: str) -> bool:
    return ubigeo.is_province_of(province, department)


@functools.cache
def _rates_taking(*, of_one_method: bool) -> CompiledQuery[ShippingRate]:
    """_matching_rates' query, compiled once per process: building it cost about as much Python as the
    whole delivery step's other reads (3 % of the server's CPU under the 200 shoppers' bench)."""
    rates = ShippingRate.objects.taking(Slot("weight")).filter(method__is_active=True).select_related("method", "zone")
    if of_one_method:
        rates = rates.filter(method_id=Slot("method"))
    return CompiledQuery(rates)


def _matching_rates(
    *, department: str, province: str, weight_kg: Decimal, method_id: int | None = None
) -> list[ShippingRate]:
    """The active methods' rates whose band takes the weight; one query, zones joined."""
    rates = _rates_taking(of_one_method=method_id is not None).all(weight=weight_kg, method=method_id)
    return [rate for rate in rates if rate.zone.covers(department=department, province=province)]


def _best_rate_per_method(rates: Iterable[ShippingRate]) -> dict[int, ShippingRate]:
    best: dict[int, ShippingRate] = {}
    for rate in rates:
        current = best.get(rate.method_id)
        if current is None or (-rate.zone.specificity, rate.price) < (-current.zone.specificity, current.price):
            best[rate.method_id] = rate
    return best


def free_shipping_threshold(method: ShippingMethod) -> Decimal | None:
    """The subtotal from which the method is free: its own threshold, else the store's for a
    home delivery (None: never free by amount)."""
    if method.free_shipping_threshold is not None:
        return method.free_shipping_threshold
    store_threshold = Decimal(site_setting("FREE_SHIPPING_THRESHOLD") or 0)
    return store_threshold if store_threshold > 0 and not method.is_pickup else None


def _option(rate: ShippingRate, *, subtotal: Decimal, today: date) -> ShippingOption:
    method = rate.method
    threshold = free_shipping_threshold(method)
    regular_price = _money(rate.price)
    is_free = regular_price == ZERO or (threshold is not None and subtotal >= threshold)
    return ShippingOption(
        method_id=method.pk,
        code=method.code,
        name=method.name,
        carrier=method.carrier,
        description=method.description,
        zone=rate.zone.name,
        price=ZERO if is_free else regular_price,
        regular_price=regular_price,
        is_free=is_free,
        is_pickup=method.is_pickup,
        delivery_from=add_business_days(today, method.min_days),
        delivery_to=add_business_days(today, method.max_days),
    )


def shipping_options(
    *, department: str, province: str, weight_kg: Decimal, subtotal: Decimal, today: date | None = None
) -> list[ShippingOption]:
    """Every active method that serves the address and weight, cheapest first, then fastest.

    `department` is the 2-digit and `province` the 4-digit INEI code. An empty list means no
    method serves this address and weight (say `no_method_message()`); an address whose
    province is not of its department gets an empty list too. One query, whatever the
    number of methods and rates.
    """
    _check_inputs(weight_kg=weight_kg, subtotal=subtotal)
    if not _address_is_known(department, province):
        return []
    rates = _matching_rates(department=department, province=province, weight_kg=weight_kg)
    return offered_options(rates, weight_kg=weight_kg, subtotal=subtotal, today=today)


def offered_options(
    rates: Iterable[ShippingRate], *, weight_kg: Decimal, subtotal: Decimal, today: date | None = None
) -> list[ShippingOption]:
    """The one rule of what is offered, from the active rates whose zone covers a place: each
    method's best rate that takes the weight, priced for the subtotal, cheapest first. Checkout
    (shipping_options) and the estimates before it (shipping.estimates) both ask it."""
    today = today or timezone.localdate()
    taking = [rate for rate in rates if rate.takes(weight_kg)]
    options = [_option(rate, subtotal=subtotal, today=today) for rate in _best_rate_per_method(taking).values()]
    return sorted(options, key=lambda option: option.sort_key)


def shipping_options_for_address(
    *, address: Address, weight_kg: Decimal, subtotal: Decimal, today: date | None = None
) -> list[ShippingOption]:
    """shipping_options() for a saved `accounts.Address` (empty for a row without ubigeo)."""
    return shipping_options(
        department=address.department,
        province=address.province_code,
        weight_kg=weight_kg,
        subtotal=subtotal,
        today=today,
    )


def no_method_message(*, department: str, province: str) -> str:
    """What to tell the shopper when shipping_options() is empty for this address."""
    place = ubigeo.province(province) if _address_is_known(department, province) else None
    department_place = ubigeo.department(department)
    if place and department_place:
        same = place.name == department_place.name
        where = place.name if same else f"{place.name} ({department_place.name})"
    else:
        where = str(_("this address"))
    return str(NO_METHOD_SERVES) % {"place": where}


def shipping_quote(
    *,
    method_id: int,
    department: str,
    province: str,
    weight_kg: Decimal,
    subtotal: Decimal,
    today: date | None = None,
) -> ShippingOption:
    """The option of one method (the shopper's choice at checkout), recomputed server-side.

    Raises ShippingUnavailable when the method is unknown or inactive (a tampered id), or
    does not serve this address or this weight.
    """
    _check_inputs(weight_kg=weight_kg, subtotal=subtotal)
    try:
        method_id = int(method_id)
    except (TypeError, ValueError):
        raise ShippingUnavailable(code="unknown_method") from None
    if not _address_is_known(department, province):
        raise ShippingUnavailable(
            _("Choose the province and district of the address again before choosing how to ship."),
            code="bad_address",
        )
    today = today or timezone.localdate()
    rates = _matching_rates(department=department, province=province, weight_kg=weight_kg, method_id=method_id)
    best = _best_rate_per_method(rates).get(method_id)
    if best is not None:
        return _option(best, subtotal=subtotal, today=today)

    method = ShippingMethod.objects.filter(pk=method_id, is_active=True).prefetch_related("rates__zone").first()
    if method is None:
        raise ShippingUnavailable(code="unknown_method")
    served_zones = [rate for rate in method.rates.all() if rate.zone.covers(department=department, province=province)]
    if served_zones:
        raise ShippingUnavailable(
            _("%(method)s does not take parcels of %(weight)s kg. Choose another shipping method."),
            code="too_heavy",
            method=method.name,
            weight=f"{weight_kg.normalize():f}",
        )
    raise ShippingUnavailable(
        _("%(method)s does not deliver to %(place)s. Choose another shipping method."),
        code="not_served",
        method=method.name,
        place=_province_name(province),
    )


def _province_name(code: str) -> str:
    """A known province's name (checked before asking; the code itself otherwise)."""
    place = ubigeo.province(code)
    return place.name if place is not None else code


# --- shipments -------------------------------------------------------------------------------


def assigned_warehouse_ids(*, user: User) -> list[int]:
    """The warehouses an operator is assigned to (empty: not limited)."""
    from .models import WarehouseOperator

    return list(WarehouseOperator.objects.filter(user=user).values_list("warehouse_id", flat=True))


def shipments_for_slips(*, queryset: QuerySet[Shipment]) -> list[Shipment]:
    """Legs with what a packing slip prints: order, warehouse, lines; fixed number of queries."""
    from django.db.models import Prefetch

    from .models import ShipmentLine

    shipments = list(
        queryset.select_related("order", "warehouse", "method")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ShipmentLine.objects.select_related("order_line", "part__product").order_by(
                    "order_line_id", "pk"
                ),
            )
        )
        .order_by("warehouse__code", "pk")
    )
    bins = bin_locations(shipments=shipments)
    for shipment in shipments:
        for item in shipment.lines.all():
            item.bin_location = bins.get((shipment.warehouse_id, item.variant_id), "")
    return shipments


def bin_locations(*, shipments: Iterable[Shipment]) -> dict[tuple[int, int], str]:
    """{(warehouse id, variant id): bin location} for the lines of these legs, in one query."""
    from inventory.models import StockLevel

    from .models import ShipmentLine

    pairs = {
        (warehouse_id, part_id or variant_id)
        for warehouse_id, variant_id, part_id in ShipmentLine.objects.filter(
            shipment__in=[s.pk for s in shipments]
        ).values_list("shipment__warehouse_id", "order_line__variant_id", "part_id")
    }
    if not pairs:
        return {}
    levels = StockLevel.objects.filter(
        warehouse_id__in={w for w, _ in pairs}, variant_id__in={v for _, v in pairs}
    ).values_list("warehouse_id", "variant_id", "bin_location")
    return {(w, v): bin_location for w, v, bin_location in levels if bin_location}


@dataclass(frozen=True)
class PickingRow:
    sku: str
    product: str
    options: str
    bin_location: str
    units: int
    legs: int


def picking_list(*, warehouse: Warehouse, queryset: QuerySet[Shipment] | None = None) -> list[PickingRow]:
    """What to take off the shelves of one warehouse for its legs not packed yet: units per SKU,
    sorted by bin location so the picker walks the aisles once."""
    from django.db.models import Count

    from inventory.models import StockLevel

    from .models import Shipment, ShipmentLine, ShipmentStatus

    legs = (queryset if queryset is not None else Shipment.objects.all()).filter(
        warehouse=warehouse, status=ShipmentStatus.PENDING
    )
    grouped = (
        ShipmentLine.objects.filter(shipment__in=legs.values("pk"))
        .values(
            "order_line__variant_id",
            "order_line__sku",
            "order_line__product_name",
            "order_line__options",
            "part_id",
            "part__sku",
            "part__product__name",
        )
        .annotate(units=Sum("quantity"), legs=Count("shipment", distinct=True))
        .order_by()
    )
    rows = list(grouped)
    for row in rows:  # a bundle's part is picked as itself
        if row["part_id"]:
            row.update(
                {
                    "order_line__variant_id": row["part_id"],
                    "order_line__sku": row["part__sku"],
                    "order_line__product_name": row["part__product__name"],
                    "order_line__options": "",
                }
            )
    bins = dict(
        StockLevel.objects.filter(
            warehouse=warehouse, variant_id__in=[row["order_line__variant_id"] for row in rows]
        ).values_list("variant_id", "bin_location")
    )
    picking = [
        PickingRow(
            sku=row["order_line__sku"],
            product=row["order_line__product_name"],
            options=row["order_line__options"],
            bin_location=bins.get(row["order_line__variant_id"], "") or "",
            units=row["units"],
            legs=row["legs"],
        )
        for row in rows
    ]
    return sorted(picking, key=lambda row: (row.bin_location == "", row.bin_location, row.sku))


def shipments_due(
    *, warehouse_code: str | None = None, overdue_only: bool = False, today: date | None = None
) -> QuerySet[Shipment]:
    """Legs not shipped yet (pending or packed) with their promise date, oldest promise first;
    overdue_only keeps those past their ship-by date."""
    from .models import NOT_YET_SHIPPED, Shipment

    today = today or timezone.localdate()
    queryset = (
        Shipment.objects.filter(status__in=NOT_YET_SHIPPED)
        .select_related("order", "warehouse")
        .annotate(unit_count=Sum("lines__quantity"))
        .order_by("ship_by", "pk")
    )
    if warehouse_code:
        queryset = queryset.filter(warehouse__code__iexact=warehouse_code)
    if overdue_only:
        queryset = queryset.filter(ship_by__lt=today)
    return queryset


def legs_shipped_on_time(*, seller_id: int | None = None, since: date, until: date) -> tuple[int, int]:
    """(legs shipped within their promised business days, legs due in the period) for seller
    reputation: a leg is due in the period when its ship-by date falls in [since, until]
    (dates, Lima); it counts as on time when it left the warehouse by the end of that day.
    seller_id limits to the legs of that seller's warehouses; cancelled legs never count."""
    from .models import Shipment, ShipmentStatus

    legs = Shipment.objects.filter(ship_by__gte=since, ship_by__lte=until).exclude(status=ShipmentStatus.CANCELLED)
    if seller_id is not None:
        legs = legs.filter(warehouse__seller_id=seller_id)
    # shipped_at__date is the Lima date (USE_TZ with the current time zone), on both databases.
    counts = legs.order_by().aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(shipped_at__isnull=False, shipped_at__date__lte=F("ship_by")))
    )
    return counts["on_time"], counts["total"]


def delivered_quantities(*, order_id: int) -> dict[int, int]:
    """Units delivered per order line of an order ({order line id: units}), for returns. A bundle
    shipped as parts from several warehouses counts the bundles whose every part was delivered."""
    from catalog.bundles import components_of, whole_bundles

    from .models import ShipmentLine, ShipmentStatus

    rows = (
        ShipmentLine.objects.filter(shipment__order_id=order_id, shipment__status=ShipmentStatus.DELIVERED)
        .values("order_line_id", "order_line__variant_id", "part_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "order_line__variant_id", "part_id", "units")
        .order_by()
    )
    delivered: dict[int, int] = {}
    parts_delivered: dict[tuple[int, int], dict[int, int]] = {}
    for line_id, variant_id, part_id, units in rows:
        if part_id is None:
            delivered[line_id] = delivered.get(line_id, 0) + units
        else:
            parts_delivered.setdefault((line_id, variant_id), {})[part_id] = units
    if parts_delivered:
        parts_of = components_of({variant_id for _line, variant_id in parts_delivered})
        for (line_id, variant_id), units in parts_delivered.items():
            bundles = whole_bundles(units, parts_of.get(variant_id, []))
            if bundles:
                delivered[line_id] = delivered.get(line_id, 0) + bundles
    return delivered
