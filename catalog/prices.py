"""The one rule for the figures a shopper reads beside a price: the "Antes" (crossed-out) price,
the saving and its percentage. The product page's buy box, listing cards, the kit page and the
cart all take them from shown_price, so the same item never shows two different savings.

A quantity offer ("3x2", "2do al 50 %") changes no unit figure: what it takes off depends on the
units bought together, so it shows as its own line once they are in the cart (promotions.stacking)."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ShownPrice:
    price: Decimal  # one unit, after its automatic discount: what the shopper pays for it
    before: Decimal | None  # "Antes": None when there is nothing to cross out
    saving: Decimal  # before - price (0 without a "before")
    percent: int  # the saving as a whole percentage of "before"


def shown_price(*, list_price: Decimal, compare_at: Decimal | None, automatic_discount: Decimal) -> ShownPrice:
    """One unit's figures: the compare-at (list) price when it is above what the shopper pays,
    else the price before the automatic discount when there is one, else no "before" at all."""
    price = list_price - automatic_discount
    if compare_at is not None and compare_at > price:
        before = compare_at
    elif price < list_price:
        before = list_price
    else:
        return ShownPrice(price=price, before=None, saving=ZERO, percent=0)
    saving = before - price
    return ShownPrice(
        price=price, before=before, saving=saving, percent=int((saving / before * 100).to_integral_value())
    )
