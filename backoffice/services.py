"""Back-office writes: the commission snapshot of a paid order's seller lines."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q

from catalog.models import Category
from orders.models import OrderLine

from .models import CategoryCommission, LineCommission

CENT = Decimal("0.01")


def commission_of(base: Decimal, rate: Decimal) -> Decimal:
    """rate % of base, to the cent, halves up (the way a Peruvian invoice rounds)."""
    return (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _category_chains(category_ids: set[int]) -> dict[int, list[int]]:
    """Each category with its ancestors, nearest first (one query over the small category table)."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    chains = {}
    for category_id in category_ids:
        chain: list[int] = []
        current: int | None = category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[category_id] = chain
    return chains


@transaction.atomic
def order_commissions_snapshot(*, order_id: int) -> int:
    """Keep the commission of every seller line of a paid order: the nearest category override
    (the seller's own before the one for every seller), else the seller's rate, on the line's paid
    amount (after its discounts, IGV included). Lines already snapshotted keep their snapshot, so
    a replayed payment changes nothing. A fixed number of queries, whatever the number of lines.
    Orders calls it in the transaction that marks the order paid (orders.ports.commissions_snapshot)."""
    lines = list(
        OrderLine.objects.filter(order_id=order_id, seller__isnull=False, commission__isnull=True).values_list(
            "pk", "seller_id", "seller__commission_rate", "line_total", "variant__product__category_id"
        )
    )
    if not lines:
        return 0
    seller_ids = {line[1] for line in lines}
    overrides: dict[tuple[int, int | None], Decimal] = {  # seller None: the rate for every seller
        (category_id, seller_id): rate
        for category_id, seller_id, rate in CategoryCommission.objects.filter(
            Q(seller_id__in=seller_ids) | Q(seller__isnull=True)
        ).values_list("category_id", "seller_id", "rate")
    }
    chains = _category_chains({line[4] for line in lines if line[4]}) if overrides else {}
    rows = []
    for line_id, seller_id, seller_rate, line_total, category_id in lines:
        rate, source = seller_rate, LineCommission.Source.SELLER
        for candidate in chains.get(category_id, ()):
            found = overrides.get((candidate, seller_id), overrides.get((candidate, None)))
            if found is not None:
                rate, source = found, LineCommission.Source.CATEGORY
                break
        rows.append(
            LineCommission(
                order_line_id=line_id,
                seller_id=seller_id,
                rate=rate,
                source=source,
                base=line_total,
                amount=commission_of(line_total, rate),
            )
        )
    LineCommission.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
