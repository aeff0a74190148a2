"""Every write of alerts: back-in-stock and launch alerts ("Avísame") and forgotten-cart reminders."""

from .cart_reminders import cart_reminder_for_token, cart_reminder_recover, cart_reminders_send_due
from .erasure import alerts_erase, cart_reminders_drop_before
from .stock_alerts import (
    AlertError,
    launch_alerts_notify,
    stock_alert_confirm,
    stock_alert_for_unsubscribe,
    stock_alert_request,
    stock_alert_unsubscribe,
    stock_alerts_notify,
    stock_alerts_sweep,
    stock_replenished,
)

__all__ = [
    "AlertError",
    "alerts_erase",
    "cart_reminder_for_token",
    "cart_reminder_recover",
    "cart_reminders_drop_before",
    "cart_reminders_send_due",
    "launch_alerts_notify",
    "stock_alert_confirm",
    "stock_alert_for_unsubscribe",
    "stock_alert_request",
    "stock_alert_unsubscribe",
    "stock_alerts_notify",
    "stock_alerts_sweep",
    "stock_replenished",
]
