"""Catalog writes other apps ask for (DESIGN.md: an app writes another app's data only through
that app's services)."""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from . import price_history
from .models import Product, ProductLine, ScheduledPrice, Variant, category_subtree

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RatingSummary:
    """Approved reviews of a product or a product line: how many per star (1 to 5)."""

    stars: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.stars.get(s, 0) for s in range(1, 6))

    @property
    def average(self) -> Decimal:
        if not self.count:
            return Decimal("0.00")
        total = sum(s * self.stars.get(s, 0) for s in range(1, 6))
        return (Decimal(total) / self.count).quantize(Decimal("0.01"))

    def fields(self) -> dict:
        return {
            "rating_average": self.average, "rating_count": self.count,
            **{f"rating_{s}": self.stars.get(s, 0) for s in range(1, 6)},
        }


def product_rating_store(*, product_id: int, rating: RatingSummary) -> None:
    """Store a product's rating aggregates (the caller holds the product's row lock)."""
    Product.objects.filter(pk=product_id).update(**rating.fields())


def product_line_rating_store(*, line_id: int, rating: RatingSummary) -> None:
    ProductLine.objects.filter(pk=line_id).update(**rating.fields())


def products_assign_seller(*, product_ids: list[int], seller_id: int | None) -> int:
    """List these products under a marketplace seller (None: sold by the store itself)."""
    return Product.objects.filter(pk__in=product_ids).update(seller_id=seller_id)


def product_promotions_set(*, promotions: dict[int, tuple[Decimal, Decimal]]) -> int:
    """Store each product's best running automatic discount (percent, amount) — from which the
    database derives sale_price, the price listings sort and filter on. Products not named keep
    theirs. One UPDATE per distinct pair; the listing caches are invalidated by the update."""
    by_pair: dict[tuple[Decimal, Decimal], list[int]] = {}
    for product_id, pair in promotions.items():
        by_pair.setdefault((Decimal(pair[0]), Decimal(pair[1])), []).append(product_id)
    changed = 0
    with transaction.atomic():
        for (percent, amount), ids in sorted(by_pair.items()):
            changed += Product.objects.filter(pk__in=sorted(ids)).update(promo_percent=percent, promo_amount=amount)
    return changed


def products_units_sold_add(*, quantities: dict[int, int]) -> None:
    """Add signed units to products' units sold: sales positive, returns negative. Inventory
    calls this in the transaction of its sale and return movements, so the figure moves with
    the ledger. One F() UPDATE per product, in primary-key order (every caller takes the row
    locks in the same order: no deadlock, no lost count); never below zero."""
    with transaction.atomic():
        for product_id in sorted(quantities):
            units = quantities[product_id]
            if units:
                Product.objects.filter(pk=product_id).update(
                    units_sold=Greatest(F("units_sold") + units, Value(0))
                )


def products_units_sold_set(*, units_sold: dict[int, int]) -> int:
    """Overwrite units sold (the recount from the ledger); returns how many products changed."""
    changed = 0
    with transaction.atomic():
        for product_id in sorted(units_sold):
            changed += Product.objects.filter(pk=product_id).exclude(units_sold=units_sold[product_id]).update(
                units_sold=units_sold[product_id]
            )
    return changed


# --- scheduled prices ------------------------------------------------------------------


def scheduled_price_save(*, scheduled: ScheduledPrice, actor) -> ScheduledPrice:
    """Create or edit a change still waiting for its start; validated (ValidationError, nothing
    written) and recorded as `actor`'s. Beat applies it (also enqueued at its start and end)."""
    if not scheduled._state.adding and not ScheduledPrice.objects.filter(
        pk=scheduled.pk, status=ScheduledPrice.Status.SCHEDULED
    ).exists():
        raise ValidationError(_("This price change has already started; it can no longer be edited."))
    scheduled.full_clean()
    if scheduled._state.adding:
        scheduled.created_by = actor if getattr(actor, "is_authenticated", False) else None
    scheduled.save()
    transaction.on_commit(lambda: _enqueue_at(scheduled.starts_at, scheduled.ends_at))
    return scheduled


def _enqueue_at(*moments) -> None:
    """A run at each boundary, on the dot; with the broker down, beat's every-minute run covers it."""
    from .tasks import apply_scheduled_prices

    for moment in moments:
        if moment is None:
            continue
        try:
            apply_scheduled_prices.apply_async(eta=moment)
        except Exception:  # noqa: BLE001 - the broker is optional for correctness
            logger.warning("Could not enqueue the scheduled price run at %s", moment, exc_info=True)


def scheduled_price_cancel(*, scheduled_id: int) -> int:
    """Cancel a change that has not started (1), or nothing (0): a conditional update, so a
    change that beat is applying at this moment is never half-cancelled."""
    return ScheduledPrice.objects.filter(pk=scheduled_id, status=ScheduledPrice.Status.SCHEDULED).update(
        status=ScheduledPrice.Status.CANCELLED, ended_at=timezone.now()
    )


def _claim(pk: int, condition: Q) -> ScheduledPrice | None:
    """The row locked for this transaction if it still matches, else None. Another worker
    holding it is skipped, not waited for; under READ COMMITTED a row it has just moved on no
    longer matches the condition: either way one run applies each boundary, once."""
    rows = ScheduledPrice.objects.filter(condition, pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.select_related("created_by").first()


def _apply(scheduled: ScheduledPrice) -> None:
    if scheduled.variant_id is not None:
        variant = Variant.objects.select_for_update(of=("self",)).select_related("product").get(pk=scheduled.variant_id)
        scheduled.previous = {"modifier": str(variant.price_modifier)}
        new_price = scheduled.new_amount(variant.price)
        Variant.objects.filter(pk=variant.pk).update(price_modifier=new_price - variant.product.base_price)
        return
    products = list(
        Product.objects.select_for_update().filter(category_id__in=category_subtree(scheduled.category_id))
        .order_by("pk").only("pk", "base_price", "compare_at_price")
    )
    scheduled.previous = {"products": {
        str(p.pk): [str(p.base_price), None if p.compare_at_price is None else str(p.compare_at_price)]
        for p in products
    }}
    for product in products:
        product.base_price = scheduled.new_amount(product.base_price)
        if product.compare_at_price is not None and product.compare_at_price < product.base_price:
            product.compare_at_price = None  # a list price below the price is no longer a list price
    if products:
        Product.objects.bulk_update(products, ["base_price", "compare_at_price"], batch_size=500)


def _restore(scheduled: ScheduledPrice) -> None:
    previous = scheduled.previous or {}
    if scheduled.variant_id is not None:
        if "modifier" in previous:
            Variant.objects.filter(pk=scheduled.variant_id).update(price_modifier=Decimal(previous["modifier"]))
        return
    saved = previous.get("products", {})
    products = list(Product.objects.select_for_update().filter(pk__in=[int(pk) for pk in saved]).order_by("pk")
                    .only("pk", "base_price", "compare_at_price"))
    for product in products:
        base, compare_at = saved[str(product.pk)]
        product.base_price = Decimal(base)
        product.compare_at_price = None if compare_at is None else Decimal(compare_at)
    if products:
        Product.objects.bulk_update(products, ["base_price", "compare_at_price"], batch_size=500)


def scheduled_prices_run(*, now=None) -> tuple[int, int]:
    """Apply the changes whose start has come and put back the prices of those whose end has
    come; (applied, ended). Idempotent and safe with two workers at once: each row moves on
    in its own transaction, under its row lock, only from the status it was read in. A change
    whose whole window passed while nothing ran is closed without touching prices."""
    now = now or timezone.now()
    Status = ScheduledPrice.Status
    applied = ended = 0
    due = Q(status=Status.SCHEDULED, starts_at__lte=now)
    for pk in ScheduledPrice.objects.filter(due).order_by("starts_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            scheduled = _claim(pk, due)
            if scheduled is None:
                continue
            if scheduled.ends_at is not None and scheduled.ends_at <= now:
                scheduled.status, scheduled.ended_at = Status.ENDED, now
                scheduled.save(update_fields=["status", "ended_at"])
                continue
            with price_history.price_actor(scheduled.created_by, source="scheduled"):
                _apply(scheduled)
            scheduled.status, scheduled.applied_at = Status.RUNNING, now
            scheduled.save(update_fields=["status", "applied_at", "previous"])
            applied += 1
    over = Q(status=Status.RUNNING, ends_at__lte=now)
    for pk in ScheduledPrice.objects.filter(over).order_by("ends_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            scheduled = _claim(pk, over)
            if scheduled is None:
                continue
            with price_history.price_actor(scheduled.created_by, source="scheduled end"):
                _restore(scheduled)
            scheduled.status, scheduled.ended_at = Status.ENDED, now
            scheduled.save(update_fields=["status", "ended_at"])
            ended += 1
    return applied, ended
