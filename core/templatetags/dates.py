"""One way to write dates across the shop.

- long_date, in sentences: "martes 24 de noviembre" (long_datetime adds the time: ", 15:00");
- short_date, in tables and lists: "24/11/2026";
- delivery_estimate: when an order arrives or is ready for pickup, in one sentence;
- iso_datetime, for machines (<time datetime="...">): "2026-11-24T15:00:07-05:00", whole seconds,
  as the HTML standard allows at most three digits of a second.
Aware datetimes are shown in Lima time, as Django's date filter does.
"""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.translation import gettext, pgettext

register = template.Library()


def long_date_format() -> str:
    return pgettext("date format (Django date filter): weekday, day and month", "l, F j")


def long_datetime_format() -> str:
    return pgettext("date format (Django date filter): weekday, day, month and time", "l, F j, H:i")


def short_date_format() -> str:
    return pgettext("date format (Django date filter): short date in tables", "m/d/Y")


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def long_date(value) -> str:
    return format_date(_local(value), long_date_format()) if value else ""


@register.filter
def long_datetime(value) -> str:
    """ "martes 24 de noviembre, 15:00": when a drop opens or closes."""
    return format_date(_local(value), long_datetime_format()) if value else ""


@register.filter
def short_date(value) -> str:
    return format_date(_local(value), short_date_format()) if value else ""


@register.filter
def iso_datetime(value) -> str:
    if isinstance(value, datetime):
        return _local(value).replace(microsecond=0).isoformat()
    return value.isoformat() if value else ""


@register.filter
def delivery_estimate(option) -> str:
    """option: anything with is_pickup, delivery_from and delivery_to (a ShippingOption)."""
    if option is None or not option.delivery_to:
        return ""
    end = long_date(option.delivery_to)
    if option.is_pickup:
        return gettext("Ready to pick up from %(date)s") % {"date": end}
    if not option.delivery_from or option.delivery_from >= option.delivery_to:
        return gettext("Arrives on %(date)s") % {"date": end}
    return gettext("Arrives between %(start)s and %(end)s") % {"start": long_date(option.delivery_from), "end": end}
