"""The reconciliation app's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""

from datetime import date

from core import enqueue


def day_reconcile(*, day: date) -> None:
    enqueue.on_commit("reconciliation.tasks.reconcile_day", day.isoformat())
