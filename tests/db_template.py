"""One migrated database per test run, which each pytest-xdist worker's test database is copied from.

Each worker made its own test database by running every migration, about 10 s of CPU apiece on two
cores (Django renders the project's models again for each migration), all three at the start of
CI's PostgreSQL pass. The first worker to need one now migrates a template database for the run
(named after pytest-xdist's run id); each worker's database is then PostgreSQL's copy of it
(`CREATE DATABASE … TEMPLATE`, Django's TEST["TEMPLATE"]), whose migrate finds nothing left to do.
The workers take turns under a file lock: PostgreSQL copies a template only while nobody else is
connected to it. The first worker done drops it (all of them copy it as they start; one that had not
would build it again), and a template left by a run that was killed is dropped by the next one.
"""

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")


def _base_name(connection) -> str:
    # pytest-django names a worker's database <test name>_gw<n>: the run's template drops the suffix.
    return connection.creation._get_test_db_name().rsplit("_gw", 1)[0]


def _template_name(connection) -> str:
    return f"{_base_name(connection)}_template_{RUN_ID[:12]}"


@contextmanager
def _turn(connection) -> Iterator[None]:
    # One lock file for every run (a file of its own per run would pile up in the temporary folder).
    with open(Path(tempfile.gettempdir()) / f"{_base_name(connection)}_template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _databases_named(connection, pattern: str) -> list[str]:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


def _drop(connection, name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _build(connection, create_test_db, name: str) -> None:
    """Migrate the run's template, the way Django makes a test database, then leave it unconnected."""
    for stale in _databases_named(connection, f"{_base_name(connection)}\\_template\\_%"):
        if stale != name:
            _drop(connection, stale)
    test_settings, database_name = dict(connection.settings_dict["TEST"]), connection.settings_dict["NAME"]
    connection.settings_dict["TEST"].update(NAME=name, TEMPLATE=None)
    try:
        create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    finally:
        connection.close()
        connection.close_pool()
        connection.settings_dict["TEST"] = test_settings
        connection.settings_dict["NAME"] = database_name


def copy_each_worker_s_database_from_one_template() -> bool:
    """Make the default database's test database a copy of the run's migrated template (built by
    whichever worker comes first). False, and nothing changed, outside pytest-xdist or PostgreSQL."""
    connection = connections["default"]
    if not RUN_ID or connection.vendor != "postgresql":
        return False
    creation = connection.creation
    create_test_db = creation.create_test_db
    name = _template_name(connection)

    def from_the_template(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        with _turn(connection):
            if not _databases_named(connection, name):
                _build(connection, create_test_db, name)
            connection.settings_dict["TEST"]["TEMPLATE"] = name
            try:
                return create_test_db(verbosity, autoclobber, serialize, keepdb)
            finally:
                connection.settings_dict["TEST"]["TEMPLATE"] = None

    creation.create_test_db = from_the_template
    return True


def drop_the_template() -> None:
    """The run's template, once this worker is done (a worker still to copy it would build it again)."""
    connection = connections["default"]
    with _turn(connection):
        _drop(connection, _template_name(connection))
