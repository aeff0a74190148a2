"""{% waiting_payment order as waiting %}: the code an order waits to be paid with (a PagoEfectivo
CIP, a gateway's payable code), for the pages and e-mails of the apps below payments (the order
page, its printable voucher, the "pay with this code" e-mail). None when the order does not wait
for one."""

from django import template

from ..waiting import WaitingPayment, order_waiting_payment

register = template.Library()


@register.simple_tag
def waiting_payment(order) -> WaitingPayment | None:
    return order_waiting_payment(order) if order is not None and order.pk else None
