"""Every write to shipments goes through these functions: keyword-only, one transaction each.

A paid order's units are grouped by the warehouse they were sold from, one shipment (leg)
per warehouse (shipments_create_for_order, called by orders.services.order_payment_record).
Operators then move a leg pending → packed → shipped → in transit → delivered (or delivery
failed, returned to sender); a pickup leg goes packed → ready for pickup → delivered.
Every change is recorded with its actor, and the order's status follows through
orders.services.order_follow_shipments (orders sits above shipping: shipping.ports).

Locks, always in this order: the order row, then its shipment rows (by primary key), then
stock levels (inventory). Two operators acting on one shipment therefore queue on the order
and the second sees the first one's result.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Protocol, TypeAlias

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.bundles import components_of
from core.actors import signed_in
from core.site_settings import site_setting
from inventory.models import Warehouse
from inventory.selectors import order_units_out

from . import carriers, ports
from .calendar import add_business_days
from .exceptions import ShipmentError
from .models import (
    LEFT_WAREHOUSE,
    NOT_YET_SHIPPED,
    Carrier,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
    ShippingMethod,
)
from .ports import OrderRow

# What one warehouse's leg carries: {(order line id, bundle part id or None): units}.
LegUnits: TypeAlias = dict[tuple[int, int | None], int]


def _local_date(moment: datetime | None = None) -> date:
    return timezone.localdate(moment or timezone.now())


def _record(
    shipment: Shipment,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    ShipmentEvent.objects.create(
        shipment=shipment,
        from_status=from_status,
        to_status=to_status,
        actor=signed_in(actor),
        note=note[:255],
        created_at=at or timezone.now(),
    )


def _allocate(order: OrderRow, units_out: dict[tuple[int, int, int | None], int]) -> dict[int, LegUnits]:
    """{warehouse id: {(order line id, part id or None): units}}: each warehouse's units of a
    variant are given to the order's lines of that variant in line order (a variant may be on
    two lines, e.g. once alone and once in a kit); then the parts of bundles split across
    warehouses go to the bundle's lines, up to each line's bundles not shipped whole."""
    lines_of: dict[int, list[int]] = defaultdict(list)  # variant id: its line ids, in line order
    room: dict[tuple[int, int | None], int] = {}  # (line id, part id or None): units the line still takes
    for line_id, variant_id, quantity in order.lines.order_by("pk").values_list("pk", "variant_id", "quantity"):
        lines_of[variant_id].append(line_id)
        room[(line_id, None)] = quantity
    out = sorted(units_out.items(), key=_out_order)
    allocation: dict[int, LegUnits] = defaultdict(dict)
    _give(allocation, room, lines_of, [item for item in out if item[0][2] is None])
    parts = {(variant_id, part_id) for (_w, variant_id, part_id) in units_out if part_id is not None}
    if parts:
        room.update(_parts_room(parts, lines_of, room))
        _give(allocation, room, lines_of, [item for item in out if item[0][2] is not None])
    return {warehouse_id: lines for warehouse_id, lines in allocation.items() if lines}


def _give(
    allocation: dict[int, LegUnits],
    room: LegUnits,
    lines_of: dict[int, list[int]],
    out: list[tuple[tuple[int, int, int | None], int]],
) -> None:
    """Each warehouse's units of a variant (or of one part of a bundle) go to the variant's
    lines in line order, each line taking up to its room."""
    for (warehouse_id, variant_id, part_id), units in out:
        for line_id in lines_of.get(variant_id, []):
            key = (line_id, part_id)
            take = min(units, room[key])
            if take <= 0:
                continue
            allocation[warehouse_id][key] = allocation[warehouse_id].get(key, 0) + take
            room[key] -= take
            units -= take
            if units == 0:
                break


def _parts_room(parts: set[tuple[int, int]], lines_of: dict[int, list[int]], room: LegUnits) -> LegUnits:
    """A bundle line's room for each part: the part's units in the bundles it did not get whole."""
    per_bundle = {
        bundle_id: dict(components)
        for bundle_id, components in components_of({variant_id for variant_id, _part in parts}).items()
    }
    return {
        (line_id, part_id): room[(line_id, None)] * per_bundle.get(variant_id, {}).get(part_id, 0)
        for variant_id, part_id in parts
        for line_id in lines_of.get(variant_id, [])
    }


def _out_order(item: tuple[tuple[int, int, int | None], int]) -> tuple[int, int, int]:
    (warehouse_id, variant_id, part_id), _units = item
    return warehouse_id, variant_id, part_id or 0


def _estimate(method: ShippingMethod | None, start: date) -> tuple[date | None, date | None]:
    if method is None:
        return None, None
    return add_business_days(start, method.min_days), add_business_days(start, method.max_days)


def shipments_create_for_order(*, order: OrderRow, units_out: dict[tuple[int, int, int | None], int]) -> list[Shipment]:
    """One shipment per warehouse the paid order's units were sold from, with its lines.

    `units_out` is inventory's answer to the sale ({(warehouse id, variant id, bundle part id or
    None): units}, inventory.selectors.order_units_out): a bundle whose parts left two
    warehouses gets a part line in each of their legs. Call it inside the transaction that
    marks the order paid, with the order locked. Idempotent: an order that already has
    shipments keeps them.
    """
    with transaction.atomic():
        existing = list(order.shipments.all())
        if existing:
            return existing
        allocation = _allocate(order, units_out)
        warehouses = Warehouse.objects.in_bulk(list(allocation))
        method = order.shipping_method
        paid_on = _local_date(order.paid_at)
        ship_by = add_business_days(paid_on, int(site_setting("SHIPPING_HANDLING_DAYS")))
        estimated_from, estimated_to = _estimate(method, paid_on)
        carrier = method.carrier if method is not None else ""
        shipments = []
        for warehouse_id, lines in sorted(allocation.items()):
            warehouse = warehouses[warehouse_id]
            shipment = Shipment.objects.create(
                order=order,
                warehouse=warehouse,
                method=method,
                carrier=carrier,
                is_dropship=warehouse.kind == Warehouse.Kind.DROPSHIPPING,
                ship_by=ship_by,
                estimated_from=estimated_from,
                estimated_to=estimated_to,
            )
            ShipmentLine.objects.bulk_create(
                [
                    ShipmentLine(shipment=shipment, order_line_id=line_id, part_id=part_id, quantity=qty)
                    for (line_id, part_id), qty in sorted(lines.items(), key=lambda item: (item[0][0], item[0][1] or 0))
                ]
            )
            _record(shipment, from_status="", to_status=ShipmentStatus.PENDING, actor=None)
            shipments.append(shipment)
        return shipments


def _lock(shipment_id: Shipment | int) -> tuple[OrderRow, Shipment]:
    """The shipment's order, then the shipment, both locked; a tampered id is a ShipmentError."""
    try:
        shipment_id = int(shipment_id.pk if isinstance(shipment_id, Shipment) else shipment_id)
        order_id = Shipment.objects.values_list("order_id", flat=True).get(pk=shipment_id)
    except (TypeError, ValueError, OverflowError, Shipment.DoesNotExist):
        raise ShipmentError(_("That shipment does not exist.")) from None
    order: OrderRow = ports.order_lock(order_id=order_id)
    shipment = (
        Shipment.objects.select_for_update(of=("self",)).select_related("warehouse", "method").get(pk=shipment_id)
    )
    shipment.order = order
    return order, shipment


def _step(order: OrderRow, shipment: Shipment, to_status: str, *, actor: User | None, note: str = "") -> None:
    if order.is_closed and to_status != ShipmentStatus.CANCELLED:
        raise ShipmentError(_("Order %(number)s is cancelled: its shipment cannot move.") % {"number": order.number})
    if not shipment.can_transition_to(to_status):
        raise ShipmentError(
            _("Shipment %(shipment)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "shipment": shipment.reference,
                "from": ShipmentStatus(shipment.status).label,
                "to": ShipmentStatus(to_status).label if to_status in ShipmentStatus.values else to_status,
            }
        )
    previous = shipment.status
    now = timezone.now()
    shipment.status = to_status
    if to_status == ShipmentStatus.PACKED:
        shipment.packed_at = now
    elif to_status in (ShipmentStatus.SHIPPED, ShipmentStatus.READY_FOR_PICKUP):
        shipment.shipped_at = now
    elif to_status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = now
    shipment.save()
    _record(shipment, from_status=previous, to_status=to_status, actor=actor, note=note, at=now)


def _follow(order: OrderRow, shipment: Shipment, actor: User | None) -> None:
    ports.order_follow_shipments(order=order, shipment=shipment, actor=actor)


def _check_units_left_stock(order: OrderRow, shipment: Shipment) -> None:
    """Shipping is blocked when the stock is not there: every unit of this leg's
    warehouse must have left the stock for this order (sale movements, not returned)."""
    if shipment.awaits_supplier:
        raise ShipmentError(
            _("Shipment %(shipment)s is a dropshipping leg its supplier has not confirmed yet: confirm it first.")
            % {"shipment": shipment.reference}
        )
    out = order_units_out(order.pk)
    needed: dict[tuple[int, int | None], int] = defaultdict(int)
    for variant_id, part_id, quantity in (
        ShipmentLine.objects.filter(shipment__order=order, shipment__warehouse_id=shipment.warehouse_id)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .values_list("order_line__variant_id", "part_id", "quantity")
    ):
        needed[(variant_id, part_id)] += quantity
    short = [key for key, qty in needed.items() if out.get((shipment.warehouse_id, *key), 0) < qty]
    if short or not needed:
        raise ShipmentError(
            _(
                "Shipment %(shipment)s cannot ship: its units were never taken out of the stock of %(warehouse)s "
                "(the order is flagged or the stock was returned). Take the stock first."
            )
            % {"shipment": shipment.reference, "warehouse": shipment.warehouse.code}
        )


def shipment_pack(*, shipment: Shipment | int, actor: User | None = None) -> Shipment:
    """Pending → packed."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        _step(order, shipment, ShipmentStatus.PACKED, actor=actor)
        return shipment


def shipment_confirm_supplier(*, shipment: Shipment | int, actor: User | None = None) -> Shipment:
    """The dropshipping supplier (or seller) confirms it holds the units of this leg."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        if not shipment.is_dropship:
            raise ShipmentError(_("Only a dropshipping leg needs its supplier's confirmation."))
        if shipment.supplier_confirmed_at is None:
            shipment.supplier_confirmed_at = timezone.now()
            shipment.save(update_fields=["supplier_confirmed_at", "updated_at"])
            _record(
                shipment,
                from_status=shipment.status,
                to_status=shipment.status,
                actor=actor,
                note=_("Confirmed by the supplier"),
            )
        return shipment


def shipment_ship(
    *,
    shipment: Shipment | int,
    actor: User | None = None,
    carrier: str | None = None,
    tracking_number: str = "",
    label_url: str = "",
) -> Shipment:
    """Hand a leg to its carrier (a pending leg is packed first): the carrier and tracking
    number are checked, the tracking URL built, the delivery estimate counted from today."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        carrier = carrier or shipment.carrier
        if shipment.is_pickup or carrier == Carrier.PICKUP:
            if (tracking_number or "").strip():
                raise ShipmentError(_("An in-store pickup has no carrier and no tracking number."))
            raise ShipmentError(
                _("Shipment %(shipment)s is an in-store pickup: mark it ready for pickup instead.")
                % {"shipment": shipment.reference}
            )
        if shipment.status not in NOT_YET_SHIPPED:
            _step(order, shipment, ShipmentStatus.SHIPPED, actor=actor)  # raises: wrong step
        try:
            number = carriers.clean_tracking_number(carrier, tracking_number)
            label_url = _clean_url(label_url)
        except ValidationError as error:
            raise ShipmentError(" ".join(error.messages)) from None
        _check_units_left_stock(order, shipment)
        ports.shipment_may_leave(shipment=shipment)  # its guía de remisión (despatch)
        if shipment.status == ShipmentStatus.PENDING:
            _step(order, shipment, ShipmentStatus.PACKED, actor=actor)
        shipment.carrier = carrier
        shipment.tracking_number = number
        shipment.tracking_url = carriers.tracking_url(carrier, number)
        shipment.label_url = label_url or shipment.label_url
        shipped_on = _local_date()
        method = shipment.method
        if method is not None:
            transit_from, transit_to = (
                add_business_days(shipped_on, 1),
                add_business_days(shipped_on, max(1, method.max_days)),
            )
            shipment.estimated_from = max(filter(None, [shipment.estimated_from, transit_from]))
            shipment.estimated_to = max(filter(None, [shipment.estimated_to, transit_to]))
        _step(order, shipment, ShipmentStatus.SHIPPED, actor=actor, note=number)
        _follow(order, shipment, actor)
        return shipment


def _clean_url(value: str) -> str:
    from django.core.validators import URLValidator

    value = (value or "").strip()
    if value:
        if "\x00" in value or len(value) > 300:
            raise ValidationError(_("Enter a valid label URL."))
        URLValidator(schemes=["https", "http"])(value)
    return value


def shipment_ready_for_pickup(*, shipment: Shipment | int, actor: User | None = None) -> Shipment:
    """A pickup leg is at the store's counter (a pending leg is packed first)."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        if not shipment.is_pickup:
            raise ShipmentError(
                _("Shipment %(shipment)s goes by carrier: ship it instead.") % {"shipment": shipment.reference}
            )
        if shipment.status in NOT_YET_SHIPPED:
            _check_units_left_stock(order, shipment)
            ports.shipment_may_leave(shipment=shipment)
        if shipment.status == ShipmentStatus.PENDING:
            _step(order, shipment, ShipmentStatus.PACKED, actor=actor)
        _step(order, shipment, ShipmentStatus.READY_FOR_PICKUP, actor=actor)
        _follow(order, shipment, actor)
        return shipment


class _ShipmentStep(Protocol):
    def __call__(self, *, shipment: Shipment | int, actor: User | None = None, note: str = "") -> Shipment: ...


def _simple(to_status: str) -> _ShipmentStep:
    def change(*, shipment: Shipment | int, actor: User | None = None, note: str = "") -> Shipment:
        with transaction.atomic():
            order, shipment = _lock(shipment)
            _step(order, shipment, to_status, actor=actor, note=note or "")
            _follow(order, shipment, actor)
            return shipment

    return change


shipment_mark_in_transit = _simple(ShipmentStatus.IN_TRANSIT)
shipment_mark_in_transit.__doc__ = "Shipped (or a failed delivery being retried) → in transit."
shipment_deliver = _simple(ShipmentStatus.DELIVERED)
shipment_deliver.__doc__ = "The carrier delivered it, or the shopper collected a pickup."
shipment_fail_delivery = _simple(ShipmentStatus.DELIVERY_FAILED)
shipment_fail_delivery.__doc__ = "The carrier could not deliver (note says why)."
shipment_return_to_sender = _simple(ShipmentStatus.RETURNED)
shipment_return_to_sender.__doc__ = "The parcel came back to the warehouse (or a pickup was never collected)."


def shipment_split(*, shipment: Shipment | int, quantities: dict[int, int], actor: User | None = None) -> Shipment:
    """Ship part of a leg now: the given {order line id: units} move to a new pending leg of
    the same warehouse, the rest stays. Only for legs not shipped yet; each quantity must be
    at least 1 and leave at least one unit in the original leg overall."""
    with transaction.atomic():
        order, shipment = _lock(shipment)
        if shipment.status not in NOT_YET_SHIPPED:
            raise ShipmentError(_("Only a leg that has not shipped yet can be split."))
        ports.shipment_may_split(shipment=shipment)  # a guía de remisión names its units as they are
        held = list(shipment.lines.select_for_update().order_by("pk"))
        if any(line.part_id for line in held):
            raise ShipmentError(
                _("A leg carrying part of a bundle whose other parts ship from another warehouse cannot be split.")
            )
        current = {line.order_line_id: line for line in held}
        moving: dict[int, int] = {}
        for raw_line_id, raw_quantity in (quantities or {}).items():
            try:
                line_id, quantity = int(raw_line_id), int(raw_quantity)
            except (TypeError, ValueError, OverflowError):
                raise ShipmentError(_("Enter whole numbers of units.")) from None
            if quantity == 0:
                continue
            if line_id not in current:
                raise ShipmentError(_("That line is not in this shipment."))
            if quantity < 0 or quantity > current[line_id].quantity:
                raise ShipmentError(
                    _("You can move between 1 and %(max)d units of %(sku)s.")
                    % {"max": current[line_id].quantity, "sku": current[line_id].order_line.sku}
                )
            moving[line_id] = quantity
        if not moving:
            raise ShipmentError(_("Choose the units that ship separately."))
        if sum(moving.values()) >= sum(line.quantity for line in current.values()):
            raise ShipmentError(_("Leave at least one unit in this shipment: split, do not move everything."))
        new = Shipment.objects.create(
            order=order,
            warehouse=shipment.warehouse,
            method=shipment.method,
            carrier=shipment.carrier,
            is_dropship=shipment.is_dropship,
            supplier_confirmed_at=shipment.supplier_confirmed_at,
            ship_by=shipment.ship_by,
            estimated_from=shipment.estimated_from,
            estimated_to=shipment.estimated_to,
        )
        for line_id, quantity in moving.items():
            line = current[line_id]
            if quantity == line.quantity:
                line.delete()
            else:
                line.quantity -= quantity
                line.save(update_fields=["quantity"])
            ShipmentLine.objects.create(shipment=new, order_line_id=line_id, quantity=quantity)
        _record(
            new,
            from_status="",
            to_status=ShipmentStatus.PENDING,
            actor=actor,
            note=_("Split from %(shipment)s") % {"shipment": shipment.reference},
        )
        return new


def shipments_cancel_for_order(*, order: OrderRow, actor: User | None = None, note: str = "") -> int:
    """The order is being cancelled (its row is locked by the caller): its legs that have not
    left the warehouse are cancelled. Raises ShipmentError if one has left it."""
    with transaction.atomic():
        shipments = list(order.shipments.select_for_update().order_by("pk"))
        gone = [s for s in shipments if s.status in LEFT_WAREHOUSE]
        if gone:
            raise ShipmentError(
                _(
                    "Order %(number)s has a shipment on its way (%(shipment)s): it cannot be cancelled; "
                    "start a return instead."
                )
                % {"number": order.number, "shipment": gone[0].reference}
            )
        count = 0
        for shipment in shipments:
            if shipment.status != ShipmentStatus.CANCELLED:
                shipment.order = order
                _step(order, shipment, ShipmentStatus.CANCELLED, actor=actor, note=note)
                count += 1
        return count


def shipments_stop_unshipped(
    *, order: OrderRow, actor: User | None = None, note: str = ""
) -> dict[tuple[int, int, int | None], int]:
    """The order's legs that have not left the warehouse must not ship (a refund gave their money
    back; the order row is locked by the caller): they are cancelled, the legs already on their
    way left as they are. Returns their units as inventory carries them ({(warehouse id, variant
    id, bundle part id or None): units}) so they go back on the shelf in the same transaction."""
    with transaction.atomic():
        stopped = [
            shipment
            for shipment in order.shipments.select_for_update().order_by("pk")
            if shipment.status in NOT_YET_SHIPPED
        ]
        units: dict[tuple[int, int, int | None], int] = defaultdict(int)
        for shipment in stopped:
            shipment.order = order
            _step(order, shipment, ShipmentStatus.CANCELLED, actor=actor, note=note)
            for line in shipment.lines.select_related("order_line"):
                units[(shipment.warehouse_id, line.order_line.variant_id, line.part_id)] += line.quantity
        return dict(units)
