"""The periodic jobs of the embedded default, in the web process.

Without a broker (`make run`) there is no Celery beat: tasks run inline. So that unpaid orders still
expire on time, reservations are released and overdue work is swept as in production, runserver's
serving process runs the same beat schedule (CELERY_BEAT_SCHEDULE) in a thread of its own; each due
task runs inline there, as every task does in the embedded default. Started from CoreConfig.ready()
when IN_PROCESS_SCHEDULER is on (the default without CELERY_BROKER_URL) and the process is
runserver's (the reloader's child, or --noreload); it records the "beat" heartbeat /healthz reads."""

import logging
import os
import sys
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger("tienda.scheduler")

_lock = threading.Lock()
_thread: threading.Thread | None = None


def serving_under_runserver(argv: list[str] | None = None, environ=None) -> bool:
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    # With the autoreloader, only its child serves (RUN_MAIN); the parent only watches files.
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def maybe_start() -> bool:
    if settings.IN_PROCESS_SCHEDULER and serving_under_runserver():
        return start()
    return False


def start(*, tick_seconds: float = 5.0) -> bool:
    """Start the scheduler thread once per process; False when it already runs."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return False
        _thread = threading.Thread(target=_run, args=(tick_seconds,), name="kallpa-scheduler", daemon=True)
        _thread.start()
    logger.info("In-process scheduler started: %s", ", ".join(sorted(settings.CELERY_BEAT_SCHEDULE)))
    return True


def _run(tick_seconds: float) -> None:
    from celery import current_app as app  # the project's app (config.celery), loaded with Django
    from django.apps import apps

    from .heartbeats import InProcessScheduler

    # Started from CoreConfig.ready(): wait for every app, then for every app's tasks to be registered.
    while not apps.ready:
        time.sleep(0.1)
    app.loader.import_default_modules()
    scheduler = InProcessScheduler(app=app, lazy=False)
    while True:
        try:
            interval = scheduler.tick()
        except Exception:  # one failing job must not stop the others for good
            logger.exception("In-process scheduler tick failed")
            interval = tick_seconds
        finally:
            close_old_connections()
            connection.close()
        time.sleep(max(0.5, min(interval, tick_seconds)))
