"""Credit's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def gift_cards_due_deliver() -> None:
    """The cards whose delivery date has come, e-mailed now rather than at beat's next minute."""
    enqueue.on_commit("credit.tasks.deliver_due_gift_cards")
