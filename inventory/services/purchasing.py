"""Suppliers and purchase orders: OC-YYYY-NNN numbers, totals with IGV, placing,
cancelling and (partial) receipt into the destination warehouse's ledger."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from catalog.models import Variant
from core.counters import counter_next

from ..exceptions import InvalidQuantity, InventoryError, OverReceipt, PurchaseOrderStateError
from ..models import (
    IGV_RATE,
    ZERO,
    Movement,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLevel,
    Supplier,
    Warehouse,
    money,
)
from ._base import lock_levels, pk_of, positive, record_movement

# A purchase order's line as staff give it: (variant or its id, quantity, unit cost before IGV).
PurchaseLine = tuple[Variant | int, int, Decimal | int | str]


def supplier_create(*, name: str, ruc: str, **fields: object) -> Supplier:
    supplier = Supplier(name=name, ruc=ruc, **fields)
    try:
        supplier.full_clean()
    except ValidationError as error:
        raise InventoryError(
            _("The supplier is not valid: %(errors)s"),
            errors="; ".join(m for ms in error.message_dict.values() for m in ms),
        ) from None
    supplier.save()
    return supplier


def purchase_order_next_number(*, year: int | None = None) -> str:
    """OC-YYYY-NNN from the per-year counter: one upsert statement, so two transactions can
    never get the same number (the second waits for the first's row lock). Call inside the
    transaction that saves the order."""
    year = year or timezone.localdate().year
    number = counter_next(scope="purchase_order", key=str(year))
    return f"OC-{year}-{number:03d}"


def _money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InventoryError(_("The unit cost must be an amount (got %(value)s)."), value=value) from None
    if not amount.is_finite() or amount < 0:
        raise InventoryError(_("The unit cost must be an amount (got %(value)s)."), value=value)
    return money(amount)


def purchase_order_recalculate(*, purchase_order: PurchaseOrder) -> PurchaseOrder:
    """subtotal = Σ ordered × unit cost (net of IGV); IGV = 18 % rounded half up; total = both."""
    subtotal = money(sum((line.quantity_ordered * line.unit_cost for line in purchase_order.lines.all()), ZERO))
    igv = money(subtotal * IGV_RATE)
    PurchaseOrder.objects.filter(pk=purchase_order.pk).update(subtotal=subtotal, igv=igv, total=subtotal + igv)
    purchase_order.subtotal, purchase_order.igv, purchase_order.total = subtotal, igv, subtotal + igv
    return purchase_order


def purchase_order_lines_check(*, lines: Iterable[PurchaseLine]) -> dict[int, tuple[int, Decimal]]:
    """The lines of a purchase order as {variant id: (quantity, unit cost)}, from (variant,
    quantity, unit cost before IGV) triples: at least one line, each variant once, a quantity
    above zero and a cost that is an amount. Writes nothing, so a form can ask it first."""
    prepared: dict[int, tuple[int, Decimal]] = {}
    for variant, quantity, unit_cost in lines:
        positive(quantity)
        if pk_of(variant) in prepared:
            raise InventoryError(_("Each variant can appear only once in a purchase order."))
        prepared[pk_of(variant)] = (quantity, _money(unit_cost))
    if not prepared:
        raise InventoryError(_("A purchase order needs at least one line."))
    return prepared


def purchase_order_create(
    *,
    supplier: Supplier,
    warehouse: Warehouse,
    lines: Iterable[PurchaseLine],
    actor: User | None = None,
    notes: str = "",
    expected_at: date | None = None,
) -> PurchaseOrder:
    """A draft purchase order. lines: (variant, quantity, unit cost before IGV) triples."""
    prepared = purchase_order_lines_check(lines=lines)
    with transaction.atomic():
        order = PurchaseOrder(
            number=purchase_order_next_number(),
            supplier=supplier,
            warehouse=warehouse,
            notes=notes,
            expected_at=expected_at,
            created_by=actor,
        )
        _history_by(order, actor)
        order.save()
        bulk_create_with_history(
            [
                PurchaseOrderLine(purchase_order=order, variant_id=vid, quantity_ordered=qty, unit_cost=cost)
                for vid, (qty, cost) in prepared.items()
            ],
            PurchaseOrderLine,
            default_user=actor,
        )
        return purchase_order_recalculate(purchase_order=order)


def purchase_order_update(
    *,
    purchase_order: PurchaseOrder,
    notes: str,
    expected_at: date | None,
    supplier: Supplier | None = None,
    warehouse: Warehouse | None = None,
    lines: Iterable[PurchaseLine] | None = None,
    actor: User | None = None,
) -> PurchaseOrder:
    """Edit a purchase order. Its notes and expected date change at any time; its supplier,
    warehouse and lines (None keeps them; lines is the whole new set, as purchase_order_create
    takes it) only while it is a draft, since the supplier may already be filling it."""
    prepared = None if lines is None else purchase_order_lines_check(lines=lines)
    with transaction.atomic():
        order = _lock_order(purchase_order, *PurchaseOrder.Status.values)
        redrafts = (
            prepared is not None
            or (supplier is not None and supplier.pk != order.supplier_id)
            or (warehouse is not None and warehouse.pk != order.warehouse_id)
        )
        if redrafts and order.status != PurchaseOrder.Status.DRAFT:
            raise PurchaseOrderStateError(number=order.number, status=order.get_status_display())
        order.notes, order.expected_at = notes, expected_at
        if supplier is not None:
            order.supplier = supplier
        if warehouse is not None:
            order.warehouse = warehouse
        _history_by(order, actor)
        order.save(update_fields=["notes", "expected_at", "supplier", "warehouse"])
        if prepared is not None:
            _lines_replace(order, prepared, actor)
        return purchase_order_recalculate(purchase_order=order)


def _lines_replace(order: PurchaseOrder, prepared: dict[int, tuple[int, Decimal]], actor: User | None) -> None:
    """A draft's lines become `prepared`: a variant's line kept is edited in place, the others
    deleted or added, each one saved (not in bulk) so its history records the change."""
    for line in order.lines.select_for_update().order_by("pk"):
        _history_by(line, actor)
        if line.variant_id not in prepared:
            line.delete()
            continue
        quantity, cost = prepared.pop(line.variant_id)
        if (line.quantity_ordered, line.unit_cost) != (quantity, cost):
            line.quantity_ordered, line.unit_cost = quantity, cost
            line.save(update_fields=["quantity_ordered", "unit_cost"])
    for variant_id, (quantity, cost) in prepared.items():
        line = PurchaseOrderLine(purchase_order=order, variant_id=variant_id, quantity_ordered=quantity, unit_cost=cost)
        _history_by(line, actor)
        line.save()


def _history_by(row: Model, actor: User | None) -> None:
    """Name the actor in the row's history; without one, simple-history takes the request's user."""
    if actor is not None:
        row._history_user = actor  # type: ignore[attr-defined]  # simple-history reads this attribute it documents


def _lock_order(purchase_order: PurchaseOrder, *allowed: str) -> PurchaseOrder:
    order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
    if order.status not in allowed:
        raise PurchaseOrderStateError(number=order.number, status=order.get_status_display())
    return order


def purchase_order_place(*, purchase_order: PurchaseOrder, actor: User | None = None) -> PurchaseOrder:
    """Send a draft to the supplier: it can be received from now on."""
    with transaction.atomic():
        order = _lock_order(purchase_order, PurchaseOrder.Status.DRAFT)
        order.status, order.ordered_at = PurchaseOrder.Status.ORDERED, timezone.now()
        order.save(update_fields=["status", "ordered_at"])
        return order


def purchase_order_cancel(*, purchase_order: PurchaseOrder, actor: User | None = None) -> PurchaseOrder:
    """Cancel an order nothing has been received for. One that has received goods keeps them in
    the ledger and is refused, saying so."""
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
        received = sum(order.lines.values_list("quantity_received", flat=True))
        if received:
            raise PurchaseOrderStateError(
                _(
                    "Purchase order %(number)s has already received %(units)d units, recorded in the stock ledger: "
                    "it cannot be cancelled. To send goods back to the supplier, write them off from their stock "
                    "level."
                ),
                number=order.number,
                units=received,
            )
        order = _lock_order(order, PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.ORDERED)
        order.status = PurchaseOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        return order


def purchase_order_receive(
    *,
    purchase_order: PurchaseOrder,
    quantities: Mapping[int, int],
    actor: User | None = None,
    allow_over_receipt: bool = False,
) -> list[Movement]:
    """Receive some or all of the outstanding units: {line id: quantity} (0 skips a line).

    Each received line writes a receipt movement into the destination warehouse. More than
    the outstanding quantity is refused unless allow_over_receipt is True.
    """
    for quantity in quantities.values():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise InvalidQuantity(value=quantity)
    if not any(quantities.values()):
        raise InvalidQuantity(value=0)
    with transaction.atomic():
        order = _lock_order(purchase_order, PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTIALLY_RECEIVED)
        lines = {
            line.pk: line
            for line in order.lines.select_for_update(of=("self",)).select_related("variant").order_by("pk")
        }
        unknown = set(quantities) - set(lines)
        if unknown:
            raise InventoryError(
                _("Line %(line)s is not part of purchase order %(number)s."), line=min(unknown), number=order.number
            )
        for line_id, quantity in quantities.items():
            line = lines[line_id]
            if quantity > line.outstanding and not allow_over_receipt:
                raise OverReceipt(sku=line.variant.sku, quantity=quantity, outstanding=line.outstanding)
        received = {line_id: quantity for line_id, quantity in quantities.items() if quantity}
        variant_ids = [lines[line_id].variant_id for line_id in received]
        for variant_id in variant_ids:
            StockLevel.objects.get_or_create(variant_id=variant_id, warehouse_id=order.warehouse_id)
        levels = {lv.variant_id: lv for lv in lock_levels(variant_id__in=variant_ids, warehouse_id=order.warehouse_id)}
        movements = []
        for line_id, quantity in sorted(received.items()):
            line = lines[line_id]
            level = levels[line.variant_id]
            movements.append(
                record_movement(
                    level,
                    Movement.Kind.RECEIPT,
                    quantity,
                    actor=actor,
                    reason=str(_("Purchase order %(number)s") % {"number": order.number}),
                    reference_type=Movement.Reference.PURCHASE_ORDER,
                    reference_id=order.pk,
                    purchase_order=order,
                )
            )
            line.quantity_received += quantity
            line.save(update_fields=["quantity_received"])
        complete = all(line.quantity_received >= line.quantity_ordered for line in lines.values())
        order.status = PurchaseOrder.Status.RECEIVED if complete else PurchaseOrder.Status.PARTIALLY_RECEIVED
        order.received_at = timezone.now() if complete else None
        order.save(update_fields=["status", "received_at"])
        return movements
