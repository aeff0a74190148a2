from decimal import InvalidOperation

from django import template

from core.money import format_money, format_percent_off, igv_included

register = template.Library()


@register.filter(name="money")
def money(value) -> str:
    return format_money(value)


@register.filter(name="percent_off")
def percent_off(value) -> str:
    """Every discount badge: "−25 %" (core.money.format_percent_off)."""
    return format_percent_off(value)


@register.filter(name="igv")
def igv(value):
    """The IGV included in an amount (a total with IGV)."""
    try:
        return igv_included(value)
    except (InvalidOperation, ValueError, TypeError):
        return ""
