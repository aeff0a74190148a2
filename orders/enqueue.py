"""Orders' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def order_email_send(*, email_id: int) -> None:
    enqueue.on_commit("orders.tasks.send_order_email", email_id)
