"""Despatch's background work, enqueued once the issuing transaction commits (core.enqueue): a guía
rolled back is never sent, and despatch.pending's sweep re-enqueues a send that was lost."""

from core import enqueue


def guia_send(*, advice_id: int) -> None:
    enqueue.on_commit("despatch.tasks.send_guia", advice_id)
