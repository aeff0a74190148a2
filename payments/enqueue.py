"""Payments' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def webhook_event_process(*, event_id: int) -> None:
    enqueue.on_commit("payments.tasks.process_webhook_event", event_id)
