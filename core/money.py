"""Money rules every app shares: Decimal soles rounded half-up to the cent, prices that
include IGV (18 %)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def igv_included(amount) -> Decimal:
    """The IGV inside a price that includes it: amount − amount / (1 + rate)."""
    amount = Decimal(amount)
    return to_cents(amount - amount / (1 + Decimal(str(settings.IGV_RATE))))
