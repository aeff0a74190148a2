"""Every change of stock goes through these functions (one transaction each).

Race freedom: a service locks the stock-level rows it touches with SELECT … FOR UPDATE
in primary-key order (so two services never wait on each other in a cycle), then reads
the active unexpired reservations of those rows in a new statement (a fresh snapshot
under READ COMMITTED, after the lock), decides, and writes. on_hand changes only together
with a movement in the same transaction, so on_hand always equals the sum of movements.
A customer's purchase limit is checked under a lock of the customer's row, taken before
any stock lock.

Bad input raises an InventoryError subclass before anything is written.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Variant

from .exceptions import (
    InactiveVariant, InactiveWarehouse, InsufficientStock, InvalidQuantity, InventoryError, NothingToDo, OverReceipt,
    PurchaseLimitExceeded, PurchaseOrderStateError, ReasonRequired, ReservationNotHeld, SameWarehouse,
)
from .models import (
    IGV_RATE, ZERO, Movement, PurchaseOrder, PurchaseOrderCounter, PurchaseOrderLine, Reservation, StockLevel,
    Supplier, Warehouse, money,
)

# --- helpers ---------------------------------------------------------------------------------


def _positive(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidQuantity(value=value)
    return value


def _reason(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ReasonRequired()
    return text[:255]


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _lock_levels(**filters) -> list[StockLevel]:
    """Lock the matching stock levels in primary-key order (PostgreSQL locks rows in the
    ORDER BY order) and return them with variant, product and warehouse loaded."""
    return list(
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("variant__product", "warehouse")
        .filter(**filters)
        .order_by("pk")
    )


def _reserved(level_ids: Iterable[int], now) -> dict[int, int]:
    """Units of active unexpired reservations per stock level. Call after locking the levels."""
    rows = (
        Reservation.objects.filter(stock_level_id__in=list(level_ids), status=Reservation.Status.ACTIVE,
                                   expires_at__gt=now)
        .order_by().values("stock_level_id").annotate(total=Sum("quantity")).values_list("stock_level_id", "total")
    )
    return dict(rows)


def _level(variant: Variant, warehouse: Warehouse, *, create: bool) -> StockLevel:
    """The locked stock level of (variant, warehouse), created empty when allowed."""
    if create:
        StockLevel.objects.get_or_create(variant_id=_pk(variant), warehouse_id=_pk(warehouse))
    levels = _lock_levels(variant_id=_pk(variant), warehouse_id=_pk(warehouse))
    if not levels:
        raise InsufficientStock(available=0, sku=getattr(variant, "sku", variant), requested=0)
    return levels[0]


class _Alerts:
    """Collects stock levels whose availability crossed down to their minimum; the e-mail is
    enqueued only when the transaction commits."""

    def __init__(self):
        self.ids: list[int] = []

    def check(self, level: StockLevel, before: int, after: int) -> None:
        if before > level.minimum >= after:
            self.ids.append(level.pk)

    def send_on_commit(self) -> None:
        if self.ids:
            from . import tasks

            ids = sorted(set(self.ids))
            transaction.on_commit(lambda: tasks.notify_low_stock.delay(ids))


def _move(level: StockLevel, kind: str, quantity: int, *, actor=None, reason: str = "",
          reference_type: str = Movement.Reference.MANUAL, reference_id: int | None = None,
          purchase_order: PurchaseOrder | None = None, transfer_key=None) -> Movement:
    """Append a movement and apply it to the (locked) level's on_hand."""
    movement = Movement.objects.create(
        stock_level=level, kind=kind, quantity=quantity, actor=actor, reason=reason or "",
        reference_type=reference_type, reference_id=reference_id, purchase_order=purchase_order,
        transfer_key=transfer_key,
    )
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity)
    level.on_hand += quantity
    return movement


def _available(level: StockLevel, now) -> int:
    return max(level.on_hand - _reserved([level.pk], now).get(level.pk, 0), 0)


# --- on-hand changes ---------------------------------------------------------------------------


def stock_receive(*, variant: Variant, warehouse: Warehouse, quantity: int, actor=None, reason: str = "",
                  purchase_order: PurchaseOrder | None = None) -> Movement:
    """Goods arrive: a receipt movement and on_hand + quantity."""
    _positive(quantity)
    with transaction.atomic():
        level = _level(variant, warehouse, create=True)
        reference = (Movement.Reference.PURCHASE_ORDER, purchase_order.pk) if purchase_order else (
            Movement.Reference.MANUAL, None)
        return _move(level, Movement.Kind.RECEIPT, quantity, actor=actor, reason=reason,
                     reference_type=reference[0], reference_id=reference[1], purchase_order=purchase_order)


def stock_return(*, variant: Variant, warehouse: Warehouse, quantity: int, return_id: int | None = None,
                 actor=None, reason: str = "") -> Movement:
    """A resellable returned item goes back on the shelf (the returns app calls this)."""
    _positive(quantity)
    with transaction.atomic():
        level = _level(variant, warehouse, create=True)
        return _move(level, Movement.Kind.RETURN, quantity, actor=actor, reason=reason,
                     reference_type=Movement.Reference.RETURN, reference_id=return_id)


def _take_out(level: StockLevel, quantity: int, now, alerts: _Alerts) -> None:
    """Refuse to take more than the available units (reserved units stay untouchable)."""
    available = _available(level, now)
    if quantity > available:
        raise InsufficientStock(available=available, sku=level.variant.sku, requested=quantity)
    alerts.check(level, available, available - quantity)


def stock_adjust(*, variant: Variant, warehouse: Warehouse, quantity: int, reason: str, actor=None) -> Movement:
    """Correct on_hand by a signed quantity (a count found more or fewer units). A reason is required;
    a negative adjustment cannot take units that are reserved or not there."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity == 0:
        raise InvalidQuantity(value=quantity)
    reason = _reason(reason)
    with transaction.atomic():
        level = _level(variant, warehouse, create=quantity > 0)
        alerts = _Alerts()
        if quantity < 0:
            _take_out(level, -quantity, timezone.now(), alerts)
        movement = _move(level, Movement.Kind.ADJUSTMENT, quantity, actor=actor, reason=reason)
        alerts.send_on_commit()
        return movement


def stock_write_off(*, variant: Variant, warehouse: Warehouse, quantity: int, reason: str, actor=None) -> Movement:
    """Units lost, damaged or expired leave the stock (a reason is required)."""
    _positive(quantity)
    reason = _reason(reason)
    with transaction.atomic():
        level = _level(variant, warehouse, create=False)
        alerts = _Alerts()
        _take_out(level, quantity, timezone.now(), alerts)
        movement = _move(level, Movement.Kind.WRITE_OFF, -quantity, actor=actor, reason=reason)
        alerts.send_on_commit()
        return movement


def stock_transfer(*, variant: Variant, source: Warehouse, destination: Warehouse, quantity: int, actor=None,
                   reason: str = "") -> tuple[Movement, Movement]:
    """Move available units between two warehouses: transfer out and transfer in, one transaction."""
    _positive(quantity)
    if _pk(source) == _pk(destination):
        raise SameWarehouse()
    if not Warehouse.objects.filter(pk=_pk(destination), is_active=True).exists():
        raise InactiveWarehouse(code=getattr(destination, "code", destination))
    with transaction.atomic():
        StockLevel.objects.get_or_create(variant_id=_pk(variant), warehouse_id=_pk(destination))
        levels = {lv.warehouse_id: lv for lv in _lock_levels(
            variant_id=_pk(variant), warehouse_id__in=[_pk(source), _pk(destination)])}
        out_level = levels.get(_pk(source))
        if out_level is None:
            raise InsufficientStock(available=0, sku=getattr(variant, "sku", variant), requested=quantity)
        alerts = _Alerts()
        _take_out(out_level, quantity, timezone.now(), alerts)
        key = uuid.uuid4()
        out = _move(out_level, Movement.Kind.TRANSFER_OUT, -quantity, actor=actor, reason=reason, transfer_key=key)
        into = _move(levels[_pk(destination)], Movement.Kind.TRANSFER_IN, quantity, actor=actor, reason=reason,
                     transfer_key=key)
        alerts.send_on_commit()
        return out, into


# --- reservations ----------------------------------------------------------------------------


def _requested(lines) -> dict[int, int]:
    """{variant id: quantity} from (variant or id, quantity) pairs or a mapping; repeated variants add up."""
    pairs = lines.items() if isinstance(lines, Mapping) else lines
    merged: dict[int, int] = defaultdict(int)
    for variant, quantity in pairs:
        merged[_pk(variant)] += _positive(quantity)
    if not merged:
        raise InvalidQuantity(value=0)
    return dict(sorted(merged.items()))


def _expiry(minutes: int | None, now):
    minutes = settings.RESERVATION_MINUTES if minutes is None else _positive(minutes)
    return now + timedelta(minutes=minutes)


def _scope(*, cart_key: str | None, order_id: int | None, reservation_ids: Iterable[int] | None):
    if not (cart_key or order_id or reservation_ids):
        raise InventoryError(_("Say which cart, order or reservations to work on."))
    condition = Q()
    if cart_key:
        condition &= Q(cart_key=cart_key)
    if order_id:
        condition &= Q(order_id=order_id)
    if reservation_ids:
        condition &= Q(pk__in=list(reservation_ids))
    return Reservation.objects.filter(condition)


def customer_purchase_limit_check(*, customer, lines, now=None) -> None:
    """Refuse when the customer would hold more units of a product than its purchase limit
    (Product.purchase_limit: 5 unless the product says otherwise, seed 002).

    Held = active unexpired reservations plus converted ones (bought). Until the orders app
    exists, every converted reservation counts; the orders issue refines "bought" to units in
    open (undelivered, uncancelled) orders. Call inside the transaction that then reserves,
    after locking the customer's row (stock_reserve does both).
    """
    requested = _requested(lines)
    now = now or timezone.now()
    per_product: dict[int, int] = defaultdict(int)
    for product_id, variant_id in Variant.objects.filter(pk__in=requested).values_list("product_id", "pk"):
        per_product[product_id] += requested[variant_id]
    if not per_product:
        return
    held = dict(
        Reservation.objects.filter(customer=customer, stock_level__variant__product_id__in=per_product)
        .filter(Q(status=Reservation.Status.ACTIVE, expires_at__gt=now) | Q(status=Reservation.Status.CONVERTED))
        .order_by().values("stock_level__variant__product_id").annotate(total=Sum("quantity"))
        .values_list("stock_level__variant__product_id", "total")
    )
    for product in Product.objects.filter(pk__in=per_product).only("pk", "name", "max_per_customer"):
        already = held.get(product.pk, 0)
        if already + per_product[product.pk] > product.purchase_limit:
            raise PurchaseLimitExceeded(limit=product.purchase_limit, product=product.name, held=already)


def _refuse_unsellable(variant_ids: Iterable[int]) -> None:
    for variant in Variant.objects.select_related("product").filter(pk__in=list(variant_ids)):
        if not variant.is_active or variant.product.status != Product.Status.ACTIVE:
            raise InactiveVariant(sku=variant.sku)


def stock_reserve(*, lines, cart_key: str | None = None, order_id: int | None = None, customer=None,
                  minutes: int | None = None) -> list[Reservation]:
    """Hold units for a cart or an order: all lines or nothing.

    lines: (variant or variant id, quantity) pairs, or a {variant id: quantity} mapping.
    Each line takes units from active warehouses by priority (lower first), split across
    warehouses when one is not enough. Raises InsufficientStock, InactiveVariant,
    PurchaseLimitExceeded (when customer is given) or InvalidQuantity; writes nothing then.
    """
    requested = _requested(lines)
    if not (cart_key or order_id):
        raise InventoryError(_("A reservation needs a cart or an order."))
    now = timezone.now()
    expires_at = _expiry(minutes, now)
    with transaction.atomic():
        if customer is not None:
            type(customer).objects.select_for_update().filter(pk=customer.pk).first()
            customer_purchase_limit_check(customer=customer, lines=requested, now=now)
        levels = _lock_levels(variant_id__in=list(requested), warehouse__is_active=True)
        by_variant: dict[int, list[StockLevel]] = defaultdict(list)
        for level in levels:
            by_variant[level.variant_id].append(level)
        unsellable = [vid for vid in requested
                      if not by_variant.get(vid) or not by_variant[vid][0].variant.is_active
                      or by_variant[vid][0].variant.product.status != Product.Status.ACTIVE]
        if unsellable:
            _refuse_unsellable(unsellable)
        reserved = _reserved([level.pk for level in levels], now)
        alerts = _Alerts()
        created: list[Reservation] = []
        for variant_id, quantity in requested.items():
            candidates = sorted(by_variant.get(variant_id, []), key=lambda lv: (lv.warehouse.priority, lv.warehouse.pk))
            free = {lv.pk: max(lv.on_hand - reserved.get(lv.pk, 0), 0) for lv in candidates}
            if sum(free.values()) < quantity:
                sku = candidates[0].variant.sku if candidates else str(variant_id)
                raise InsufficientStock(available=sum(free.values()), sku=sku, requested=quantity)
            remaining = quantity
            for level in candidates:
                take = min(free[level.pk], remaining)
                if take:
                    created.append(Reservation(stock_level=level, quantity=take, cart_key=cart_key, order_id=order_id,
                                               customer=customer, expires_at=expires_at, created_at=now))
                    alerts.check(level, free[level.pk], free[level.pk] - take)
                    remaining -= take
                if not remaining:
                    break
        Reservation.objects.bulk_create(created)
        alerts.send_on_commit()
        return created


def _lock_held(scope, now) -> tuple[list[Reservation], dict[int, StockLevel]]:
    """Lock the stock levels, then the active reservations of a scope; expired ones are kept
    only if their units are still free (else InsufficientStock)."""
    level_ids = list(scope.filter(status=Reservation.Status.ACTIVE).values_list("stock_level_id", flat=True).distinct())
    levels = {lv.pk: lv for lv in _lock_levels(pk__in=level_ids)}
    held = list(scope.filter(status=Reservation.Status.ACTIVE).select_for_update().order_by("pk"))
    expired = [r for r in held if r.expires_at <= now]
    if expired:
        reserved = _reserved(levels, now)  # the expired ones no longer count here
        need: dict[int, int] = defaultdict(int)
        for reservation in expired:
            need[reservation.stock_level_id] += reservation.quantity
        for level_id, quantity in need.items():
            level = levels[level_id]
            free = max(level.on_hand - reserved.get(level_id, 0), 0)
            if quantity > free:
                raise InsufficientStock(available=free, sku=level.variant.sku, requested=quantity)
    return held, levels


def reservation_renew(*, cart_key: str | None = None, order_id: int | None = None,
                      reservation_ids: Iterable[int] | None = None, minutes: int | None = None,
                      attach_order_id: int | None = None) -> list[Reservation]:
    """Extend the hold (checkout). An already expired hold is renewed only if its units are
    still free. attach_order_id links a cart's reservations to the order just created."""
    now = timezone.now()
    expires_at = _expiry(minutes, now)
    with transaction.atomic():
        held, _levels = _lock_held(_scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids), now)
        if not held:
            raise ReservationNotHeld()
        changes = {"expires_at": expires_at}
        if attach_order_id is not None:
            changes["order_id"] = attach_order_id
        Reservation.objects.filter(pk__in=[r.pk for r in held]).update(**changes)
        for reservation in held:
            for name, value in changes.items():
                setattr(reservation, name, value)
        return held


def reservation_release(*, cart_key: str | None = None, order_id: int | None = None,
                        reservation_ids: Iterable[int] | None = None) -> int:
    """Give the units back (line removed, order cancelled). Returns how many were released;
    releasing again is harmless."""
    scope = _scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids)
    with transaction.atomic():
        return scope.filter(status=Reservation.Status.ACTIVE).update(
            status=Reservation.Status.RELEASED, closed_at=timezone.now()
        )


def reservation_convert(*, order_id: int | None = None, cart_key: str | None = None,
                        reservation_ids: Iterable[int] | None = None, actor=None) -> list[Movement]:
    """Payment confirmed: the held units leave the stock (a sale movement each) and the
    reservations become converted. Converting again returns [] (a replayed webhook)."""
    now = timezone.now()
    scope = _scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids)
    with transaction.atomic():
        held, levels = _lock_held(scope, now)
        if not held:
            if scope.filter(status=Reservation.Status.CONVERTED).exists():
                return []
            raise ReservationNotHeld()
        movements = [
            Movement(stock_level_id=r.stock_level_id, kind=Movement.Kind.SALE, quantity=-r.quantity, actor=actor,
                     reference_type=Movement.Reference.ORDER, reference_id=r.order_id, reservation=r, created_at=now)
            for r in held
        ]
        Movement.objects.bulk_create(movements)
        per_level: dict[int, int] = defaultdict(int)
        for reservation in held:
            per_level[reservation.stock_level_id] += reservation.quantity
        for level_id, quantity in per_level.items():
            StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") - quantity)
        Reservation.objects.filter(pk__in=[r.pk for r in held]).update(
            status=Reservation.Status.CONVERTED, closed_at=now
        )
        return movements


def reservations_expire(*, now=None) -> int:
    """Release every reservation past its expiry in one set-based statement; rows another
    transaction holds right now (a checkout renewing them) are skipped, not waited for, and
    go at the next run. Expired rows already stop counting before this runs."""
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        expired = Reservation.objects.expired(now).order_by()
        if skip_locked:
            expired = expired.select_for_update(skip_locked=True)
        return Reservation.objects.filter(pk__in=expired.values("pk")).update(
            status=Reservation.Status.RELEASED, closed_at=now
        )


# --- suppliers and purchase orders -------------------------------------------------------------


def supplier_create(*, name: str, ruc: str, **fields) -> Supplier:
    supplier = Supplier(name=name, ruc=ruc, **fields)
    try:
        supplier.full_clean()
    except ValidationError as error:
        raise InventoryError(_("The supplier is not valid: %(errors)s"),
                             errors="; ".join(m for ms in error.message_dict.values() for m in ms)) from None
    supplier.save()
    return supplier


def purchase_order_next_number(year: int | None = None) -> str:
    """OC-YYYY-NNN from the per-year counter: one upsert statement, so two transactions can
    never get the same number (the second waits for the first's row lock). Call inside the
    transaction that saves the order."""
    year = year or timezone.localdate().year
    table = PurchaseOrderCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"OC-{year}-{number:03d}"


def _money(value) -> Decimal:
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


def purchase_order_create(*, supplier: Supplier, warehouse: Warehouse, lines, actor=None, notes: str = "",
                          expected_at=None) -> PurchaseOrder:
    """A draft purchase order. lines: (variant, quantity, unit cost before IGV) triples."""
    prepared: dict[int, tuple[int, Decimal]] = {}
    for variant, quantity, unit_cost in lines:
        _positive(quantity)
        if _pk(variant) in prepared:
            raise InventoryError(_("Each variant can appear only once in a purchase order."))
        prepared[_pk(variant)] = (quantity, _money(unit_cost))
    if not prepared:
        raise InventoryError(_("A purchase order needs at least one line."))
    with transaction.atomic():
        order = PurchaseOrder.objects.create(
            number=purchase_order_next_number(), supplier=supplier, warehouse=warehouse, notes=notes,
            expected_at=expected_at, created_by=actor,
        )
        PurchaseOrderLine.objects.bulk_create(
            PurchaseOrderLine(purchase_order=order, variant_id=vid, quantity_ordered=qty, unit_cost=cost)
            for vid, (qty, cost) in prepared.items()
        )
        return purchase_order_recalculate(purchase_order=order)


def _lock_order(purchase_order: PurchaseOrder, *allowed: str) -> PurchaseOrder:
    order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
    if order.status not in allowed:
        raise PurchaseOrderStateError(number=order.number, status=order.get_status_display())
    return order


def purchase_order_place(*, purchase_order: PurchaseOrder, actor=None) -> PurchaseOrder:
    """Send a draft to the supplier: it can be received from now on."""
    with transaction.atomic():
        order = _lock_order(purchase_order, PurchaseOrder.Status.DRAFT)
        order.status, order.ordered_at = PurchaseOrder.Status.ORDERED, timezone.now()
        order.save(update_fields=["status", "ordered_at"])
        return order


def purchase_order_cancel(*, purchase_order: PurchaseOrder, actor=None) -> PurchaseOrder:
    """Cancel an order nothing has been received for."""
    with transaction.atomic():
        order = _lock_order(purchase_order, PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.ORDERED)
        order.status = PurchaseOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        return order


def purchase_order_receive(*, purchase_order: PurchaseOrder, quantities: Mapping[int, int], actor=None,
                           allow_over_receipt: bool = False) -> list[Movement]:
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
        lines = {line.pk: line for line in order.lines.select_for_update().select_related("variant").order_by("pk")}
        unknown = set(quantities) - set(lines)
        if unknown:
            raise InventoryError(_("Line %(line)s is not part of purchase order %(number)s."),
                                 line=min(unknown), number=order.number)
        for line_id, quantity in quantities.items():
            line = lines[line_id]
            if quantity > line.outstanding and not allow_over_receipt:
                raise OverReceipt(sku=line.variant.sku, quantity=quantity, outstanding=line.outstanding)
        received = {line_id: quantity for line_id, quantity in quantities.items() if quantity}
        variant_ids = [lines[line_id].variant_id for line_id in received]
        for variant_id in variant_ids:
            StockLevel.objects.get_or_create(variant_id=variant_id, warehouse_id=order.warehouse_id)
        levels = {lv.variant_id: lv for lv in _lock_levels(variant_id__in=variant_ids, warehouse_id=order.warehouse_id)}
        movements = []
        for line_id, quantity in sorted(received.items()):
            line = lines[line_id]
            level = levels[line.variant_id]
            movements.append(_move(level, Movement.Kind.RECEIPT, quantity, actor=actor,
                                   reason=str(_("Purchase order %(number)s") % {"number": order.number}),
                                   reference_type=Movement.Reference.PURCHASE_ORDER, reference_id=order.pk,
                                   purchase_order=order))
            line.quantity_received += quantity
            line.save(update_fields=["quantity_received"])
        complete = all(line.quantity_received >= line.quantity_ordered for line in lines.values())
        order.status = PurchaseOrder.Status.RECEIVED if complete else PurchaseOrder.Status.PARTIALLY_RECEIVED
        order.received_at = timezone.now() if complete else None
        order.save(update_fields=["status", "received_at"])
        return movements


# --- alerts ----------------------------------------------------------------------------------


def low_stock_notify(*, stock_level_ids: Iterable[int]) -> int:
    """E-mail the warehouse operators about the levels still at or below their minimum; returns
    how many levels were reported (0: nothing sent)."""
    from django.core.mail import send_mail

    from .selectors import stock_levels, warehouse_staff_emails

    low = [lv for lv in stock_levels().filter(pk__in=list(stock_level_ids)) if lv.available_units <= lv.minimum]
    recipients = warehouse_staff_emails()
    if not low or not recipients:
        return 0
    lines = [
        str(_("%(sku)s in %(warehouse)s: %(available)d available, minimum %(minimum)d") % {
            "sku": lv.variant.sku, "warehouse": lv.warehouse.code, "available": lv.available_units,
            "minimum": lv.minimum,
        })
        for lv in low
    ]
    subject = str(_("Low stock: %(count)d stock levels at or below their minimum") % {"count": len(low)})
    send_mail(subject, "\n".join(lines), None, recipients)
    return len(low)
