"""What other apps report back to the catalog (an app writes another app's data only
through that app's services): ratings from reviews, units sold from the ledger, the running
automatic discounts from promotions, the seller a product is listed under."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from ..models import Product, ProductLine


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

    def fields(self) -> dict[str, Decimal | int]:
        return {
            "rating_average": self.average,
            "rating_count": self.count,
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


def product_promo_badges_set(*, badges: dict[int, str]) -> int:
    """Store each product's quantity-offer badge ("" for none); products not named keep theirs.
    One UPDATE per distinct badge; the card key and the listing caches follow the update."""
    by_badge: dict[str, list[int]] = {}
    for product_id, badge in badges.items():
        by_badge.setdefault(badge[:30], []).append(product_id)
    changed = 0
    with transaction.atomic():
        for badge, ids in sorted(by_badge.items()):
            changed += Product.objects.filter(pk__in=sorted(ids)).update(promo_badge=badge)
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
                Product.objects.filter(pk=product_id).update(units_sold=Greatest(F("units_sold") + units, Value(0)))


def products_units_sold_set(*, units_sold: dict[int, int]) -> int:
    """Overwrite units sold (the recount from the ledger); returns how many products changed."""
    changed = 0
    with transaction.atomic():
        for product_id in sorted(units_sold):
            changed += (
                Product.objects.filter(pk=product_id)
                .exclude(units_sold=units_sold[product_id])
                .update(units_sold=units_sold[product_id])
            )
    return changed
