"""Alerts' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def alert_confirmation_send(*, alert_id: int) -> None:
    enqueue.on_commit("alerts.tasks.send_alert_confirmation", alert_id)


def back_in_stock_notify(*, variant_ids: list[int]) -> None:
    enqueue.on_commit("alerts.tasks.notify_back_in_stock", variant_ids)
