"""Per-carrier tracking numbers: which formats are valid and where the shopper follows them.

Formats are checked where the carrier publishes one: Serpost uses the UPU S10 format
(two letters, eight digits and a check digit, "PE"); Olva Courier's guide numbers are
digits. Shalom's order codes have no published format, so only their characters are
checked. Tracking pages are site settings (constance), one template per carrier with a
{number} placeholder, so staff can follow a carrier that moves its page.
"""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.site_settings import site_setting

from .models import Carrier

TRACKING_FORMATS: dict[str, tuple[re.Pattern, str]] = {
    Carrier.OLVA: (re.compile(r"^\d{6,14}$"), "6 a 14 dígitos, p. ej. 40061123"),
    Carrier.SHALOM: (re.compile(r"^[A-Z0-9-]{4,30}$"), "letras, dígitos y guiones"),
    Carrier.SERPOST: (re.compile(r"^[A-Z]{2}\d{9}PE$"), "formato UPU, p. ej. RR123456785PE"),
}
TRACKING_URL_SETTINGS: dict[str, str] = {
    Carrier.OLVA: "TRACKING_URL_OLVA",
    Carrier.SHALOM: "TRACKING_URL_SHALOM",
    Carrier.SERPOST: "TRACKING_URL_SERPOST",
}
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def _s10_check_digit_ok(number: str) -> bool:
    digits = number[2:10]
    total = sum(int(d) * w for d, w in zip(digits, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return check == int(number[10])


def clean_tracking_number(carrier: str, value: str) -> str:
    """The tracking number normalized (upper case, no spaces), or ValidationError saying why."""
    number = "".join((value or "").split()).upper()
    if "\x00" in number:
        raise ValidationError(_("The tracking number has characters that are not allowed."))
    if carrier == Carrier.PICKUP:
        if number:
            raise ValidationError(_("An in-store pickup has no carrier and no tracking number."))
        return ""
    if carrier not in TRACKING_FORMATS:
        raise ValidationError(_("Choose a carrier."))
    if not number:
        raise ValidationError(_("Enter the carrier's tracking number."))
    pattern, example = TRACKING_FORMATS[carrier]
    if not pattern.match(number) or (carrier == Carrier.SERPOST and not _s10_check_digit_ok(number)):
        raise ValidationError(
            _("This is not a valid %(carrier)s tracking number (%(format)s).")
            % {"carrier": Carrier(carrier).label, "format": example}
        )
    return number


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's tracking page for this number ("" without a number or a template)."""
    setting = TRACKING_URL_SETTINGS.get(carrier)
    if not number or setting is None:
        return ""
    template = str(site_setting(setting) or "")
    return template.replace("{number}", quote(number, safe="")) if "{number}" in template else ""
