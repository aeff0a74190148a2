"""What paid an order (payments.selectors.orders_payments), for the pages and e-mails of the apps
below payments: {% order_payments order as paid %} for one order, {% orders_with_payments orders as
rows %} for a list ((order, paid) pairs, three queries for the whole list)."""

from django import template

from ..selectors import order_payments as _order_payments
from ..selectors import orders_payments

register = template.Library()


@register.simple_tag
def order_payments(order):
    return _order_payments(order) if order is not None and order.pk else None


@register.simple_tag
def orders_with_payments(orders):
    orders = list(orders)
    paid = orders_payments(orders)
    return [(order, paid.get(order.pk)) for order in orders]
