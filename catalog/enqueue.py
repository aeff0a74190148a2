"""The catalog's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from datetime import datetime

from core import enqueue


def image_renditions_make(*, names: list[str]) -> None:
    enqueue.on_commit("catalog.make_image_renditions", names)


def scheduled_prices_apply_at(*, moment: datetime) -> None:
    """A run at a scheduled price's boundary, on the dot, when it is near; beat's every-minute run covers the rest."""
    enqueue.at("catalog.apply_scheduled_prices", moment)


def category_counts_refresh(*, category_ids: list[int] | None) -> None:
    """Count again the categories whose products this transaction wrote (None: every one not current)."""
    enqueue.on_commit("catalog.refresh_category_counts", category_ids)
