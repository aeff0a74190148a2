"""Stock for an order's life: sold when it is paid, back on the shelf when a sold order is
cancelled. Both are idempotent (a replayed payment or cancellation changes nothing)."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Movement, Reservation
from ._base import lock_levels, record_movement
from .reservations import reservation_convert, reservation_release, stock_reserve


def _sold_by_level(order_id: int) -> dict[int, int]:
    rows = (
        Movement.objects.filter(reference_type=Movement.Reference.ORDER, reference_id=order_id)
        .order_by().values("stock_level_id").annotate(total=Sum("quantity")).values_list("stock_level_id", "total")
    )
    # Sales are negative and returns positive: what is still out is minus their sum.
    return {level_id: -total for level_id, total in rows if total < 0}


def order_stock_sell(*, order_id: int, lines: dict[int, int], actor=None) -> list[Movement]:
    """The order was paid: its units leave the stock. Held units are converted; a line whose
    hold lapsed is held again first, if the units are still free. Raises InsufficientStock
    (writing nothing) when some cannot be had: the caller flags the order for staff."""
    now = timezone.now()
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
            stock_reserve(lines=missing, order_id=order_id)
        if not (missing or held):
            return []
        return reservation_convert(order_id=order_id, actor=actor)


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
        return [
            record_movement(level, Movement.Kind.RETURN, out[level.pk], actor=actor, reason=reason,
                            reference_type=Movement.Reference.ORDER, reference_id=order_id)
            for level in levels if out.get(level.pk, 0) > 0
        ]
