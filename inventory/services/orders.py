"""Stock for an order's life: sold when it is paid, back on the shelf when a sold order is
cancelled. Both are idempotent (a replayed payment or cancellation changes nothing).

Orders call these (orders.services.order_mark_paid / order_cancel); inventory never calls
back into orders: a sale that cannot be made raises, and the caller decides what the order
becomes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import bundles

from ..models import Movement, Reservation
from ..selectors import order_units_out
from ._base import lock_levels, record_movement, units_sold_record
from .reservations import reservation_convert, reservation_release, stock_reserve


def _sold_by_level(order_id: int) -> dict[int, int]:
    rows = (
        Movement.objects.filter(reference_type=Movement.Reference.ORDER, reference_id=order_id)
        .order_by().values("stock_level_id").annotate(total=Sum("quantity")).values_list("stock_level_id", "total")
    )
    # Sales are negative and returns positive: what is still out is minus their sum.
    return {level_id: -total for level_id, total in rows if total < 0}


@dataclass(frozen=True)
class OrderStockSale:
    """What a sale did: the new movements (none on a replay) and every unit of the order that
    is out of the stock now, per (warehouse id, variant id), which is what its shipments carry."""

    movements: list[Movement] = field(default_factory=list)
    units_out: dict[tuple[int, int], int] = field(default_factory=dict)

    def by_warehouse(self) -> dict[int, dict[int, int]]:
        """{warehouse id: {variant id: units}}."""
        grouped: dict[int, dict[int, int]] = defaultdict(dict)
        for (warehouse_id, variant_id), units in self.units_out.items():
            grouped[warehouse_id][variant_id] = units
        return dict(grouped)


def order_stock_sell(*, order_id: int, lines: dict[int, int], actor=None) -> OrderStockSale:
    """The order was paid: its units leave the stock. Held units are converted; a line whose
    hold lapsed is held again first, if the units are still free. Raises InsufficientStock
    (writing nothing) when some cannot be had: the caller flags the order for staff.
    Returns the movements and the warehouses the units were sold from."""
    now = timezone.now()
    ordered, lines = lines, bundles.expand(lines)  # a bundle's units are its components'
    with transaction.atomic():
        sold: dict[int, int] = defaultdict(int)
        for variant_id, quantity in (
            Movement.objects.filter(reference_type=Movement.Reference.ORDER, reference_id=order_id,
                                    kind=Movement.Kind.SALE)
            .values_list("stock_level__variant_id", "quantity")
        ):
            sold[variant_id] -= quantity
        held: dict[int, int] = defaultdict(int)
        for variant_id, quantity in Reservation.objects.active(now).filter(order_id=order_id).values_list(
            "stock_level__variant_id", "quantity"
        ):
            held[variant_id] += quantity
        missing = {vid: qty - sold[vid] - held[vid] for vid, qty in lines.items() if qty - sold[vid] - held[vid] > 0}
        if missing:
            # Lapsed holds are given back before the units are taken again for the order.
            Reservation.objects.filter(order_id=order_id, status=Reservation.Status.ACTIVE,
                                       expires_at__lte=now).update(status=Reservation.Status.RELEASED, closed_at=now)
            stock_reserve(lines=missing, order_id=order_id, may_hold_bundles=False)  # expanded above
        movements = reservation_convert(order_id=order_id, actor=actor) if (missing or held) else []
        return OrderStockSale(movements=movements, units_out=order_units_out(order_id, lines=ordered))


def order_stock_restore(*, order_id: int, actor=None) -> list[Movement]:
    """A cancelled order gives back what it held, and its sold units return to the stock
    levels they left (a return movement each)."""
    reservation_release(order_id=order_id)
    with transaction.atomic():
        out = _sold_by_level(order_id)
        if not out:
            return []
        levels = lock_levels(pk__in=list(out))
        out = _sold_by_level(order_id)  # again, under the locks
        reason = _("Order cancelled")
        movements = [
            record_movement(level, Movement.Kind.RETURN, out[level.pk], actor=actor, reason=reason,
                            reference_type=Movement.Reference.ORDER, reference_id=order_id)
            for level in levels if out.get(level.pk, 0) > 0
        ]
        units_sold_record({movement.stock_level_id: -movement.quantity for movement in movements})
        return movements
