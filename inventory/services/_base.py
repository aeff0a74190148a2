"""What every inventory service shares: argument checks, row locks in a fixed order, the
reserved-units read under those locks, the ledger write, and low-stock alert collection."""

from collections import defaultdict
from collections.abc import Iterable, Sized
from datetime import datetime
from uuid import UUID

from django.db import connection
from django.db.models import F, Model

from accounts.models import User
from catalog.models import Variant
from catalog.services import products_units_sold_add

from .. import enqueue, ports
from ..exceptions import InsufficientStock, InvalidQuantity, ReasonRequired
from ..models import Movement, PurchaseOrder, Reservation, StockLevel, Warehouse
from ..shown_stock import stock_changed


def positive(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidQuantity(value=value)
    return value


def required_reason(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ReasonRequired()
    return text[:255]


def pk_of(obj: Model | int) -> int:
    return obj if isinstance(obj, int) else obj.pk


def lock_levels(**filters: object) -> list[StockLevel]:
    """Lock the matching stock levels in primary-key order (PostgreSQL locks rows in the
    ORDER BY order) and return them with variant, product and warehouse loaded."""
    return list(
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("variant__product", "warehouse")
        .filter(**filters)
        .order_by("pk")
    )


def placeholders(values: Sized) -> str:
    return ", ".join(["%s"] * len(values))


def reserved_by_level(level_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Units of active unexpired reservations per stock level. Call after locking the levels:
    this statement's fresh snapshot then sees every hold committed before the lock was ours.
    Plain SQL: it runs inside the row lock, where the ORM's compiling would lengthen the wait
    of every other buyer."""
    ids = list(level_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stock_level_id, SUM(quantity) FROM {Reservation._meta.db_table} "
            f"WHERE stock_level_id IN ({placeholders(ids)}) AND status = %s AND expires_at > %s "
            f"GROUP BY stock_level_id",
            [*ids, Reservation.Status.ACTIVE, now],
        )
        return {level_id: int(total) for level_id, total in cursor.fetchall()}


def locked_level(variant: Variant, warehouse: Warehouse, *, create: bool) -> StockLevel:
    """The locked stock level of (variant, warehouse), created empty when allowed."""
    if create:
        StockLevel.objects.get_or_create(variant_id=pk_of(variant), warehouse_id=pk_of(warehouse))
    levels = lock_levels(variant_id=pk_of(variant), warehouse_id=pk_of(warehouse))
    if not levels:
        raise InsufficientStock(
            available=0, sku=getattr(variant, "sku", variant), requested=0, variant_id=pk_of(variant)
        )
    return levels[0]


def units_sold_record(movements: Iterable[Movement]) -> None:
    """Keep the catalog's units sold in step with new sale (+) and return (-) movements, in the
    same transaction, one set-based update per product.

    The rule (docs/features/catalog.md, "Bundles"): a bundle counts the bundles sold, and a component counts only
    the units sold on their own, since "best-selling" tells shoppers what people buy. So a
    movement sold as a bundle counts its bundle_units for the bundle's product, and any other its
    quantity for its own product (inventory.selectors.units_sold_by_product recounts the same)."""
    per_product: dict[int, int] = defaultdict(int)
    direct: dict[int, int] = defaultdict(int)
    bundled: dict[int, int] = defaultdict(int)
    for movement in movements:
        if movement.sold_as_id:
            bundled[movement.sold_as_id] -= movement.bundle_units
        else:
            direct[movement.stock_level_id] -= movement.quantity
    if any(direct.values()):
        for level_id, product_id in StockLevel.objects.filter(pk__in=list(direct)).values_list(
            "pk", "variant__product_id"
        ):
            per_product[product_id] += direct[level_id]
    if any(bundled.values()):
        for variant_id, product_id in Variant.objects.filter(pk__in=list(bundled)).values_list("pk", "product_id"):
            per_product[product_id] += bundled[variant_id]
    wanted = {product_id: units for product_id, units in per_product.items() if units}
    if wanted:
        products_units_sold_add(quantities=wanted)


class LowStockAlerts:
    """Collects stock levels whose availability crossed down to their minimum; the e-mail is
    enqueued only when the transaction commits."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def check(self, level_id: int, minimum: int, before: int, after: int) -> None:
        """Note the level when its available units go from above its minimum to at or below it."""
        if before > minimum >= after:
            self.ids.append(level_id)

    def send_on_commit(self) -> None:
        if self.ids:
            enqueue.low_stock_notify(stock_level_ids=sorted(set(self.ids)))


def record_movement(
    level: StockLevel,
    kind: str,
    quantity: int,
    *,
    actor: User | None = None,
    reason: str = "",
    reference_type: str = Movement.Reference.MANUAL,
    reference_id: int | None = None,
    purchase_order: PurchaseOrder | None = None,
    transfer_key: UUID | None = None,
    sold_as_id: int | None = None,
    bundle_units: int = 0,
) -> Movement:
    """Append a movement and apply it to the (locked) level's on_hand. The one place on_hand
    rises (receipts, returns, restocks, transfers in): those waiting for the variant are told."""
    movement = Movement.objects.create(
        stock_level=level,
        kind=kind,
        quantity=quantity,
        actor=actor,
        reason=reason or "",
        reference_type=reference_type,
        reference_id=reference_id,
        purchase_order=purchase_order,
        transfer_key=transfer_key,
        sold_as_id=sold_as_id,
        bundle_units=bundle_units,
    )
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity)
    level.on_hand += quantity
    stock_changed([level.variant_id])
    if quantity > 0:
        ports.stock_replenished(variant_ids=[level.variant_id])
    return movement


def available_units(level: StockLevel, now: datetime) -> int:
    return max(level.on_hand - reserved_by_level([level.pk], now).get(level.pk, 0), 0)
