"""Form fields shared by the apps' forms."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The days a report, filter or period may name: year 9999 is a typo or a probe, and the day
# after it (every "until" is read as "before the next day") does not exist.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


class DayField(forms.DateField):
    """A calendar day (YYYY-MM-DD, the browser's date picker) between 2000 and 2099."""

    default_error_messages = {"out_of_range": _("Choose a date between %(first)s and %(last)s.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not day_in_range(day):
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": EARLIEST_DAY.strftime("%d/%m/%Y"), "last": LATEST_DAY.strftime("%d/%m/%Y")},
            )
        return day
