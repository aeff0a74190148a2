"""Thin Celery wrappers around orders.services: each task calls a service and decides nothing itself."""

import logging

from celery import shared_task

from core.once import send_once
from core.site_settings import site_setting

from . import emails, services

logger = logging.getLogger(__name__)


@shared_task(name="orders.tasks.send_order_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_order_email(email_id: int) -> bool:
    """Send one order e-mail once (a retried or redelivered task finds it claimed and stops)."""
    return send_once(
        claim=services.order_email_claim(email_id=email_id), send=lambda: emails.deliver_order_email(email_id=email_id)
    )


@shared_task(name="orders.tasks.create_missing_shipments")
def create_missing_shipments(order_id: int) -> bool:
    """A paid order still without shipments (its stock was not there): take the stock now and create
    them; nothing happens while the stock is still missing (the order stays flagged for staff)."""
    from inventory.exceptions import InventoryError

    from .exceptions import InvalidTransition
    from .models import Order

    try:
        services.order_fulfilment_retry(order=Order.objects.get(pk=order_id))
    except (InvalidTransition, InventoryError) as error:
        logger.info("Order %s: shipments not created yet (%s)", order_id, error)
        return False
    return True


@shared_task(name="orders.tasks.cancel_unpaid_orders")
def cancel_unpaid_orders() -> int:
    """Beat, every 5 minutes: cancel orders whose payment did not arrive in time."""
    count = services.orders_cancel_unpaid(older_than_minutes=site_setting("ORDER_PAYMENT_TIMEOUT_MINUTES"))
    if count:
        logger.info("Cancelled %d unpaid orders", count)
    return count
