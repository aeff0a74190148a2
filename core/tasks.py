from celery import shared_task
from django.utils import timezone

from . import jobs
from .heartbeats import SWEEP_PREFIX, heartbeat_record, heartbeats_read


@shared_task(name="core.ping")
def ping() -> str:
    """Answers "pong": proves a worker consumes from the broker and returns results."""
    return "pong"


@shared_task(name="core.sweep_overdue")
def sweep_overdue() -> dict[str, int]:
    """Beat (JOBS_SWEEP_SECONDS), and each worker when it (re)connects: re-enqueue overdue pending
    work (core.jobs); each kind at most every its own interval. {kind: rows re-enqueued}."""
    last_runs = {
        name.removeprefix(SWEEP_PREFIX): at for name, at in heartbeats_read().items() if name.startswith(SWEEP_PREFIX)
    }
    now = timezone.now()
    done = jobs.sweep_all(last_runs=last_runs, now=now)
    for name in done:
        heartbeat_record(name=f"{SWEEP_PREFIX}{name}", at=now)
    return done
