"""What every test runs under, and what a test uses to ask for it: the cache emptied between tests,
the site settings cached as a running store has them, a real service the test needs."""

import copy
import inspect
import os
import time
from collections.abc import Callable

import pytest
from django.core.cache import cache

# The second pass (make test) runs the SQLite-covered tests with the embedded default database.
IN_SQLITE_PASS = os.environ.get("SQLITE_PASS") == "1"


def clear_cache() -> None:
    from core.templatetags.layout import forget_frames

    forget_frames()  # a test may render under other settings (static storage, languages)
    # delete_pattern honours the test key prefix; clear() would FLUSHDB a shared Redis. SCAN walks
    # every key of the database, the other workers' too: ten at a time (django-redis's default) that
    # was some 80 round trips before each test, one with a large COUNT.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*", itersize=10_000)
    else:
        cache.clear()


def warm_site_settings() -> None:
    """A test starts with no saved site settings, i.e. with the defaults: cache them as a running
    store has them cached, so query counts measure the page, not one cold settings read."""
    from constance import settings as constance_settings

    from core.site_settings import CACHE_KEY, CACHE_SECONDS

    cache.set(CACHE_KEY, {key: options[0] for key, options in constance_settings.CONFIG.items()}, CACHE_SECONDS)


def counting_cache_reads(monkeypatch) -> list[list[str]]:
    """The keys of each cache read from now on (a cache whose get_many calls get: still one read), a Redis
    cache's reads of keys and hashes together (core.cache: get_many_and_hashes) with the hashes' keys, and
    each hash read on its own (a cart's lines: HGETALL outside a pipeline) as ["HGETALL <key>"]. The waiting
    room's state is left out: each process reads it every few seconds, whichever request is running then."""
    reads, inside = [], []
    for name in ("get", "get_many", "get_many_and_hashes"):
        if not hasattr(cache, name):
            continue
        original = getattr(cache, name)

        def counting(keys, *args, _original=original, _name=name, **kwargs):
            if not inside:
                named = list(keys) if isinstance(keys, list | tuple) else [keys]
                reads.append(named + (list(args[0]) if _name == "get_many_and_hashes" else []))
            inside.append(1)
            try:
                return _original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, name, counting)
    if hasattr(cache, "get_many_and_hashes"):
        from django_redis import get_redis_connection
        from redis.client import Pipeline

        redis_class = type(get_redis_connection("default"))
        hgetall = redis_class.hgetall

        def counting_hgetall(client, key, *args, **kwargs):
            named = key.decode() if isinstance(key, bytes) else key
            if not isinstance(client, Pipeline) and not named.endswith("waitingroom:state"):
                reads.append([f"HGETALL {named}"])
            return hgetall(client, key, *args, **kwargs)

        monkeypatch.setattr(redis_class, "hgetall", counting_hgetall)
    return reads


def compiled_models(monkeypatch) -> list[str]:
    """The models whose queries Django compiles from here on (core.compiled_query: compiled once)."""
    from django.db.models.sql.compiler import SQLCompiler

    compiled, original = [], SQLCompiler.get_select

    def get_select(self, *args, **kwargs):
        compiled.append(self.query.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "get_select", get_select)
    return compiled


def require_env(*names: str) -> None:
    """Skip (and so fail in CI) when a real service this test claims to exercise is not configured."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        pytest.skip(f"needs the real service: set {', '.join(missing)}")


def flush_only_filled_tables() -> None:
    """A transactional test (live server, threads) ends with Django's flush: on PostgreSQL one
    TRUNCATE of all 130 tables (seconds: every table's files are replaced), then post_migrate
    writing the content types, permissions, roles and site again (half a second). Here the flush
    deletes the rows of the tables that hold any, the rest being empty already; and the tables
    post_migrate fills stay when they hold, row for row, what it wrote last time, in which case
    it is not sent again (it would write the same rows). The result is the database the plain
    flush leaves. Foreign keys are checked at the commit (Django makes them DEFERRABLE INITIALLY
    DEFERRED), so the deletes' order is free."""
    from django.core.management.commands import flush
    from django.db import connections
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate_all = DatabaseOperations.sql_flush
    send_post_migrate = flush.emit_post_migrate_signal
    seeded: dict[str, dict[str, str]] = {}  # per database: post_migrate's tables, a digest of their rows
    last_seeded_tables: dict[str, set[str]] = {}
    untouched: set[str] = set()  # databases whose post_migrate rows were kept by this flush

    def filled_tables(connection, tables) -> set[str]:
        probe = " UNION ALL ".join(f"(SELECT %s FROM {connection.ops.quote_name(table)} LIMIT 1)" for table in tables)
        with connection.cursor() as cursor:
            cursor.execute(probe, list(tables))
            return {row[0] for row in cursor.fetchall()}

    def digests(connection, tables) -> dict[str, str]:
        rows = " UNION ALL ".join(
            f"(SELECT %s, md5(coalesce(string_agg(row::text, '|' ORDER BY row::text), '')) "
            f"FROM {connection.ops.quote_name(table)} AS row)"
            for table in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(rows, list(tables))
            return dict(cursor.fetchall())

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        alias = self.connection.alias
        untouched.discard(alias)
        if not tables or reset_sequences or allow_cascade:  # the last: a test naming its apps, no post_migrate
            seeded.pop(alias, None)
            return truncate_all(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        filled = filled_tables(self.connection, tables)
        kept = seeded.get(alias)
        if kept and digests(self.connection, kept) == kept:
            untouched.add(alias)
            filled -= kept.keys()
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables if table in filled]

    def emit_post_migrate_signal(verbosity, interactive, db, **kwargs):
        if db in untouched:
            return
        send_post_migrate(verbosity, interactive, db, **kwargs)
        connection = connections[db]
        if connection.vendor != "postgresql":
            return
        # What post_migrate wrote is what the database holds now; trusted once two flushes agree
        # on the tables (a straggling write from the last test's live server does not count).
        tables = filled_tables(connection, connection.introspection.django_table_names(only_existing=True))
        if last_seeded_tables.get(db) == tables:
            seeded[db] = digests(connection, tables)
        else:
            seeded.pop(db, None)
        last_seeded_tables[db] = tables

    DatabaseOperations.sql_flush = sql_flush
    flush.emit_post_migrate_signal = emit_post_migrate_signal


def built_then_rolled_back(build: Callable[[], object]):
    """What `build` returns, the rows it wrote rolled back: their ids stay taken (sequences go on), so
    the same rows written again get other ids."""
    from django.db import transaction

    with transaction.atomic():
        built = build()
        transaction.set_rollback(True)
    return built


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`, or the next one when this one has under two
    seconds left: the server checks it a moment later, with no tolerance for the previous window (allauth's
    default). Activation does not spend a code, so the one typed there may be typed again in the same window."""
    import pyotp

    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 2:
        time.sleep(left)
    return totp.now()


def business_days_left_of_a_term_started_today(term: int) -> int:
    """What staff read ("quedan N días hábiles") of a `term` of business days filed today: the term itself on a
    business day; filed on a rest day (Lima's date), it starts the next business day, which counts as left."""
    from django.utils import timezone

    from shipping.calendar import OFFICE_WEEKEND, is_business_day

    return term if is_business_day(timezone.localdate(), weekend=OFFICE_WEEKEND) else term + 1


# Builders of rows a test module's tests share (tests/conftest.py's `_module_rows`): module name ->
# {fixture name: builder}. CONFTEST holds the conftest's, shared where a module asks for them.
_builders: dict[str, dict[str, Callable]] = {}
CONFTEST = ""


def _parameters(builder: Callable) -> list[str]:
    return list(inspect.signature(builder).parameters)


def shared_by_module(builder: Callable):
    """A test module's fixture whose rows are built once for the module, not once per test: for rows
    every test of the module may see. Its parameters name other shared fixtures (its module's, above
    it, or the conftest's `shareable` ones); each test gets its own copy of what it returns."""
    name = builder.__name__
    _builders.setdefault(builder.__module__, {})[name] = builder

    def shared(_module_rows, db):
        return copy.deepcopy(_module_rows[name])

    shared.__doc__ = builder.__doc__
    return pytest.fixture(shared, name=name)


def shareable(builder: Callable):
    """A conftest fixture a module may share: built once for the module where it names it
    (`pytest.mark.shared_rows(name, ...)`) or where one of the module's shared fixtures needs it, and
    for each test elsewhere. Its parameters name other such fixtures."""
    name = builder.__name__
    _builders.setdefault(CONFTEST, {})[name] = builder

    def fixture(request, _module_rows, db):
        if name in _module_rows:
            return copy.deepcopy(_module_rows[name])
        return builder(**{needed: request.getfixturevalue(needed) for needed in _parameters(builder)})

    fixture.__doc__ = builder.__doc__
    return pytest.fixture(fixture, name=name)


def module_shares(module, asked: tuple[str, ...]) -> list[str]:
    """The fixtures a module's rows hold: its own shared ones, and the conftest's it asks for."""
    return [*_builders.get(module.__name__, {}), *asked]


def module_rows_build(module, names: list[str]) -> dict:
    """Builds `names` and what they need, each once, the module's own builders first."""
    own, conftest = _builders.get(module.__name__, {}), _builders.get(CONFTEST, {})
    rows: dict = {}

    def build(name: str):
        if name not in rows:
            builder = own.get(name) or conftest.get(name)
            if builder is None or (name not in own and name in vars(module)):
                pytest.fail(f"{module.__name__}: {name} is not a fixture its tests can share (tests/harness.py)")
            rows[name] = builder(**{needed: build(needed) for needed in _parameters(builder)})
        return rows[name]

    for name in names:
        build(name)
    return rows


def files_cached_as_in_production(static_handler):
    """The live server's static and media handler, answering as production's nginx does: a browser
    keeps the files it got (deploy/nginx: static files a year, uploads a week) instead of asking for
    each again, or revalidating it, on every page a browser test opens. The tests' static names are
    not hashed, but no file changes during a run, and an upload or rendition always gets a new name."""
    from django.conf import settings

    prefixes = (settings.STATIC_URL, settings.MEDIA_URL)
    cache_control = ("Cache-Control", "public, max-age=604800")

    def wrap(application):
        files = static_handler(application)

        def serve(environ, start_response):
            if not environ.get("PATH_INFO", "").startswith(prefixes):
                return files(environ, start_response)

            def cached(status, headers, exc_info=None):
                kept = [header for header in headers if header[0].lower() != "cache-control"]
                return start_response(status, [*kept, cache_control], exc_info)

            return files(environ, cached)

        return serve

    return wrap
