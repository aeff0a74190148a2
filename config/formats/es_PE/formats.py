"""Peru writes numbers as 4,348.54 (comma thousands, point decimals), as SUNAT and the banks do,
not as Spain's 4348,54: the same as core.money.format_money, so a screen never shows both.
Everything else (dates, first day of the week) is Django's "es" locale."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
