"""Whole numbers typed to a management command, checked in one place and refused in Spanish.

argparse's own `type=int` answers a word with "invalid int value" in English; a command takes the
option as text and reads it here, so ops get the same sentence from every command, and a number
given from code (`call_command(..., products=5)`) is read the same way."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def whole_number(value: str | int, *, option: str, minimum: int = 0, maximum: int | None = None) -> int:
    try:
        number = value if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        raise CommandError(
            _("%(option)s must be a whole number (got %(value)s).") % {"option": option, "value": value}
        ) from None
    if number < minimum:
        raise CommandError(
            _("%(option)s must be at least %(minimum)s (got %(value)s).")
            % {"option": option, "minimum": f"{minimum:,}", "value": f"{number:,}"}
        )
    if maximum is not None and number > maximum:
        raise CommandError(
            _("%(option)s must be at most %(maximum)s (got %(value)s).")
            % {"option": option, "maximum": f"{maximum:,}", "value": f"{number:,}"}
        )
    return number
