"""On-hand changes: receipts, returns, adjustments, write-offs and transfers. Each writes
movements and updates on_hand under the level's row lock, in one transaction."""

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog.bundles import components_of
from catalog.models import Variant

from ..exceptions import InactiveWarehouse, InsufficientStock, InvalidQuantity, SameWarehouse
from ..models import Movement, PurchaseOrder, StockLevel, Warehouse
from ._base import (
    LowStockAlerts,
    available_units,
    lock_levels,
    locked_level,
    pk_of,
    positive,
    record_movement,
    required_reason,
    units_sold_record,
)


def stock_receive(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    actor: User | None = None,
    reason: str = "",
    purchase_order: PurchaseOrder | None = None,
) -> Movement:
    """Goods arrive: a receipt movement and on_hand + quantity."""
    positive(quantity)
    with transaction.atomic():
        level = locked_level(variant, warehouse, create=True)
        reference = (
            (Movement.Reference.PURCHASE_ORDER, purchase_order.pk)
            if purchase_order
            else (Movement.Reference.MANUAL, None)
        )
        return record_movement(
            level,
            Movement.Kind.RECEIPT,
            quantity,
            actor=actor,
            reason=reason,
            reference_type=reference[0],
            reference_id=reference[1],
            purchase_order=purchase_order,
        )


def stock_level_open(
    *, level: StockLevel, received: int = 0, actor: User | None = None, reason: str = ""
) -> StockLevel:
    """A new stock level (its variant, warehouse, minimum, maximum and bin set by the caller), with
    the units that arrived with it as its first receipt movement, so on hand equals its ledger."""
    with transaction.atomic():
        level.on_hand = 0
        level.save()
        if received:
            stock_receive(
                variant=level.variant, warehouse=level.warehouse, quantity=received, actor=actor, reason=reason
            )
            level.refresh_from_db(fields=["on_hand"])
    return level


def _bundle_parts(variant: Variant | int) -> list[tuple[int, int]]:
    """A bundle's (component variant id, units per bundle); [] for a plain variant."""
    return components_of([pk_of(variant)]).get(pk_of(variant), [])


def stock_return(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    return_id: int | None = None,
    actor: User | None = None,
    reason: str = "",
) -> Movement:
    """A resellable returned item goes back on the shelf (the returns app calls this), and is no
    longer sold. A returned bundle puts its components back, a movement each marked as returned
    as that bundle (the first, which carries the bundles, is returned)."""
    positive(quantity)
    parts = _bundle_parts(variant)
    pieces = [(component_id, per * quantity) for component_id, per in sorted(parts)] or [(pk_of(variant), quantity)]
    sold_as_id = pk_of(variant) if parts else None
    with transaction.atomic():
        movements = []
        for index, (variant_id, units) in enumerate(pieces):
            level = locked_level(Variant(pk=variant_id), warehouse, create=True)
            movements.append(
                record_movement(
                    level,
                    Movement.Kind.RETURN,
                    units,
                    actor=actor,
                    reason=reason,
                    reference_type=Movement.Reference.RETURN,
                    reference_id=return_id,
                    sold_as_id=sold_as_id,
                    bundle_units=quantity if sold_as_id and index == 0 else 0,
                )
            )
        units_sold_record(movements)
        return movements[0]


def _take_out(level: StockLevel, quantity: int, now: datetime, alerts: LowStockAlerts) -> None:
    """Refuse to take more than the available units (reserved units stay untouchable)."""
    available = available_units(level, now)
    if quantity > available:
        raise InsufficientStock(
            available=available, sku=level.variant.sku, requested=quantity, variant_id=level.variant_id
        )
    alerts.check(level.pk, level.minimum, available, available - quantity)


def stock_adjust(
    *, variant: Variant, warehouse: Warehouse, quantity: int, reason: str, actor: User | None = None
) -> Movement:
    """Correct on_hand by a signed quantity (a count found more or fewer units). A reason is required;
    a negative adjustment cannot take units that are reserved or not there."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise InvalidQuantity(value=quantity)
    reason = required_reason(reason)
    with transaction.atomic():
        return _adjustment(locked_level(variant, warehouse, create=quantity > 0), quantity, actor=actor, reason=reason)


def _adjustment(level: StockLevel, quantity: int, *, actor: User | None, reason: str) -> Movement:
    """One adjustment movement of a signed quantity on a locked level: a negative one cannot take
    units that are reserved or not there, and may raise the low-stock alert."""
    alerts = LowStockAlerts()
    if quantity < 0:
        _take_out(level, -quantity, timezone.now(), alerts)
    movement = record_movement(level, Movement.Kind.ADJUSTMENT, quantity, actor=actor, reason=reason)
    alerts.send_on_commit()
    return movement


def stock_write_off(
    *, variant: Variant, warehouse: Warehouse, quantity: int, reason: str, actor: User | None = None
) -> Movement:
    """Units lost, damaged or expired leave the stock (a reason is required)."""
    positive(quantity)
    reason = required_reason(reason)
    if parts := _bundle_parts(variant):  # a damaged bundle: its components are written off
        with transaction.atomic():
            return [
                stock_write_off(
                    variant=Variant(pk=component_id),
                    warehouse=warehouse,
                    quantity=per * quantity,
                    reason=reason,
                    actor=actor,
                )
                for component_id, per in sorted(parts)
            ][0]
    with transaction.atomic():
        level = locked_level(variant, warehouse, create=False)
        alerts = LowStockAlerts()
        _take_out(level, quantity, timezone.now(), alerts)
        movement = record_movement(level, Movement.Kind.WRITE_OFF, -quantity, actor=actor, reason=reason)
        alerts.send_on_commit()
        return movement


def stock_transfer(
    *,
    variant: Variant,
    source: Warehouse,
    destination: Warehouse,
    quantity: int,
    actor: User | None = None,
    reason: str = "",
) -> tuple[Movement, Movement]:
    """Move available units between two warehouses: transfer out and transfer in, one transaction."""
    positive(quantity)
    if pk_of(source) == pk_of(destination):
        raise SameWarehouse()
    if not Warehouse.objects.filter(pk=pk_of(destination), is_active=True).exists():
        raise InactiveWarehouse(code=getattr(destination, "code", destination))
    with transaction.atomic():
        StockLevel.objects.get_or_create(variant_id=pk_of(variant), warehouse_id=pk_of(destination))
        levels = {
            lv.warehouse_id: lv
            for lv in lock_levels(variant_id=pk_of(variant), warehouse_id__in=[pk_of(source), pk_of(destination)])
        }
        out_level = levels.get(pk_of(source))
        if out_level is None:
            raise InsufficientStock(
                available=0, sku=getattr(variant, "sku", variant), requested=quantity, variant_id=pk_of(variant)
            )
        alerts = LowStockAlerts()
        _take_out(out_level, quantity, timezone.now(), alerts)
        key = uuid.uuid4()
        out = record_movement(
            out_level, Movement.Kind.TRANSFER_OUT, -quantity, actor=actor, reason=reason, transfer_key=key
        )
        into = record_movement(
            levels[pk_of(destination)],
            Movement.Kind.TRANSFER_IN,
            quantity,
            actor=actor,
            reason=reason,
            transfer_key=key,
        )
        alerts.send_on_commit()
        return out, into


def stock_count_set(
    *, variant: Variant, warehouse: Warehouse, on_hand: int, reason: str, actor: User | None = None
) -> Movement | None:
    """A count says how many units are on the shelf: one adjustment movement for the difference,
    computed under the level's lock (so a sale in between is not lost). None when nothing changes.
    Fewer units than are reserved cannot be counted away."""
    if isinstance(on_hand, bool) or not isinstance(on_hand, int) or on_hand < 0:
        raise InvalidQuantity(value=on_hand)
    reason = required_reason(reason)
    with transaction.atomic():
        level = locked_level(variant, warehouse, create=True)
        difference = on_hand - level.on_hand
        if difference == 0:
            return None
        return _adjustment(level, difference, actor=actor, reason=reason)
