"""Peruvian identity numbers, checked with python-stdnum."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pe import cui, ruc


def validate_dni(value: str) -> None:
    """A DNI is the 8-digit CUI without its check digit (RENIEC)."""
    compact = normalize_identity(value)
    if len(compact) != 8 or not compact.isdigit():
        raise ValidationError(_("Enter a valid DNI: exactly 8 digits."), code="invalid_dni")
    try:
        cui.validate(compact)
    except StdnumError:
        raise ValidationError(_("Enter a valid DNI: exactly 8 digits."), code="invalid_dni") from None


def validate_ruc(value: str) -> None:
    """A RUC has 11 digits, a known prefix (10, 15, 17, 20) and a check digit (SUNAT)."""
    try:
        ruc.validate(normalize_identity(value))
    except StdnumError:
        raise ValidationError(
            _("Enter a valid RUC: 11 digits starting with 10, 15, 17 or 20 and a correct check digit."),
            code="invalid_ruc",
        ) from None


def normalize_identity(value: str) -> str:
    """Drop the spaces and dashes people type inside DNI and RUC numbers."""
    return re.sub(r"[\s.\-]", "", value or "")
