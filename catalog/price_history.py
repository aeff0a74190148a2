"""Every change of a variant's effective price (product base price + variant modifier)
adds a PriceHistory row, whichever ORM path made it: save(), QuerySet.update() (which
bulk_update() uses too) or bulk_create(). Raw SQL is the only way around it."""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import models, transaction
from simple_history.models import HistoricalRecords

_actor: contextvars.ContextVar = contextvars.ContextVar("price_actor", default=None)
_source: contextvars.ContextVar = contextvars.ContextVar("price_source", default="")


@contextmanager
def price_actor(user, *, source: str = "") -> Iterator[None]:
    """Attribute price changes made inside the block to user (commands, services), and name
    their origin (e.g. "scheduled") instead of the ORM path that made them."""
    token, source_token = _actor.set(user), _source.set(source)
    try:
        yield
    finally:
        _actor.reset(token)
        _source.reset(source_token)


def current_actor():
    user = _actor.get()
    if user is None:
        # Inside a request, simple_history's middleware knows who is signed in.
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(changes: Iterable[tuple[int, Decimal | None, Decimal]], *, source: str) -> None:
    """Append one row per (variant id, previous price, new price) that really changed."""
    from .models import PriceHistory

    actor = current_actor()
    source = _source.get() or source
    rows = [
        PriceHistory(variant_id=variant_id, previous_price=old, price=new, changed_by=actor, source=source)
        for variant_id, old, new in changes
        if old is None or old != new
    ]
    if rows:
        PriceHistory.objects.bulk_create(rows)


def _effective_prices(variant_filter: models.Q) -> dict[int, Decimal]:
    from .models import Variant

    return {
        pk: base + modifier
        for pk, base, modifier in Variant.objects.filter(variant_filter).values_list(
            "pk", "product__base_price", "price_modifier"
        )
    }


@contextmanager
def tracking(variant_filter: models.Q, *, source: str) -> Iterator[None]:
    """Compare the effective prices of the matched variants before and after the block."""
    with transaction.atomic():
        before = _effective_prices(variant_filter)
        yield
        after = _effective_prices(models.Q(pk__in=list(before)))
        record(((pk, before[pk], after[pk]) for pk in before if pk in after), source=source)


class ProductPriceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "base_price" not in kwargs:
            return super().update(**kwargs)
        product_ids = list(self.values_list("pk", flat=True))
        with tracking(models.Q(product_id__in=product_ids), source="bulk"):
            return super().update(**kwargs)


class VariantPriceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "price_modifier" not in kwargs:
            return super().update(**kwargs)
        variant_ids = list(self.values_list("pk", flat=True))
        with tracking(models.Q(pk__in=variant_ids), source="bulk"):
            return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            prices = _effective_prices(models.Q(pk__in=[o.pk for o in created if o.pk]))
            record(((pk, None, price) for pk, price in prices.items()), source="created")
        return created
