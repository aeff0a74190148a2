"""Pending work that must not wait for ever on a lost task.

Every kind of background work the store owes (a webhook event to apply, a receipt to issue, send
or e-mail, an order e-mail, an approved refund to execute, a paid order's shipments) is recorded
in its app's rows before its task is enqueued. A task can still be lost: a broker outage at
enqueue time, a worker killed while it held the task, a retry waiting in a worker's memory when
Redis restarted. Each app registers its kinds of work here, from its AppConfig.ready(): which of
its rows are overdue (their work should have run more than JOBS_OVERDUE_GRACE_SECONDS ago) and
how to enqueue one again. core.tasks.sweep_overdue (Celery beat, every JOBS_SWEEP_SECONDS; the
in-process scheduler under `make run`) re-enqueues what is overdue; every task is idempotent,
so a row enqueued twice is done once. The backlog (how many rows, since when) is what /healthz
and `manage.py health` show.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

logger = logging.getLogger("tienda.jobs")


@dataclass(frozen=True)
class PendingWork:
    """One kind of pending work.

    overdue(cutoff): the rows whose work was due before `cutoff`, as a queryset;
    since: the field of those rows that says when their work was due (the oldest is reported);
    enqueue(pk): enqueue the work of one row again (its task is idempotent);
    sweep: instead of enqueueing row by row, one call that does the whole sweep (returns a count);
    every: seconds between two sweeps of this kind (the backlog is read on every health check).
    """

    name: str
    label: str | Promise  # a lazy translation: read in the language of the page that shows it
    overdue: Callable[[datetime], QuerySet]
    since: str
    enqueue: Callable[[int], object] | None = None
    sweep: Callable[[], int] | None = None
    every: int = 0


@dataclass(frozen=True)
class Backlog:
    name: str
    label: str
    count: int
    oldest: datetime | None


_registry: dict[str, PendingWork] = {}


def register(work: PendingWork) -> None:
    """Called by the app that owns the work, in its AppConfig.ready() (registering twice replaces)."""
    if (work.enqueue is None) == (work.sweep is None):
        raise ValueError(f"{work.name}: give either enqueue or sweep")
    _registry[work.name] = work


def registered() -> list[PendingWork]:
    return sorted(_registry.values(), key=lambda work: work.name)


def cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.JOBS_OVERDUE_GRACE_SECONDS)


def backlog(now: datetime | None = None) -> list[Backlog]:
    """Per kind of work: how many rows are overdue and since when (one aggregate query each)."""
    limit = cutoff(now)
    rows = []
    for work in registered():
        figures = work.overdue(limit).order_by().aggregate(count=Count("pk"), oldest=Min(work.since))
        rows.append(Backlog(work.name, str(work.label), figures["count"], figures["oldest"]))
    return rows


def sweep(work: PendingWork, *, now: datetime | None = None) -> int:
    """Re-enqueue the overdue rows of one kind of work, oldest first (at most JOBS_SWEEP_BATCH)."""
    if work.sweep is not None:
        return work.sweep()
    enqueue = work.enqueue
    assert enqueue is not None  # PendingWork takes exactly one of enqueue and sweep
    pks = list(
        work.overdue(cutoff(now)).order_by(work.since, "pk").values_list("pk", flat=True)[: settings.JOBS_SWEEP_BATCH]
    )
    for pk in pks:
        enqueue(pk)
    if pks:
        logger.warning("Re-enqueued %d overdue %s", len(pks), work.name)
    return len(pks)


def sweep_all(*, last_runs: dict[str, datetime] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Sweep every kind whose own interval has passed since its last run (last_runs, by name);
    a kind that fails is logged and does not stop the others. {name: rows re-enqueued}."""
    now = now or timezone.now()
    last_runs = last_runs or {}
    done = {}
    for work in registered():
        last = last_runs.get(work.name)
        if work.every and last is not None and (now - last).total_seconds() < work.every:
            continue
        try:
            done[work.name] = sweep(work, now=now)
        except Exception:
            logger.exception("Sweep of %s failed", work.name)
    return done


def retry_countdown(attempt: int, *, base: float, cap: float | None = None) -> float:
    """Exponential backoff: base, 2×base, 4×base ... capped (TASK_RETRY_MAX_SECONDS at most, which
    the broker's visibility timeout exceeds)."""
    cap = min(cap or settings.TASK_RETRY_MAX_SECONDS, settings.TASK_RETRY_MAX_SECONDS)
    return min(base * 2 ** max(attempt, 0), cap)
