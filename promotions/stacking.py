"""How discounts combine: the one place the rule is written (README "Promotions" repeats it).

1. Automatic discount, per line: the single best automatic discount whose scope covers the
   product (a percentage or a fixed amount per unit, whichever takes more off this line's
   price; priority only names the winner of a tie). Automatic discounts never add up.
2. Kit discount: on the complete sets of a kit, a percentage of what its required items cost
   after step 1 (the two stack).
3. Coupon: at most one per order, on top of 1 and 2. A percentage or fixed coupon takes off
   the in-scope lines' amounts after 1 and 2 (a fixed coupon never more than those amounts);
   the minimum purchase is checked against the whole cart's products after 1 and 2. A
   free-shipping coupon takes the shipping price off instead.
4. Every discount is allocated to order lines (automatic, kit and coupon parts kept
   separately, in cents, remainders to the largest lines), so a return gives back what was
   really paid for each unit.

This module is pure arithmetic: no database, no request. promotions.selectors finds the
discounts and the coupon; cart.pricing and checkout call these functions.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.money import to_cents, unit_discount  # noqa: F401 (step 1 lives in core.money: catalog prices use it too)

ZERO = Decimal("0.00")


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split amount (cents) over weights in proportion, to the cent; what rounding leaves goes
    one cent at a time to the largest remainders, so the parts always add up to amount."""
    amount = to_cents(amount)
    total = sum(weights, ZERO)
    if not weights or total <= 0 or amount <= 0:
        return [ZERO for _ in weights]
    cents = int(amount * 100)
    raw = [Decimal(cents) * weight / total for weight in weights]
    parts = [int(share) for share in raw]
    leftover = cents - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (raw[i] - parts[i], weights[i]), reverse=True)
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return [Decimal(part) / 100 for part in parts]


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon does, as the arithmetic needs it."""

    kind: str  # "percentage", "fixed" or "free_shipping"
    value: Decimal


def coupon_discounts(terms: CouponTerms, amounts_in_scope: list[Decimal]) -> list[Decimal]:
    """Step 3, per in-scope line (amounts after steps 1 and 2)."""
    base = sum(amounts_in_scope, ZERO)
    if terms.kind == "percentage":
        total = to_cents(base * terms.value / 100)
    elif terms.kind == "fixed":
        total = min(to_cents(terms.value), base)
    else:
        total = ZERO
    return allocate(total, amounts_in_scope)


@dataclass(frozen=True)
class DiscountSource:
    """One line of a discount breakdown: where these soles came from (an offer by its name, a
    kit, the coupon, or "other" for a discount given by hand)."""

    kind: str  # "offer", "kit", "coupon" or "other"
    label: str
    amount: Decimal


def discount_sources(parts) -> list[DiscountSource]:
    """Parts ((kind, label, amount), per line) summed per source, in the order they first come;
    empty amounts are left out. The sources add up to the parts' total to the cent."""
    totals: dict[tuple[str, str], Decimal] = {}
    for kind, label, amount in parts:
        if amount:
            totals[(kind, label)] = totals.get((kind, label), ZERO) + amount
    return [DiscountSource(kind=kind, label=label, amount=amount) for (kind, label), amount in totals.items() if amount]
