"""Reservations: hold units for a cart or an order, renew, release, convert on payment,
and release expired holds in bulk. Available = on hand − active unexpired holds; expired
holds stop counting at once, whether or not reservations_expire has run."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalog import bundles
from catalog.models import Product, Variant
from core.site_settings import site_setting

from ..exceptions import (
    InactiveVariant,
    InsufficientStock,
    InvalidQuantity,
    InventoryError,
    PurchaseLimitExceeded,
    ReservationNotHeld,
)
from ..models import Movement, Reservation, ReservationQuerySet, StockLevel, Warehouse
from ..shown_stock import stock_changed
from ._base import (
    LowStockAlerts,
    lock_levels,
    pk_of,
    placeholders,
    positive,
    reserved_by_level,
    units_sold_record,
)

# What to reserve: (variant or variant id, quantity) pairs, or a {variant id: quantity} mapping.
ReserveLines = Mapping[int, int] | Iterable[tuple[Variant | int, int]]


def _requested(lines: ReserveLines) -> dict[int, int]:
    """{variant id: quantity} from (variant or id, quantity) pairs or a mapping; repeated variants add up."""
    pairs = lines.items() if isinstance(lines, Mapping) else lines
    merged: dict[int, int] = defaultdict(int)
    for variant, quantity in pairs:
        merged[pk_of(variant)] += positive(quantity)
    if not merged:
        raise InvalidQuantity(value=0)
    return dict(sorted(merged.items()))


def _expiry(minutes: int | None, now: datetime) -> datetime:
    minutes = site_setting("RESERVATION_MINUTES") if minutes is None else positive(minutes)
    return now + timedelta(minutes=minutes)


def _scope(*, cart_key: str | None, order_id: int | None, reservation_ids: Iterable[int] | None) -> ReservationQuerySet:
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


def customer_purchase_limit_check(*, customer: User, lines: ReserveLines, now: datetime | None = None) -> None:
    """Refuse when the customer would hold more units of a product than its purchase limit
    (Product.purchase_limit: 5 unless the product says otherwise).

    Held = active unexpired reservations plus converted ones (bought). Call inside the
    transaction that then reserves, after locking the customer's row (stock_reserve does both).
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
        .order_by()
        .values("stock_level__variant__product_id")
        .annotate(total=Sum("quantity"))
        .values_list("stock_level__variant__product_id", "total")
    )
    for product in Product.objects.filter(pk__in=per_product).only("pk", "name", "max_per_customer"):
        already = held.get(product.pk, 0)
        if product.exceeds_purchase_limit(held=already, adding=per_product[product.pk]):
            raise PurchaseLimitExceeded(
                limit=product.purchase_limit,
                product=product.name,
                held=already,
                product_id=product.pk,
                order_ids=_orders_holding(customer=customer, product_id=product.pk, now=now),
            )


def _orders_holding(*, customer: User, product_id: int, now: datetime) -> list[int]:
    """The orders (awaiting payment) whose holds count toward the limit, newest first: the shopper
    is told to pay them (or wait until they expire) rather than just "you already hold N"."""
    return [
        order_id
        for order_id in Reservation.objects.filter(
            customer=customer,
            stock_level__variant__product_id=product_id,
            status=Reservation.Status.ACTIVE,
            expires_at__gt=now,
            order_id__isnull=False,
        )
        .order_by("-order_id")
        .values_list("order_id", flat=True)
        .distinct()
        if order_id is not None  # filtered out above; tells the checker
    ]


def _refuse_unsellable(variant_ids: Iterable[int]) -> None:
    for variant in Variant.objects.select_related("product").filter(pk__in=list(variant_ids)):
        if not variant.is_active or variant.product.status != Product.Status.ACTIVE:
            raise InactiveVariant(sku=variant.sku)


@dataclass
class _Candidate:
    """A locked stock level a reservation may take units from."""

    level_id: int
    variant_id: int
    on_hand: int
    minimum: int
    priority: int
    warehouse_id: int
    sku: str
    sellable: bool


def _lock_candidates(variant_ids: list[int]) -> list[_Candidate]:
    """Lock the stock levels of these variants in active warehouses, in primary-key order."""
    level, warehouse = StockLevel._meta.db_table, Warehouse._meta.db_table
    variant, product = Variant._meta.db_table, Product._meta.db_table
    sql = (
        f"SELECT sl.id, sl.variant_id, sl.on_hand, sl.minimum, w.priority, w.id, v.sku, v.is_active, p.status "
        f"FROM {level} sl JOIN {warehouse} w ON w.id = sl.warehouse_id JOIN {variant} v ON v.id = sl.variant_id "
        f"JOIN {product} p ON p.id = v.product_id "
        f"WHERE sl.variant_id IN ({placeholders(variant_ids)}) AND w.is_active = %s ORDER BY sl.id"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF sl"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*variant_ids, True])
        return [
            _Candidate(
                row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]) and row[8] == Product.Status.ACTIVE
            )
            for row in cursor.fetchall()
        ]


def _insert_reservations(rows: list[Reservation]) -> list[Reservation]:
    """One multi-row INSERT … RETURNING id (inside the row lock, so plain SQL)."""
    if not connection.features.can_return_rows_from_bulk_insert:
        return Reservation.objects.bulk_create(rows)
    columns = [
        "stock_level_id",
        "quantity",
        "cart_key",
        "order_id",
        "customer_id",
        "status",
        "expires_at",
        "created_at",
    ]
    values = ", ".join(["(" + placeholders(columns) + ")"] * len(rows))
    params = [getattr(row, column) for row in rows for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reservation._meta.db_table} ({', '.join(columns)}) VALUES {values} RETURNING id", params
        )
        for row, (pk,) in zip(rows, cursor.fetchall()):
            row.pk = pk
            row._state.adding, row._state.db = False, connection.alias
    return rows


# On PostgreSQL a reservation is one call of inventory_reserve() (inventory/sql/reserve.sql):
# the same allocation as the Python path below (priority order, split across warehouses, all
# lines or none, the purchase limit), in one round trip, with plans cached per connection; when
# called outside a transaction its row locks are held only inside the server, never across a
# client round trip. When it reserves nothing, the Python path runs and raises the precise
# error (or succeeds, if units were freed meanwhile). Tests switch this off to exercise the
# Python path on PostgreSQL too.
RESERVE_IN_DATABASE = True


class _Hold(TypedDict):
    """What every reservation of one stock_reserve call shares."""

    cart_key: str | None
    order_id: int | None
    customer: User | None
    expires_at: datetime
    now: datetime


def _reserve_in_database(requested: dict[int, int], hold: _Hold) -> list[Reservation]:
    """The PostgreSQL path: the reservations made, or [] when it made none."""
    cart_key, order_id, customer = hold["cart_key"], hold["order_id"], hold["customer"]
    expires_at, now = hold["expires_at"], hold["now"]
    customer_id = customer.pk if customer is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM inventory_reserve(%s::bigint[], %s::integer[], %s::varchar, %s::bigint, %s::bigint, "
            "%s::timestamptz, %s::timestamptz, %s::integer)",
            [
                list(requested),
                list(requested.values()),
                cart_key,
                order_id,
                customer_id,
                expires_at,
                now,
                settings.MAX_UNITS_PER_CUSTOMER,
            ],
        )
        rows = cursor.fetchall()
    alerts = LowStockAlerts()
    made = []
    for pk, level_id, quantity, free, minimum in rows:
        reservation = Reservation(
            pk=pk,
            stock_level_id=level_id,
            quantity=quantity,
            cart_key=cart_key,
            order_id=order_id,
            customer=customer,
            status=Reservation.Status.ACTIVE,
            expires_at=expires_at,
            created_at=now,
        )
        reservation._state.adding, reservation._state.db = False, connection.alias
        made.append(reservation)
        alerts.check(level_id, minimum, free, free - quantity)
    alerts.send_on_commit()
    return made


def stock_reserve(
    *,
    lines: ReserveLines,
    cart_key: str | None = None,
    order_id: int | None = None,
    customer: User | None = None,
    minutes: int | None = None,
    may_hold_bundles: bool = True,
) -> list[Reservation]:
    """Hold units for a cart or an order: all lines or nothing; returns the reservations made.

    lines: (variant or variant id, quantity) pairs, or a {variant id: quantity} mapping; a
    bundle's line holds its components (units per bundle × quantity), so every hold, sale
    and movement is a component's.
    Each line takes units from active warehouses by priority (lower first), split across
    warehouses when one is not enough. With a customer, the purchase limit per product holds
    (customer_purchase_limit_check). Raises InsufficientStock, InactiveVariant,
    PurchaseLimitExceeded or InvalidQuantity, and writes nothing then. Expires after
    `minutes` (the RESERVATION_MINUTES site setting by default).
    """
    # A bundle holds no stock of its own: its components are held (catalog.bundles). A caller
    # that knows no line is a bundle says so (may_hold_bundles=False) and saves that query.
    requested = _requested(lines)
    if may_hold_bundles:
        requested = _requested(bundles.expand(requested).items())
    if not (cart_key or order_id):
        raise InventoryError(_("A reservation needs a cart or an order."))
    now = timezone.now()
    hold: _Hold = {
        "cart_key": cart_key,
        "order_id": order_id,
        "customer": customer,
        "expires_at": _expiry(minutes, now),
        "now": now,
    }
    made = []
    if RESERVE_IN_DATABASE and connection.vendor == "postgresql":
        made = _reserve_in_database(requested, hold)
        if not made:
            _explain_refusal(requested, customer=customer, now=now)
    if not made:
        made = _reserve_in_python(requested, hold)
    stock_changed(requested)
    return made


def _explain_refusal(requested: dict[int, int], *, customer: User | None, now: datetime) -> None:
    """The database function reserved nothing: raise the reason, read without locks (a refusal
    writes nothing, so it needs none and keeps the buyers still racing unhindered). If no reason
    shows any more (units were freed meanwhile), return and let the locked path try again."""
    from ..selectors import availability_by_variant

    if customer is not None:
        customer_purchase_limit_check(customer=customer, lines=requested, now=now)
    _refuse_unsellable(requested)
    available = availability_by_variant(requested, now=now)
    short = [variant_id for variant_id, quantity in requested.items() if available[variant_id] < quantity]
    if short:
        sku = _sku_of(short[0])
        raise InsufficientStock(
            available=available[short[0]], sku=sku, requested=requested[short[0]], variant_id=short[0]
        )


def _sku_of(variant_id: int) -> str:
    return Variant.objects.filter(pk=variant_id).values_list("sku", flat=True).first() or str(variant_id)


def _reserve_in_python(requested: dict[int, int], hold: _Hold) -> list[Reservation]:
    """Three statements hold the row locks: the locking SELECT, the sum of holds, the INSERT."""
    cart_key, order_id, customer = hold["cart_key"], hold["order_id"], hold["customer"]
    expires_at, now = hold["expires_at"], hold["now"]
    with transaction.atomic():
        if customer is not None:
            get_user_model().objects.select_for_update().filter(pk=customer.pk).first()
            customer_purchase_limit_check(customer=customer, lines=requested, now=now)
        candidates = _lock_candidates(list(requested))
        by_variant: dict[int, list[_Candidate]] = defaultdict(list)
        for candidate in candidates:
            by_variant[candidate.variant_id].append(candidate)
        unsellable = [vid for vid in requested if not by_variant.get(vid) or not by_variant[vid][0].sellable]
        if unsellable:
            _refuse_unsellable(unsellable)
        reserved = reserved_by_level([c.level_id for c in candidates], now)
        alerts = LowStockAlerts()
        created: list[Reservation] = []
        for variant_id, quantity in requested.items():
            ranked = sorted(by_variant.get(variant_id, []), key=lambda c: (c.priority, c.warehouse_id))
            free = {c.level_id: max(c.on_hand - reserved.get(c.level_id, 0), 0) for c in ranked}
            if sum(free.values()) < quantity:
                # No stock level at all (never stocked): the SKU is still what staff read, not the id.
                sku = ranked[0].sku if ranked else _sku_of(variant_id)
                raise InsufficientStock(
                    available=sum(free.values()), sku=sku, requested=quantity, variant_id=variant_id
                )
            remaining = quantity
            for candidate in ranked:
                take = min(free[candidate.level_id], remaining)
                if take:
                    created.append(
                        Reservation(
                            stock_level_id=candidate.level_id,
                            quantity=take,
                            cart_key=cart_key,
                            order_id=order_id,
                            customer=customer,
                            status=Reservation.Status.ACTIVE,
                            expires_at=expires_at,
                            created_at=now,
                        )
                    )
                    alerts.check(
                        candidate.level_id, candidate.minimum, free[candidate.level_id], free[candidate.level_id] - take
                    )
                    remaining -= take
                if not remaining:
                    break
        _insert_reservations(created)
        alerts.send_on_commit()
        return created


def _lock_held(scope: ReservationQuerySet, now: datetime) -> tuple[list[Reservation], dict[int, StockLevel]]:
    """Lock the stock levels, then the active reservations of a scope; expired ones are kept
    only if their units are still free (else InsufficientStock)."""
    active = scope.filter(status=Reservation.Status.ACTIVE)
    level_ids = list(active.values_list("stock_level_id", flat=True).distinct())
    levels = {lv.pk: lv for lv in lock_levels(pk__in=level_ids)}
    held = list(active.select_for_update().order_by("pk"))
    expired = [r for r in held if r.expires_at <= now]
    if expired:
        reserved = reserved_by_level(levels, now)  # the expired ones no longer count here
        need: dict[int, int] = defaultdict(int)
        for reservation in expired:
            need[reservation.stock_level_id] += reservation.quantity
        for level_id, quantity in need.items():
            level = levels[level_id]
            free = max(level.on_hand - reserved.get(level_id, 0), 0)
            if quantity > free:
                raise InsufficientStock(
                    available=free, sku=level.variant.sku, requested=quantity, variant_id=level.variant_id
                )
    return held, levels


def reservation_renew(
    *,
    cart_key: str | None = None,
    order_id: int | None = None,
    reservation_ids: Iterable[int] | None = None,
    minutes: int | None = None,
    attach_order_id: int | None = None,
    until: datetime | None = None,
) -> list[Reservation]:
    """Extend the hold (checkout). An already expired hold is renewed only if its units are
    still free. attach_order_id links a cart's reservations to the order just created. `until`
    (instead of minutes) holds until that moment: an order waiting for a payment code's expiry."""
    now = timezone.now()
    expires_at = until if until is not None else _expiry(minutes, now)
    with transaction.atomic():
        held, _levels = _lock_held(_scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids), now)
        if not held:
            raise ReservationNotHeld()
        changes: dict[str, datetime | int] = {"expires_at": expires_at}
        if attach_order_id is not None:
            changes["order_id"] = attach_order_id
        Reservation.objects.filter(pk__in=[r.pk for r in held]).update(**changes)
        for reservation in held:
            for name, value in changes.items():
                setattr(reservation, name, value)
        # A lapsed hold renewed takes its units again.
        stock_changed(level.variant_id for level in _levels.values())
        return held


def reservation_release(
    *, cart_key: str | None = None, order_id: int | None = None, reservation_ids: Iterable[int] | None = None
) -> int:
    """Give the units back (line removed, order cancelled). Returns how many were released;
    releasing again is harmless."""
    scope = _scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids)
    with transaction.atomic():
        active = scope.filter(status=Reservation.Status.ACTIVE)
        stock_changed(active.values_list("stock_level__variant_id", flat=True))
        return active.update(status=Reservation.Status.RELEASED, closed_at=timezone.now())


@dataclass
class BundleSlot:
    """Units of a component still to be sold as one bundle variant (None: on their own)."""

    sold_as: int | None
    units: int


@dataclass
class BundleSale:
    """How an order's component units split between the bundles it bought and the units it
    bought on their own: slots {component variant id: [BundleSlot, ...]} (units on their own
    first) and the bundles each bundle variant sells."""

    slots: dict[int, list[BundleSlot]]
    bundles: dict[int, int]


def _sold_as(
    held: list[Reservation], levels: dict[int, StockLevel], plan: BundleSale
) -> list[tuple[Reservation, int | None]]:
    """(reservation, bundle variant id or None) for each held reservation; a reservation whose
    units belong partly to a bundle and partly elsewhere is split in two first (under the locks,
    so the units held do not change), so that each still converts to exactly one movement."""
    pieces: list[tuple[Reservation, int | None]] = []
    queue = list(held)
    while queue:
        reservation = queue.pop(0)
        slots = [slot for slot in plan.slots.get(levels[reservation.stock_level_id].variant_id, []) if slot.units > 0]
        if not slots:
            pieces.append((reservation, None))
            continue
        sold_as, room = slots[0].sold_as, slots[0].units
        if reservation.quantity > room:
            rest = Reservation.objects.create(
                stock_level_id=reservation.stock_level_id,
                quantity=reservation.quantity - room,
                cart_key=reservation.cart_key,
                order_id=reservation.order_id,
                customer_id=reservation.customer_id,
                status=reservation.status,
                expires_at=reservation.expires_at,
                created_at=reservation.created_at,
            )
            Reservation.objects.filter(pk=reservation.pk).update(quantity=room)
            reservation.quantity = room
            queue.insert(0, rest)
        slots[0].units -= reservation.quantity
        pieces.append((reservation, sold_as))
    return pieces


def reservation_convert(
    *,
    order_id: int | None = None,
    cart_key: str | None = None,
    reservation_ids: Iterable[int] | None = None,
    actor: User | None = None,
    bundle_sale: BundleSale | None = None,
) -> list[Movement]:
    """Payment confirmed: the held units leave the stock (a sale movement each) and the
    reservations become converted. Converting again returns [] (a replayed webhook).
    With a bundle_sale, the component units sold as a bundle are marked so (Movement.sold_as)
    and the first movement of each bundle carries its bundles."""
    now = timezone.now()
    scope = _scope(cart_key=cart_key, order_id=order_id, reservation_ids=reservation_ids)
    with transaction.atomic():
        held, levels = _lock_held(scope, now)
        if not held:
            if scope.filter(status=Reservation.Status.CONVERTED).exists():
                return []
            raise ReservationNotHeld()
        pieces = _sold_as(held, levels, bundle_sale) if bundle_sale else [(r, None) for r in held]
        bundles_left = dict(bundle_sale.bundles) if bundle_sale else {}
        movements = []
        for reservation, sold_as in pieces:
            bundles = bundles_left.pop(sold_as, 0) if sold_as else 0
            movements.append(
                Movement(
                    stock_level_id=reservation.stock_level_id,
                    kind=Movement.Kind.SALE,
                    quantity=-reservation.quantity,
                    actor=actor,
                    reference_type=Movement.Reference.ORDER,
                    reference_id=reservation.order_id,
                    reservation=reservation,
                    created_at=now,
                    sold_as_id=sold_as,
                    bundle_units=-bundles,
                )
            )
        Movement.objects.bulk_create(movements)
        per_level: dict[int, int] = defaultdict(int)
        for reservation, _bundle in pieces:
            per_level[reservation.stock_level_id] += reservation.quantity
        for level_id, quantity in per_level.items():
            StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") - quantity)
        units_sold_record(movements)
        Reservation.objects.filter(pk__in=[r.pk for r, _bundle in pieces]).update(
            status=Reservation.Status.CONVERTED, closed_at=now
        )
        # Units held leave with their holds (a lapsed hold's units leave what was free).
        stock_changed(level.variant_id for level in levels.values())
        return movements


def reservations_expire(*, now: datetime | None = None) -> int:
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
