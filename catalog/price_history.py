"""The price history's rows (append-only): one per change of a variant's effective price (the
product's base price + the variant's modifier), with who and where from. catalog.services calls
these with the old and new prices it read under its row locks; nothing else writes the history."""

from collections.abc import Iterable
from decimal import Decimal

from core.actors import signed_in
from core.history import HistoricalRecords

from .models import PriceHistory, Variant


def _author(actor):
    if actor is None:
        # Inside a request, simple_history's middleware knows who is signed in.
        request = getattr(HistoricalRecords.context, "request", None)
        actor = getattr(request, "user", None)
    return signed_in(actor)


def record(changes: Iterable[tuple[int, Decimal | None, Decimal]], *, source: str, actor=None) -> int:
    """One row per (variant id, previous price or None when new, new price) that really changed."""
    author = _author(actor)
    rows = [
        PriceHistory(variant_id=variant_id, previous_price=old, price=new, changed_by=author, source=source)
        for variant_id, old, new in changes
        if old is None or old != new
    ]
    PriceHistory.objects.bulk_create(rows)
    return len(rows)


def record_base_prices(changes: dict[int, tuple[Decimal, Decimal]], *, source: str, actor=None) -> int:
    """Products' base prices moved ({product id: (old, new)}): a row for each of their variants."""
    moved = {pk: prices for pk, prices in changes.items() if prices[0] != prices[1]}
    if not moved:
        return 0
    variants = Variant.objects.filter(product_id__in=moved).values_list("pk", "product_id", "price_modifier")
    return record(
        (
            (pk, moved[product_id][0] + modifier, moved[product_id][1] + modifier)
            for pk, product_id, modifier in variants
        ),
        source=source,
        actor=actor,
    )
