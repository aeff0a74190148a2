"""The complaints' background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def complaint_copy_send(*, sheet_id: int) -> None:
    enqueue.on_commit("complaints.tasks.send_complaint_copy", sheet_id)


def complaint_answer_send(*, sheet_id: int) -> None:
    enqueue.on_commit("complaints.tasks.send_complaint_answer", sheet_id)
