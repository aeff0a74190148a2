"""Thin Celery wrappers around alerts.services (the periodic ones run by beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services
from .services.stock_alerts import alert_confirmation_send


@shared_task(name="alerts.tasks.notify_back_in_stock")
def notify_back_in_stock(variant_ids: list[int]) -> int:
    """Enqueued when inventory's stock rises (inventory.ports.stock_replenished), after commit."""
    return services.stock_alerts_notify(variant_ids=variant_ids)


@shared_task(name="alerts.tasks.send_alert_confirmation")
def send_alert_confirmation(alert_id: int) -> bool:
    return alert_confirmation_send(alert_id=alert_id)


@shared_task(name="alerts.tasks.send_due_alerts")
def send_due_alerts() -> int:
    """Every minute: launch alerts of drops that started, and any waiting alert whose units are there."""
    return services.launch_alerts_notify() + services.stock_alerts_sweep()


@shared_task(name="alerts.tasks.send_cart_reminders")
def send_cart_reminders() -> int:
    """Every quarter hour: carts left CART_REMINDER_HOURS ago, reminded once."""
    return services.cart_reminders_send_due()
