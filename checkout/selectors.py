"""Checkout's reads for the apps below it (plugged into their ports in checkout.apps)."""

from django.urls import reverse

from cart.ports import UnpaidOrder
from orders.models import Order


def unpaid_order(*, order_id: int) -> UnpaidOrder | None:
    """cart.ports.unpaid_order: the order, with its payment page, while it awaits payment."""
    order = Order.objects.filter(pk=order_id).only("pk", "number", "status", "placed_at").first()
    if order is None or not order.awaits_payment():
        return None
    return UnpaidOrder(
        number=order.number, pay_url=reverse("payments:pay", args=[order.number]), deadline=order.payment_deadline()
    )
