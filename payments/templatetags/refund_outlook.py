"""{% refund_outlook order as outlook %}: the order's money on its way back (payments.selectors),
for the order pages of the apps below payments (the shopper's order page, the admin's order)."""

from django import template

from ..selectors import order_refund_outlook

register = template.Library()


@register.simple_tag
def refund_outlook(order):
    return order_refund_outlook(order) if order is not None and order.pk else None
