"""Promotions' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from datetime import datetime

from core import enqueue


def discount_prices_sync_at(*, moment: datetime) -> None:
    """A refresh at a window's boundary, on the dot, when it is near; beat's every-minute run covers the rest."""
    enqueue.at("promotions.sync_discount_prices", moment)
