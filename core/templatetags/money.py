from decimal import InvalidOperation

from django import template

from core.money import format_money, igv_included

register = template.Library()


@register.filter(name="money")
def money(value) -> str:
    return format_money(value)


@register.filter(name="igv")
def igv(value):
    """The IGV included in an amount (a total with IGV)."""
    try:
        return igv_included(value)
    except (InvalidOperation, ValueError, TypeError):
        return ""
