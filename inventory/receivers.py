"""Inventory follows an order's life through the orders signals (sent inside the order's
transaction, so stock and status commit or roll back together)."""

import logging

from django.dispatch import receiver
from django.utils.translation import gettext as _

from orders.services import order_flag_for_attention
from orders.signals import order_cancelled, order_paid

from .exceptions import InventoryError
from .services import order_stock_restore, order_stock_sell

logger = logging.getLogger(__name__)


@receiver(order_paid, dispatch_uid="inventory.sell_paid_order")
def sell_paid_order(sender, order, **kwargs) -> None:
    lines: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        lines[variant_id] = lines.get(variant_id, 0) + quantity
    try:
        order_stock_sell(order_id=order.pk, lines=lines)
    except InventoryError as error:
        # Never lose a payment: the order stays paid and staff decide (restock, or refund).
        logger.warning("Paid order %s could not take its stock: %s", order.number, error)
        order_flag_for_attention(order=order, note=_("Paid, but its stock could not be taken: %(error)s") % {
            "error": error})


@receiver(order_cancelled, dispatch_uid="inventory.restore_cancelled_order")
def restore_cancelled_order(sender, order, previous_status, **kwargs) -> None:
    order_stock_restore(order_id=order.pk)
