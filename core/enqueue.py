"""The one way code asks for background work: a Celery task, by its registered name, enqueued once the
current transaction commits (at once outside a transaction).

Each app that enqueues has one module, `<app>/enqueue.py`, of typed functions named for what they ask
(`complaint_copy_send(*, sheet_id)`), each one call to `on_commit` (or `at`). Services call those; they
never import their tasks module, and the tasks (thin) import the services, so no import circle. Work of
a transaction that rolls back is never enqueued. Enqueuing never breaks the caller: while the broker is
away the task runs inline instead (config.celery.BrokerResilientTask) and any failure is logged, not
raised; the sweep of pending work (core.jobs) re-enqueues what was lost, and every task is idempotent.
docs/background-work.md tells the whole story."""

import logging
from datetime import datetime
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("tienda.jobs")


def task(name: str) -> Task:
    """The task registered under `name`. A web process imports the apps' tasks modules only when asked:
    the first unknown name imports them all (Celery's autodiscovery, as a worker does at start); a name
    still unknown then raises KeyError."""
    try:
        return current_app.tasks[name]
    except KeyError:
        current_app.autodiscover_tasks(force=True)
        return current_app.tasks[name]


def on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Enqueue the task `task_name` with these arguments once the current transaction commits."""
    transaction.on_commit(lambda: _send(task_name, args, kwargs), robust=True)


def at(task_name: str, moment: datetime, *args: Any, **kwargs: Any) -> None:
    """Enqueue the task to run at `moment` (a scheduled boundary) once the transaction commits, when that
    is within TASK_RETRY_MAX_SECONDS: a message waiting in a worker for longer than the broker's visibility
    timeout is handed to another worker too, again every few hours. A boundary further away is left to the
    task's own periodic run (beat), which covers it anyway, as it covers the broker being down."""
    transaction.on_commit(lambda: _send(task_name, args, kwargs, eta=moment), robust=True)


def _send(task_name: str, args: tuple[Any, ...], kwargs: dict[str, Any], *, eta: datetime | None = None) -> bool:
    """Enqueue now; False (logged) when the moment is too far or the task could not be enqueued or run."""
    if eta is not None and (eta - timezone.now()).total_seconds() > settings.TASK_RETRY_MAX_SECONDS:
        return False
    try:
        if eta is None:
            task(task_name).delay(*args, **kwargs)
        else:
            task(task_name).apply_async(args=args, kwargs=kwargs, eta=eta)
    except Exception:
        # The caller's transaction has committed: its rows say what is owed, and the sweep heals it.
        logger.warning("Task %s not enqueued (or it failed, run inline)", task_name, exc_info=True)
        return False
    return True
