"""Privacy's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from core import enqueue


def arco_answer_send(*, request_id: int) -> None:
    enqueue.on_commit("privacy.tasks.send_arco_answer", request_id)


def sessions_end(*, user_id: int) -> None:
    enqueue.on_commit("privacy.tasks.end_sessions", user_id)
