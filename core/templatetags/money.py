from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

CENT = Decimal("0.01")


def format_money(value, currency_symbol: str = "S/") -> str:
    """Soles as Peruvians read them: S/ 1,799.99 (comma thousands, point decimals)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency_symbol} {abs(amount):,.2f}"


@register.filter(name="money")
def money(value) -> str:
    return format_money(value)


@register.filter(name="igv")
def igv(value):
    """The IGV included in an amount (a total with IGV)."""
    from core.money import igv_included

    try:
        return igv_included(value)
    except (InvalidOperation, ValueError, TypeError):
        return ""
