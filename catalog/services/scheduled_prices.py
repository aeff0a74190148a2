"""Scheduled price changes (a variant's price, or every price of a category, from a start to an
optional end): created and edited while waiting, applied and put back by beat exactly once.
Every price they move is recorded in the price history as the change's author's."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in

from .. import enqueue, price_history
from ..models import Product, ScheduledPrice, Variant, category_subtree

if TYPE_CHECKING:
    from core.actors import AnyUser


def scheduled_price_save(*, scheduled: ScheduledPrice, actor: "AnyUser | None") -> ScheduledPrice:
    """Create or edit a change still waiting for its start; validated (ValidationError, nothing
    written) and recorded as `actor`'s. Beat applies it (also enqueued at its start and end)."""
    if (
        not scheduled._state.adding
        and not ScheduledPrice.objects.filter(pk=scheduled.pk, status=ScheduledPrice.Status.SCHEDULED).exists()
    ):
        raise ValidationError(_("This price change has already started; it can no longer be edited."))
    scheduled.full_clean()
    if scheduled._state.adding:
        scheduled.created_by = signed_in(actor)
    scheduled.save()
    for moment in (scheduled.starts_at, scheduled.ends_at):
        if moment is not None:
            enqueue.scheduled_prices_apply_at(moment=moment)
    return scheduled


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
    author = scheduled.created_by
    if scheduled.variant_id is not None:
        variant = Variant.objects.select_for_update(of=("self",)).select_related("product").get(pk=scheduled.variant_id)
        scheduled.previous = {"modifier": str(variant.price_modifier)}
        old_price, new_price = variant.price, scheduled.new_amount(variant.price)
        Variant.objects.filter(pk=variant.pk).update(price_modifier=new_price - variant.product.base_price)
        price_history.record([(variant.pk, old_price, new_price)], source="scheduled", actor=author)
        return
    assert scheduled.category_id is not None  # a change names a variant or a category (clean())
    products = list(
        Product.objects.select_for_update()
        .filter(category_id__in=category_subtree(scheduled.category_id))
        .order_by("pk")
        .only("pk", "base_price", "compare_at_price")
    )
    scheduled.previous = {
        "products": {
            str(p.pk): [str(p.base_price), None if p.compare_at_price is None else str(p.compare_at_price)]
            for p in products
        }
    }
    moved = {}
    for product in products:
        old_base, product.base_price = product.base_price, scheduled.new_amount(product.base_price)
        moved[product.pk] = (old_base, product.base_price)
        if product.compare_at_price is not None and product.compare_at_price < product.base_price:
            product.compare_at_price = None  # a list price below the price is no longer a list price
    _store_base_prices(products, moved, source="scheduled", actor=author)


def _restore(scheduled: ScheduledPrice) -> None:
    previous, author = scheduled.previous or {}, scheduled.created_by
    if scheduled.variant_id is not None:
        if "modifier" in previous:
            variant = (
                Variant.objects.select_for_update(of=("self",)).select_related("product").get(pk=scheduled.variant_id)
            )
            old_price = variant.price
            variant.price_modifier = Decimal(previous["modifier"])
            Variant.objects.filter(pk=variant.pk).update(price_modifier=variant.price_modifier)
            price_history.record([(variant.pk, old_price, variant.price)], source="scheduled end", actor=author)
        return
    saved = previous.get("products", {})
    products = list(
        Product.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in saved])
        .order_by("pk")
        .only("pk", "base_price", "compare_at_price")
    )
    moved = {}
    for product in products:
        base, compare_at = saved[str(product.pk)]
        moved[product.pk] = (product.base_price, Decimal(base))
        product.base_price = Decimal(base)
        product.compare_at_price = None if compare_at is None else Decimal(compare_at)
    _store_base_prices(products, moved, source="scheduled end", actor=author)


def _store_base_prices(
    products: list[Product], moved: dict[int, tuple[Decimal, Decimal]], *, source: str, actor: "AnyUser | None"
) -> None:
    if products:
        Product.objects.bulk_update(products, ["base_price", "compare_at_price"], batch_size=500)
        price_history.record_base_prices(moved, source=source, actor=actor)


def scheduled_prices_run(*, now: datetime | None = None) -> tuple[int, int]:
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
            _restore(scheduled)
            scheduled.status, scheduled.ended_at = Status.ENDED, now
            scheduled.save(update_fields=["status", "ended_at"])
            ended += 1
    return applied, ended
