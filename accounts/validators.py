"""Peruvian identity numbers, checked with python-stdnum, and the company name a RUC goes with.

normalize_identity is the one way a typed DNI or RUC becomes the number stored, compared and
sent to SUNAT; accounts.fields puts it in front of every form field and model field that
takes one."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pe import cui, ruc

# Typed inside a number: spaces (any kind), dots, and any dash (hyphen, en dash, minus...).
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]")
_DNI = re.compile(r"[0-9]{8}")
_RUC = re.compile(r"[0-9]{11}")


def normalize_identity(value) -> str:
    """The number as RENIEC and SUNAT write it: ASCII digits, without the separators people type.

    Phones and Asian or Arabic keyboards send full-width (１２３) or other scripts' digits (٤٥٦):
    Unicode NFKC folds the compatibility forms, then every decimal digit of any script becomes
    its ASCII one. Anything else stays, for the validators to refuse (they accept [0-9] only)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
    return _SEPARATORS.sub("", text)


def validate_dni(value: str) -> None:
    """A DNI is the 8-digit CUI without its check digit (RENIEC)."""
    compact = normalize_identity(value)
    if not _DNI.fullmatch(compact):
        raise ValidationError(_("Enter a valid DNI: exactly 8 digits."), code="invalid_dni")
    try:
        cui.validate(compact)
    except StdnumError:
        raise ValidationError(_("Enter a valid DNI: exactly 8 digits."), code="invalid_dni") from None


def validate_ruc(value: str) -> None:
    """A RUC has 11 digits, a known prefix (10, 15, 17, 20) and a check digit (SUNAT)."""
    compact = normalize_identity(value)
    try:
        if not _RUC.fullmatch(compact):
            raise StdnumError()
        ruc.validate(compact)
    except StdnumError:
        raise ValidationError(
            _("Enter a valid RUC: 11 digits starting with 10, 15, 17 or 20 and a correct check digit."),
            code="invalid_ruc",
        ) from None


# The company name (razón social) a factura names with its RUC. SUNAT's own check on it
# (ValidaExprRegFactura, error 2022) wants 3 or more characters on one line, not starting blank.
LEGAL_NAME_MAX_LENGTH = 200
LEGAL_NAME_MIN_LENGTH = 3
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")  # on one line; breaks are refused
_LINE_BREAKS_AND_CONTROLS = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}


def normalize_legal_name(value) -> str:
    """Trimmed, in composed Unicode (NFC), runs of spaces as one; control characters are kept
    for validate_legal_name to refuse."""
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    return _SPACES.sub(" ", text)


def validate_legal_name(value: str) -> None:
    name = normalize_legal_name(value)
    if any(unicodedata.category(char) in _LINE_BREAKS_AND_CONTROLS for char in name):
        raise ValidationError(
            _("The company name must be on one line, without special characters."), code="legal_name_characters"
        )
    if len(name) < LEGAL_NAME_MIN_LENGTH:
        raise ValidationError(
            _("Enter the company's name (razón social) as registered with SUNAT."), code="legal_name_missing"
        )
    if len(name) > LEGAL_NAME_MAX_LENGTH:
        raise ValidationError(
            _("The company name can have at most %(limit)d characters."),
            code="legal_name_too_long",
            params={"limit": LEGAL_NAME_MAX_LENGTH},
        )
