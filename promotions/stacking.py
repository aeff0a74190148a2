"""How discounts combine: the one place the rule is written (docs/features/promotions.md repeats it).

1. Automatic discount, per line: the single best automatic discount whose scope covers the
   product (a percentage or a fixed amount per unit, whichever takes more off this line's
   price; priority only names the winner of a tie). Automatic discounts never add up.
2. Quantity offer ("3x2", "2do al 50 %", "lleva X, llévate un regalo"), on the prices after
   step 1 (the two stack: the free unit is free at its sale price). A unit is in at most one
   offer: the highest priority (then the newest) of the running offers covering its product.
   The units of one offer are pooled across the cart's lines (two colours of one polo make a
   3x2 together), sorted by price, and the cheapest are the free (or discounted) ones. The
   discount is then spread over the pooled lines in proportion to their amounts, so every unit
   of the group costs the same fraction of its price. The offer's terms are kept on the order
   lines (terms_snapshot): a return gives back what was paid minus what the units kept cost as
   the offer prices them then (returns.services), so returning the free unit of a 3x2 gives back
   nothing, and returning all of them gives back the whole payment.
   A gift ("buy X, get Y") is the exception: it is its own line at 100 % off (the gift is free;
   returning it gives back nothing, returning a bought unit gives back its price). Kits' lines
   take no quantity offer (their units have the kit's discount, step 3, instead).
3. Kit discount: on the complete sets of a kit, a percentage of what its required items cost
   after step 1 (the two stack).
4. Coupon: at most one per order, on top of 1 to 3. A percentage or fixed coupon takes off
   the in-scope lines' amounts after 1 to 3 (a fixed coupon never more than those amounts);
   the minimum purchase is checked against the whole cart's products after 1 to 3. A
   free-shipping coupon takes the shipping price off instead.
5. Every discount is allocated to order lines (automatic, quantity offer, kit and coupon
   parts kept separately, in cents, remainders to the largest lines), so a return gives back
   what was really paid for each unit.

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
    """Step 4, per in-scope line (amounts after steps 1 to 3)."""
    base = sum(amounts_in_scope, ZERO)
    if terms.kind == "percentage":
        total = to_cents(base * terms.value / 100)
    elif terms.kind == "fixed":
        total = min(to_cents(terms.value), base)
    else:
        total = ZERO
    return allocate(total, amounts_in_scope)


BUY_N_PAY_M, NTH_UNIT_PERCENT, BUY_X_GET_GIFT = "buy_n_pay_m", "nth_unit_percent", "buy_x_get_gift"


@dataclass(frozen=True)
class QuantityTerms:
    """What a quantity offer does, as the arithmetic needs it (promotions.models.QuantityOffer)."""

    kind: str
    buy: int  # N (3 in a 3x2, 2 in "2do al 50 %"), or the X units that earn a gift
    pay: int = 0  # M in "N for M"
    percent: Decimal = ZERO  # off the Nth unit
    gift_quantity: int = 1  # gift units per X bought


def quantity_discount(terms: QuantityTerms, unit_prices: list[Decimal]) -> Decimal:
    """Step 2 for one offer's pooled units (each unit's price after step 1, in any order): the
    discount in soles. The cheapest units are the free or discounted ones, so the result does
    not depend on the order of the lines. A gift offer takes nothing off the units that earn it."""
    if terms.buy <= 0 or terms.kind == BUY_X_GET_GIFT:
        return ZERO
    prices = sorted(to_cents(price) for price in unit_prices)
    sets = len(prices) // terms.buy
    if terms.kind == BUY_N_PAY_M:
        free = sets * max(terms.buy - min(terms.pay, terms.buy), 0)
        return to_cents(sum(prices[:free], ZERO))
    if terms.kind == NTH_UNIT_PERCENT:
        percent = min(max(terms.percent, ZERO), Decimal(100))
        return sum((to_cents(price * percent / 100) for price in prices[:sets]), ZERO)
    return ZERO


def terms_snapshot(terms: QuantityTerms, *, offer_id: int) -> dict:
    """What an order line keeps of the offer that discounted it (JSON): which offer pooled its
    units with the order's other lines, and its terms as they were, so a return can price the
    units kept as the offer prices them then (it may be edited or gone by then)."""
    snapshot = {
        "offer": offer_id,
        "kind": terms.kind,
        "buy": terms.buy,
        "pay": terms.pay,
        "percent": str(terms.percent),
    }
    if terms.kind == BUY_X_GET_GIFT:
        snapshot["gift_quantity"] = terms.gift_quantity
    return snapshot


def terms_from_snapshot(snapshot: dict | None) -> QuantityTerms | None:
    if not snapshot or not snapshot.get("kind"):
        return None
    return QuantityTerms(
        kind=snapshot["kind"],
        buy=int(snapshot.get("buy") or 0),
        pay=int(snapshot.get("pay") or 0),
        percent=Decimal(str(snapshot.get("percent") or "0")),
        gift_quantity=int(snapshot.get("gift_quantity") or 1),
    )


def gift_units(terms: QuantityTerms, *, bought: int) -> int:
    """How many gift units `bought` units earn (0 when the condition is not met)."""
    if terms.kind != BUY_X_GET_GIFT or terms.buy <= 0:
        return 0
    return (max(bought, 0) // terms.buy) * max(terms.gift_quantity, 0)


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
