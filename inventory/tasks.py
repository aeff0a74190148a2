"""Thin Celery wrappers around inventory services."""

from celery import shared_task

from . import services


@shared_task(name="inventory.expire_reservations")
def expire_reservations() -> int:
    """Beat, every minute: release reservations past their expiry (set-based)."""
    return services.reservations_expire()


@shared_task(name="inventory.notify_low_stock")
def notify_low_stock(stock_level_ids: list[int]) -> int:
    """E-mail warehouse operators about stock levels at or below their minimum."""
    return services.low_stock_notify(stock_level_ids=stock_level_ids)
