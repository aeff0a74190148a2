"""Money rules every app shares: Decimal soles rounded half-up to the cent, prices that
include IGV (18 %), and how an amount is written for people (templates, admin, messages)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from django.conf import settings
from django.db.models import Q


class MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


# A stored amount of soles: DecimalField(_("total"), **MONEY_FIELD).
MONEY_FIELD: MoneyDigits = {"max_digits": 12, "decimal_places": 2}

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
ZERO = Decimal("0.00")


def same_cents(field: str, expression) -> Q:
    """field = expression for a CHECK constraint. Both sides have two decimal places, so on
    PostgreSQL (exact numerics) this is plain equality; SQLite, where `make run` works without
    a server, stores decimals as floats, and a half-cent band keeps its sums from failing."""
    return Q(**{f"{field}__gt": expression - HALF_CENT}) & Q(**{f"{field}__lt": expression + HALF_CENT})


def to_cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def igv_included(amount) -> Decimal:
    """The IGV inside a price that includes it: amount − amount / (1 + rate)."""
    amount = Decimal(amount)
    return to_cents(amount - amount / (1 + Decimal(str(settings.IGV_RATE))))


def unit_discount(price: Decimal, *, percent: Decimal = ZERO, amount: Decimal = ZERO) -> Decimal:
    """Step 1 for one unit: the better of `percent` % and `amount` soles off `price`, capped at the price."""
    price = Decimal(price)
    by_percent = to_cents(price * Decimal(percent or 0) / 100)
    return min(max(by_percent, Decimal(amount or 0)), price).quantize(Decimal("0.01"))


def format_money(value, currency_symbol: str = "S/", *, places: int = 2) -> str:
    """Soles as Peruvians read them: S/ 1,799.99 (comma thousands, point decimals). `places`
    is for the rare amount finer than a cent that a reader must see (a receipt's unit value)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency_symbol} {abs(amount):,.{places}f}"


MINUS_SIGN = "\u2212"
NO_BREAK_SPACE = "\u00a0"


def format_percent_off(value) -> str:
    """A discount as every badge writes it: 25 → "−25 %", 12.50 → "−12.5 %" (a real minus sign, and
    a no-break space so the sign and number never wrap away from the %); nothing for no discount."""
    try:
        percent = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if percent <= 0:
        return ""
    text = f"{percent:f}".rstrip("0").rstrip(".")
    return f"{MINUS_SIGN}{text}{NO_BREAK_SPACE}%"
