"""Returns' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def return_email_send(*, email_id: int) -> None:
    enqueue.on_commit("returns.tasks.send_return_email", email_id)
