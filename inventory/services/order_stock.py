"""Stock for an order's life: sold when it is paid, back on the shelf when a sold order is
cancelled. Both are idempotent (a replayed payment or cancellation changes nothing).

Orders call these (orders.services.order_payment_record / order_cancel); inventory never calls
back into orders: a sale that cannot be made raises, and the caller decides what the order
becomes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import bundles

from ..models import Movement, Reservation, StockLevel
from ..selectors import order_units_out
from ._base import lock_levels, record_movement, units_sold_record
from .reservations import BundleSale, BundleSlot, reservation_convert, reservation_release, stock_reserve


def _still_out(order_id: int) -> dict[tuple[int, int | None], tuple[int, int]]:
    """{(stock level id, bundle variant id or None): (units, bundles)} the order still has out."""
    rows = (
        Movement.objects.filter(reference_type=Movement.Reference.ORDER, reference_id=order_id)
        .order_by()
        .values("stock_level_id", "sold_as_id")
        .annotate(total=Sum("quantity"), bundles=Sum("bundle_units"))
        .values_list("stock_level_id", "sold_as_id", "total", "bundles")
    )
    # Sales are negative and returns positive: what is still out is minus their sum.
    return {(level_id, sold_as): (-total, -bundles) for level_id, sold_as, total, bundles in rows if total < 0}


def _bundle_sale(
    ordered: dict[int, int],
    parts_of: dict[int, list[tuple[int, int]]],
    sold: dict[tuple[int, int | None], tuple[int, int]],
) -> BundleSale | None:
    """What of the order's component units is still to be sold as which bundle (units bought on
    their own first), given what was already sold {(variant id, bundle or None): (units, bundles)}."""
    if not parts_of:
        return None

    def unsold(component_id: int, bundle_id: int | None, units: int) -> int:
        return units - sold.get((component_id, bundle_id), (0, 0))[0]

    slots: dict[int, list[BundleSlot]] = defaultdict(list)
    for component_id in sorted({c for parts in parts_of.values() for c, _per in parts}):
        if component_id in ordered:
            slots[component_id].append(BundleSlot(None, unsold(component_id, None, ordered[component_id])))
    for bundle_id, parts in sorted(parts_of.items()):
        for component_id, per in parts:
            slots[component_id].append(BundleSlot(bundle_id, unsold(component_id, bundle_id, per * ordered[bundle_id])))
    bundles_sold: dict[int, int] = defaultdict(int)
    for (_variant_id, sold_as), (_units, bundle_count) in sold.items():
        if sold_as:
            bundles_sold[sold_as] += bundle_count
    return BundleSale(slots=dict(slots), bundles={b: ordered[b] - bundles_sold[b] for b in parts_of})


@dataclass(frozen=True)
class OrderStockSale:
    """What a sale did: the new movements (none on a replay) and every unit of the order that
    is out of the stock now, per (warehouse id, variant id, bundle part id or None), which is
    what its shipments carry (inventory.selectors.order_units_out)."""

    movements: list[Movement] = field(default_factory=list)
    units_out: dict[tuple[int, int, int | None], int] = field(default_factory=dict)

    def by_warehouse(self) -> dict[int, dict[tuple[int, int | None], int]]:
        """{warehouse id: {(variant id, part id or None): units}}."""
        grouped: dict[int, dict[tuple[int, int | None], int]] = defaultdict(dict)
        for (warehouse_id, variant_id, part_id), units in self.units_out.items():
            grouped[warehouse_id][(variant_id, part_id)] = units
        return dict(grouped)


def order_stock_sell(*, order_id: int, lines: dict[int, int], actor: User | None = None) -> OrderStockSale:
    """The order was paid: its units leave the stock. Held units are converted; a line whose
    hold lapsed is held again first, if the units are still free. Raises InsufficientStock
    (writing nothing) when some cannot be had: the caller flags the order for staff.
    Returns the movements and the warehouses the units were sold from."""
    now = timezone.now()
    parts_of = bundles.components_of(lines)
    ordered, lines = lines, bundles.expand(lines, parts_of)  # a bundle's units are its components'
    with transaction.atomic():
        sold_as: dict[tuple[int, int | None], tuple[int, int]] = {}
        for variant_id, bundle_id, quantity, bundle_units in Movement.objects.filter(
            reference_type=Movement.Reference.ORDER, reference_id=order_id, kind=Movement.Kind.SALE
        ).values_list("stock_level__variant_id", "sold_as_id", "quantity", "bundle_units"):
            units, bundle_count = sold_as.get((variant_id, bundle_id), (0, 0))
            sold_as[(variant_id, bundle_id)] = (units - quantity, bundle_count - bundle_units)
        sold: dict[int, int] = defaultdict(int)
        for (variant_id, _bundle_id), (units, _bundles) in sold_as.items():
            sold[variant_id] += units
        held: dict[int, int] = defaultdict(int)
        for variant_id, quantity in (
            Reservation.objects.active(now).filter(order_id=order_id).values_list("stock_level__variant_id", "quantity")
        ):
            held[variant_id] += quantity
        missing = {vid: qty - sold[vid] - held[vid] for vid, qty in lines.items() if qty - sold[vid] - held[vid] > 0}
        if missing:
            # Lapsed holds are given back before the units are taken again for the order.
            Reservation.objects.filter(order_id=order_id, status=Reservation.Status.ACTIVE, expires_at__lte=now).update(
                status=Reservation.Status.RELEASED, closed_at=now
            )
            stock_reserve(lines=missing, order_id=order_id, may_hold_bundles=False)  # expanded above
        movements = (
            reservation_convert(
                order_id=order_id,
                actor=actor,
                bundle_sale=_bundle_sale(ordered, parts_of, sold_as),
            )
            if (missing or held)
            else []
        )
        return OrderStockSale(movements=movements, units_out=order_units_out(order_id))


def order_stock_restore(*, order_id: int, actor: User | None = None) -> list[Movement]:
    """A cancelled order gives back what it held, and its sold units return to the stock
    levels they left (a return movement each)."""
    reservation_release(order_id=order_id)
    with transaction.atomic():
        out = _still_out(order_id)
        if not out:
            return []
        levels = {level.pk: level for level in lock_levels(pk__in=sorted({level_id for level_id, _bundle in out}))}
        out = _still_out(order_id)  # again, under the locks
        reason = _("Order cancelled")
        movements = [
            record_movement(
                levels[level_id],
                Movement.Kind.RETURN,
                units,
                actor=actor,
                reason=reason,
                reference_type=Movement.Reference.ORDER,
                reference_id=order_id,
                sold_as_id=bundle_id,
                bundle_units=bundles,
            )
            for (level_id, bundle_id), (units, bundles) in sorted(out.items(), key=lambda i: (i[0][0], i[0][1] or 0))
            if level_id in levels
        ]
        units_sold_record(movements)
        return movements


def order_stock_restore_units(
    *, order_id: int, units: dict[tuple[int, int, int | None], int], actor: User | None = None, reason: str
) -> list[Movement]:
    """Some of a paid order's units will not ship (their legs were stopped): they go back to the
    stock levels they left, a return movement each, never more than the order still has out.
    `units` is shaped as the shipments carry them ({(warehouse id, variant id, bundle part id or
    None): units}, inventory.selectors.order_units_out): a whole bundle gives back its components."""
    parts_of = bundles.components_of({variant_id for (_w, variant_id, part_id), _n in units.items() if part_id is None})
    wanted: dict[tuple[int, int, int | None], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (warehouse_id, variant_id, part_id), count in units.items():
        if count <= 0:
            continue
        if part_id is not None:  # one component of a bundle split across warehouses
            got, whole = wanted[(warehouse_id, part_id, variant_id)]
            wanted[(warehouse_id, part_id, variant_id)] = (got + count, whole)
        elif variant_id in parts_of:  # whole bundles: their components, the first one carrying the count
            for index, (component_id, per) in enumerate(parts_of[variant_id]):
                got, whole = wanted[(warehouse_id, component_id, variant_id)]
                wanted[(warehouse_id, component_id, variant_id)] = (
                    got + count * per,
                    whole + (count if index == 0 else 0),
                )
        else:
            got, whole = wanted[(warehouse_id, variant_id, None)]
            wanted[(warehouse_id, variant_id, None)] = (got + count, whole)
    if not wanted:
        return []
    with transaction.atomic():
        pairs = Q()
        for warehouse_id, variant_id in {(w, v) for w, v, _b in wanted}:
            pairs |= Q(warehouse_id=warehouse_id, variant_id=variant_id)
        level_ids = list(StockLevel.objects.filter(pairs).values_list("pk", flat=True))
        levels = {(level.warehouse_id, level.variant_id): level for level in lock_levels(pk__in=level_ids)}  # pk order
        out = _still_out(order_id)  # under the locks
        movements = []
        for (warehouse_id, variant_id, bundle_id), (count, whole) in sorted(
            wanted.items(), key=lambda i: (i[0][0], i[0][1], i[0][2] or 0)
        ):
            level = levels.get((warehouse_id, variant_id))
            still_out, bundles_out = out.get((level.pk, bundle_id), (0, 0)) if level else (0, 0)
            count = min(count, still_out)
            if count <= 0 or level is None:  # no level: nothing is out there (still_out is 0)
                continue
            movements.append(
                record_movement(
                    level,
                    Movement.Kind.RETURN,
                    count,
                    actor=actor,
                    reason=reason,
                    reference_type=Movement.Reference.ORDER,
                    reference_id=order_id,
                    sold_as_id=bundle_id,
                    bundle_units=min(whole, bundles_out),
                )
            )
        units_sold_record(movements)
        return movements
