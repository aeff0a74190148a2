"""What a receipt's lines and totals are, from an order: SUNAT's split of each price that
includes IGV into its taxable value and its IGV (tax 1000, affectation 10 "gravado –
operación onerosa").

Each line's total with IGV is the order's to the cent: the line's own total after its
discount, minus its share of any order-level discount (spread over the product lines in
proportion to their totals, largest remainders first); shipping is one service line. Only
then is each line split: taxable = total / 1.18 rounded half-up to the cent, IGV = total −
taxable. Rounding per line therefore always adds up: Σ totals = the order's total,
Σ taxable + Σ IGV = Σ totals."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
UNIT_VALUE_PLACES = Decimal("0.0000000001")  # SUNAT accepts up to 10 decimals in a unit value
ZERO = Decimal("0.00")


def _rate() -> Decimal:
    return 1 + Decimal(str(settings.IGV_RATE))


@dataclass(frozen=True, kw_only=True)
class LineAmounts:
    sku: str
    description: str
    quantity: int
    unit_price: Decimal  # with IGV
    discount: Decimal  # with IGV
    total: Decimal  # with IGV, after the discount
    unit_code: str = "NIU"
    order_line_id: int | None = None  # the order line sold or credited (None: shipping, an amount)

    @property
    def taxable_amount(self) -> Decimal:
        return (self.total / _rate()).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def igv(self) -> Decimal:
        return self.total - self.taxable_amount

    @property
    def is_free(self) -> bool:
        """Units given for nothing (an offer's gift): a free transfer, not a discount (receipts.ubl)."""
        return self.total == 0 and self.unit_price > 0

    @property
    def unit_value(self) -> Decimal:
        return (self.unit_price / _rate()).quantize(UNIT_VALUE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    taxable: Decimal
    igv: Decimal
    discount: Decimal
    total: Decimal


def spread(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `amount` (cents) over `weights` in proportion, to the cent, largest remainders
    first; no share exceeds its weight when amount ≤ Σ weights."""
    total_weight = sum(weights, ZERO)
    if amount <= 0 or total_weight <= 0:
        return [ZERO for _ in weights]
    cents = int(amount / CENT)
    exact = [Decimal(cents) * weight / total_weight for weight in weights]
    shares = [int(value) for value in exact]
    remainders = sorted(range(len(weights)), key=lambda i: (exact[i] - shares[i], -i), reverse=True)
    for index in remainders[: cents - sum(shares)]:
        shares[index] += 1
    return [Decimal(share) * CENT for share in shares]


def order_line_amounts(order, lines) -> list[LineAmounts]:
    """The receipt lines of an order (its lines, then shipping)."""
    lines = list(lines)
    line_discounts = sum((line.discount for line in lines), ZERO)
    order_discount = order.discount_total - line_discounts
    shares = spread(order_discount, [line.line_total for line in lines])
    result = []
    for line, share in zip(lines, shares, strict=True):
        description = f"{line.product_name} ({line.options})" if line.options else line.product_name
        result.append(
            LineAmounts(
                sku=line.sku,
                description=description[:500],
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount=line.discount + share,
                total=line.line_total - share,
                order_line_id=line.pk,
            )
        )
    if order.shipping_total > 0:
        name = order.shipping_method_name or "Envío"
        result.append(
            LineAmounts(
                sku="ENVIO",
                description=f"Servicio de envío: {name}"[:500],
                quantity=1,
                unit_price=order.shipping_total,
                discount=ZERO,
                total=order.shipping_total,
                unit_code="ZZ",
            )
        )
    return result


def credited_part(line, quantity: int) -> LineAmounts:
    """`quantity` units of a receipt line, credited at what they were sold for: the line's total
    and discount in proportion (half-up to the cent, as a return values them), whole for all of it."""

    def share(value: Decimal) -> Decimal:
        if quantity == line.quantity:
            return value
        return (value * quantity / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)

    return LineAmounts(
        sku=line.sku,
        description=line.description,
        quantity=quantity,
        unit_price=line.unit_price,
        discount=share(line.discount),
        total=share(line.total),
        unit_code=line.unit_code,
        order_line_id=line.order_line_id,
    )


def totals_of(lines: list[LineAmounts]) -> Totals:
    return Totals(
        taxable=sum((line.taxable_amount for line in lines), ZERO),
        igv=sum((line.igv for line in lines), ZERO),
        # A gift's price is not a discount on the receipt: the line is a free transfer.
        discount=sum((line.discount for line in lines if not line.is_free), ZERO),
        total=sum((line.total for line in lines), ZERO),
    )
