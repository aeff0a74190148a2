"""Heartbeats of the background parts: the worker's (a consumer step, written while the worker is
connected to the broker), the scheduler's (beat, or the in-process scheduler of `make run`) and each
sweep's last run. One row per name in core.Heartbeat, overwritten: one cheap write, one cheap read."""

import logging
from datetime import datetime

from celery import bootsteps
from celery.beat import PersistentScheduler, Scheduler
from celery.schedules import schedule
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger("tienda.resilience")

BEAT = "beat"
WORKER_PREFIX = "worker:"
SWEEP_PREFIX = "sweep:"


def heartbeat_record(*, name: str, at: datetime | None = None) -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name[:200], defaults={"at": at or timezone.now()})


def heartbeats_read() -> dict[str, datetime]:
    from .models import Heartbeat

    return dict(Heartbeat.objects.values_list("name", "at"))


def _beat_safely(name: str) -> None:
    """A heartbeat from a process that is not serving requests: a database outage is logged, not raised,
    and the connection is closed again (the worker's parent process forks its pool from it)."""
    try:
        close_old_connections()
        heartbeat_record(name=name)
    except DatabaseError as error:
        logger.warning("Heartbeat %s not recorded: %s", name, error)
    finally:
        connection.close()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A consumer step: started each time the worker (re)connects to the broker, stopped when the
    connection is lost. While connected it records its heartbeat every WORKER_HEARTBEAT_SECONDS; on
    every (re)connection it also asks for a sweep, so work whose retry the outage lost is re-enqueued
    as soon as it is overdue instead of at the next scheduled sweep."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, c):
        name = f"{WORKER_PREFIX}{c.hostname}"
        _beat_safely(name)
        self.timer_entry = c.timer.call_repeatedly(settings.WORKER_HEARTBEAT_SECONDS, _beat_safely, (name,))
        try:
            c.app.send_task("core.sweep_overdue", countdown=settings.JOBS_OVERDUE_GRACE_SECONDS)
        except Exception as error:  # the broker went away again: the scheduled sweep comes anyway
            logger.warning("Sweep after reconnecting not enqueued: %s", error)

    def stop(self, c):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


class _RecordsTicks:
    """A beat scheduler that records its heartbeat at most every SCHEDULER_HEARTBEAT_SECONDS."""

    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        now = timezone.now().timestamp()
        if now - self._last_heartbeat >= settings.SCHEDULER_HEARTBEAT_SECONDS:
            self._last_heartbeat = now
            _beat_safely(BEAT)
        return min(interval, settings.SCHEDULER_HEARTBEAT_SECONDS)


class HeartbeatScheduler(_RecordsTicks, PersistentScheduler):
    """`celery beat`'s scheduler (its schedule file as before), with a heartbeat."""


class InProcessScheduler(_RecordsTicks, Scheduler):
    """The schedule kept in memory: the scheduler thread of `make run` (core.scheduler). Nothing
    remembers when the jobs last ran, so the interval ones run at start (catching up on the time the
    server was stopped: orders that expired meanwhile are cancelled at once)."""

    def send_task(self, name, *args, **kwargs):
        # Never publish by name (there is no broker to publish to): run the registered task inline.
        return self.app.tasks[name].apply_async(*args, **kwargs)

    def setup_schedule(self):
        super().setup_schedule()
        for entry in self.schedule.values():
            if type(entry.schedule) is schedule:
                entry.last_run_at = entry.default_now() - entry.schedule.run_every
