"""The amount in words a Peruvian receipt carries: "SON: MIL SETECIENTOS NOVENTA Y NUEVE CON
99/100 SOLES". num2words writes the Spanish; it keeps "uno" where Spanish apocopates it before
"mil" and "millón" (veintiún mil, ciento un mil, treinta y un millones), fixed here."""

import re
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

_APOCOPE = re.compile(r"\b(veinti)?uno (?=mil\b|millón\b|millones\b|billón\b|billones\b)")


def _integer_words(value: int) -> str:
    words = num2words(value, lang="es")
    return _APOCOPE.sub(lambda m: "veintiún " if m.group(1) else "un ", words)


def amount_in_words(amount: Decimal, *, currency_name: str = "SOLES") -> str:
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("a receipt amount is never negative")
    integer, cents = divmod(int(amount * 100), 100)
    return f"SON: {_integer_words(integer).upper()} CON {cents:02d}/100 {currency_name}"
