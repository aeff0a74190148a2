"""Inventory's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def low_stock_notify(*, stock_level_ids: list[int]) -> None:
    enqueue.on_commit("inventory.notify_low_stock", stock_level_ids)
