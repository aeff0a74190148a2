"""Payments follow an order's cancellation: money already taken must go back."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.templatetags.money import format_money
from orders.models import PaymentStatus
from orders.services import order_flag_for_attention
from orders.signals import order_cancelled


@receiver(order_cancelled, dispatch_uid="payments.refund_cancelled_order")
def request_refund(sender, order, **kwargs) -> None:
    """A paid order that is cancelled asks staff for its refund (refunds through the gateways,
    with approval, arrive with the payments capability)."""
    if order.payment_status == PaymentStatus.PAID:
        order_flag_for_attention(order=order, note=_("Refund requested: %(amount)s to the customer (order cancelled).")
                                 % {"amount": format_money(order.total)})
