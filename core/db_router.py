"""Reads of read-only pages go to a PostgreSQL streaming replica; everything else to the primary.

A page opts in with @replica_reads (storefront catalog pages, back-office reports): while its
view runs, ReplicaReadsMiddleware lets the router send the page's reads to the replica alias
(DATABASE_REPLICA_URL). Everything else stays on the primary:
- every write, and every select_for_update (Django routes both through db_for_write);
- every read inside a transaction of the primary (what a write reads must be what it locks);
- every read after the request wrote something, so a page sees its own writes;
- the models whose staleness would show as a bug (sessions, users, carts: PRIMARY_ONLY_APPS);
- everything while the replica lags past REPLICA_MAX_LAG_SECONDS or does not answer (checked at
  most every REPLICA_CHECK_SECONDS per process, cached in memory: no Redis trip per page);
- every page for REPLICA_MAX_LAG_SECONDS after a write that cached pages must show at once
  (replica_hold(): a catalog change bumps the page cache's version, and a page rendered from a
  replica that has not replayed the change yet would be stored under the new version).
A replica that fails in the middle of a page is marked down and the view runs again on the
primary (it is a GET that wrote nothing), so a replica outage is never a 500."""

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"

# Per request (and per thread: contextvars follow the thread running the request).
_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)
_wrote = contextvars.ContextVar("replica_wrote", default=False)


class _ReplicaState(TypedDict):
    usable: bool
    checked: float  # monotonic time


# One state per process: (usable, checked at monotonic time).
_state_lock = threading.Lock()
_state: _ReplicaState = {"usable": False, "checked": float("-inf")}

LAG_SQL = (
    # Not in recovery (a promoted replica, or the test mirror): no lag. Streaming with nothing left to
    # replay: the replica is as new as the primary's last commit, however old that commit is. Without
    # a WAL receiver (cut off from the primary) what it received tells nothing of what the primary
    # wrote since: its age is the time since the last commit it replayed.
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)"
    " AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


def replica_configured() -> bool:
    return settings.REPLICA_READS and REPLICA in settings.DATABASES


def replica_reads(view):
    """Mark a view whose GET only reads: its reads may come from the replica."""
    view.replica_reads = True
    return view


HOLD_KEY = "db-router:primary-until"


def replica_hold() -> None:
    """Pages read from the primary for as long as the replica may lag behind this write."""
    if replica_configured():
        seconds = settings.REPLICA_MAX_LAG_SECONDS
        cache.set(HOLD_KEY, time.time() + seconds, timeout=int(seconds) + 1)


def _held() -> bool:
    return (cache.get(HOLD_KEY) or 0) > time.time()


def replica_lag_seconds() -> float:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_mark_down() -> None:
    with _state_lock:
        _state.update({"usable": False, "checked": time.monotonic()})
    try:
        connections[REPLICA].close()
    except DatabaseError:
        pass


def replica_usable() -> bool:
    now = time.monotonic()
    if now - _state["checked"] < settings.REPLICA_CHECK_SECONDS:
        return _state["usable"]
    try:
        lag = replica_lag_seconds()
        usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            log.warning(
                "Replica lags %.1f s (more than %s): reads go to the primary", lag, settings.REPLICA_MAX_LAG_SECONDS
            )
    except DatabaseError as error:
        log.warning("Replica unavailable, reads go to the primary: %s", error)
        usable = False
        try:
            connections[REPLICA].close()
        except DatabaseError:
            pass
    with _state_lock:
        _state.update({"usable": usable, "checked": now})
    return usable


def replica_state_forget() -> None:
    """The next read checks the replica again (tests, and after a failover)."""
    with _state_lock:
        _state.update({"usable": False, "checked": float("-inf")})


def _reading_from_replica_now() -> bool:
    return _replica_allowed.get() and not _wrote.get() and not connections[PRIMARY].in_atomic_block and replica_usable()


def reading_from_replica() -> bool:
    """Whether a read made now goes to the replica (a @replica_reads page, nothing written yet)."""
    return replica_configured() and _reading_from_replica_now()


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside the block go to the primary, on a page that may read the replica: for an answer the
    replica may not have yet (a row just written by a process that set no hold) and that would be kept."""
    allowed = _replica_allowed.set(False)
    try:
        yield
    finally:
        _replica_allowed.reset(allowed)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in settings.REPLICA_PRIMARY_ONLY_APPS:
            return PRIMARY
        return REPLICA if _reading_from_replica_now() else PRIMARY

    def db_for_write(self, model, **hints):
        # Also select_for_update's choice. From here on this request reads its own writes.
        if _replica_allowed.get():
            _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Lets @replica_reads views (GET and HEAD only) read from the replica, and runs such a
    view again on the primary when the replica fails under it. Last in MIDDLEWARE, so its
    process_exception sees a view's error first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed, wrote = _replica_allowed.set(False), _wrote.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_allowed.reset(allowed)
            _wrote.reset(wrote)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            replica_configured()
            and getattr(view_func, "replica_reads", False)
            and request.method in ("GET", "HEAD")
            and not _held()
        ):
            _replica_allowed.set(True)
            request._replica_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        view = getattr(request, "_replica_view", None)
        if view is None or not _failed_on_replica(exception):
            return None
        log.warning("Replica failed during %s, served from the primary: %s", request.path, exception)
        replica_mark_down()
        _replica_allowed.set(False)
        del request._replica_view  # once
        view_func, view_args, view_kwargs = view
        return view_func(request, *view_args, **view_kwargs)


def _failed_on_replica(error: Exception) -> bool:
    # The wrapper flags the alias whose connection raised; the primary's errors stay errors.
    return isinstance(error, (OperationalError, InterfaceError)) and connections[REPLICA].errors_occurred
