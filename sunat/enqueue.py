"""The sunat app's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def summary_send(*, summary_id: int) -> None:
    enqueue.on_commit("sunat.tasks.send_summary", summary_id)


def summary_poll(*, summary_id: int) -> None:
    enqueue.on_commit("sunat.tasks.poll_summary", summary_id)
