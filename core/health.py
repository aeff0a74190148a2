"""The store's health, one check per dependency, for /healthz and `manage.py health`.

Each check answers {"status": ..., "detail": ...} with status one of:
- "ok";
- "eager": the embedded default (no broker): tasks run inline in the web process;
- "late": it works but is behind (a stale worker or scheduler heartbeat, overdue pending work);
- "error": it is away.

The overall status, and the HTTP status a load balancer reads:
- "unavailable" (503): the shop cannot take payments — the database is away (nothing works), or
  Redis (cache, carts) is away: the cart and checkout answer 503 pages.
- "degraded" (200): the shop takes payments but background work is late or waits — the broker is
  away (tasks then run inline in the web process), no worker heartbeat (queued tasks wait; nothing
  is lost), the scheduler has not run (nothing expires or is swept), or work is overdue. Taking a web
  node out of rotation would not help with any of these: they are an operator's alarm, not the
  load balancer's.
- "ok" (200): everything answers.

Every check is bounded (database connect timeout, Redis socket timeouts, one broker connection
attempt of at most 2 s) and catches what it meets: the endpoint never answers a 500. The backlog of
pending work (one aggregate query per kind) is kept for HEALTH_BACKLOG_CACHE_SECONDS per process, as
the endpoint is hit often.
"""

import threading
import time
import uuid
from datetime import datetime

from celery import current_app as celery_app  # the project's app (config.celery), loaded with Django
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from . import jobs
from .heartbeats import BEAT, WORKER_PREFIX, heartbeats_read
from .resilience import redis_is_down

OK, EAGER, LATE, ERROR = "ok", "eager", "late", "error"
UNAVAILABLE, DEGRADED = "unavailable", "degraded"
# What the shop cannot take payments without (the 503 answers).
ESSENTIAL = ("database", "cache")


class Detail(str):
    """A check's detail: English as /healthz answers it (for monitors), and translated for the people
    who read `manage.py health`."""

    message: str
    params: dict[str, object]

    def __new__(cls, message: str, **params: object) -> "Detail":
        detail = super().__new__(cls, message % params if params else message)
        detail.message, detail.params = message, params
        return detail

    def translated(self) -> str:
        return gettext(self.message) % self.params if self.params else gettext(self.message)


def _check(status: str, detail: str = "", /, **extra: object) -> dict:
    return {"status": status, "detail": detail, **extra}


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _age(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is a state to report, not to raise
        return _check(ERROR, _describe(error))
    return _check(OK, ms=round((time.monotonic() - started) * 1000, 1))


def check_cache() -> dict:
    key = f"healthz:{uuid.uuid4().hex}"
    started = time.monotonic()
    try:
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return _check(ERROR, _describe(error))
    if redis_is_down():
        return _check(
            ERROR,
            Detail(
                gettext_noop("Redis is unavailable: the catalog reads the database, the cart and checkout are closed")
            ),
        )
    if value != "1":
        return _check(ERROR, Detail(gettext_noop("the cache did not return what was written")))
    return _check(OK, ms=round((time.monotonic() - started) * 1000, 1))


def check_broker() -> dict:
    if celery_app.conf.task_always_eager:
        return _check(EAGER, Detail(gettext_noop("no broker: tasks run inline in the web process")))
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:
        return _check(
            ERROR, Detail(gettext_noop("%(error)s (tasks run inline until it is back)"), error=_describe(error))
        )
    return _check(OK)


def check_worker(beats: dict[str, datetime], now: datetime) -> dict:
    if celery_app.conf.task_always_eager:
        return _check(EAGER, Detail(gettext_noop("no worker: tasks run inline in the web process")))
    workers = {name: at for name, at in beats.items() if name.startswith(WORKER_PREFIX)}
    fresh = [name for name, at in workers.items() if _age(at, now) <= settings.WORKER_STALE_SECONDS]
    last = max(workers.values(), default=None)
    extra = {"last_seen": last.isoformat() if last else None, "age_seconds": _age(last, now), "workers": len(fresh)}
    if not fresh:
        detail = (
            gettext_noop("no worker has ever reported")
            if last is None
            else gettext_noop("no worker connected to the broker (queued tasks wait)")
        )
        return _check(LATE, Detail(detail), **extra)
    return _check(OK, **extra)


def check_beat(beats: dict[str, datetime], now: datetime) -> dict:
    last = beats.get(BEAT)
    extra = {"last_run": last.isoformat() if last else None, "age_seconds": _age(last, now)}
    if last is None:
        return _check(
            LATE, Detail(gettext_noop("the scheduler has never run (celery beat, or runserver's scheduler)")), **extra
        )
    if _age(last, now) > settings.SCHEDULER_STALE_SECONDS:
        return _check(LATE, Detail(gettext_noop("the scheduler stopped: nothing expires or is swept")), **extra)
    return _check(OK, **extra)


_backlog_lock = threading.Lock()
_backlog_memo: tuple[float, list[jobs.Backlog]] | None = None


def pending_backlog(*, fresh: bool = False) -> list[jobs.Backlog]:
    """The backlog of every kind of pending work, kept HEALTH_BACKLOG_CACHE_SECONDS in this process."""
    global _backlog_memo
    ttl = settings.HEALTH_BACKLOG_CACHE_SECONDS
    with _backlog_lock:
        if not fresh and ttl and _backlog_memo and time.monotonic() - _backlog_memo[0] < ttl:
            return _backlog_memo[1]
    rows = jobs.backlog()
    with _backlog_lock:
        _backlog_memo = (time.monotonic(), rows)
    return rows


def check_jobs(now: datetime, *, fresh: bool = False) -> dict:
    rows = pending_backlog(fresh=fresh)
    oldest = min((row.oldest for row in rows if row.oldest), default=None)
    # How long past its due time (its grace included) the oldest overdue row is.
    overdue_for = None if oldest is None else _age(oldest, now)
    extra = {"oldest_overdue_seconds": overdue_for, "backlog": {row.name: row.count for row in rows}}
    if overdue_for is not None and overdue_for > settings.JOBS_OVERDUE_ALERT_SECONDS:
        late = ", ".join(f"{row.name} ({row.count})" for row in rows if row.count)
        return _check(
            LATE,
            Detail(gettext_noop("work overdue for %(seconds)s s: %(late)s"), seconds=overdue_for, late=late),
            **extra,
        )
    return _check(OK, **extra)


def system_status(*, fresh: bool = False) -> dict:
    """Every check, and the overall status: {"status": ..., "database": {...}, ...}."""
    now = timezone.now()
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    if checks["database"]["status"] == OK:
        try:
            beats = heartbeats_read()
            checks["worker"] = check_worker(beats, now)
            checks["beat"] = check_beat(beats, now)
            checks["jobs"] = check_jobs(now, fresh=fresh)
        except Exception as error:  # a table missing before migrate, a query timing out
            for name in ("worker", "beat", "jobs"):
                checks.setdefault(name, _check(ERROR, _describe(error)))
    else:
        for name in ("worker", "beat", "jobs"):
            checks[name] = _check(ERROR, Detail(gettext_noop("unknown: the database is unavailable")))
    return {"status": overall(checks), **checks}


def overall(checks: dict[str, dict]) -> str:
    if any(checks[name]["status"] == ERROR for name in ESSENTIAL):
        return UNAVAILABLE
    if any(check["status"] not in (OK, EAGER) for check in checks.values()):
        return DEGRADED
    return OK


def takes_payments(status: dict) -> bool:
    return status["status"] != UNAVAILABLE
