"""The cluster tests run against the production layout started by scripts/cluster (nginx, two
gunicorn nodes, pgbouncer, a PostgreSQL primary and its streaming replica, Redis, a worker):
`make test-cluster` starts it once, runs `pytest -m cluster` inside it, and stops it. The test
process writes to the cluster's own database (its test database, TEST_DATABASE_NAME), so the
nodes behind nginx see what a test set up. Without a cluster these tests are deselected, not
skipped: the ordinary run has nothing to say about them."""

import os
import time

import kombu.exceptions
import pytest
import redis


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CLUSTER_URL"):
        return
    kept = [item for item in items if "cluster" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if "cluster" in item.keywords])
        items[:] = kept


@pytest.fixture(scope="session")
def nginx_url() -> str:
    return os.environ["CLUSTER_URL"]


@pytest.fixture(scope="session")
def node_urls() -> list[str]:
    return os.environ["CLUSTER_NODES"].split(",")


@pytest.fixture(autouse=True)
def worker_done_before_the_database_is_emptied(request):
    """A cluster test ends as soon as what it checks is true, often while the cluster's worker still
    runs what followed (a paid order's receipt, its e-mails). The test database is emptied after
    the test (TRUNCATE): a write of the worker's racing it failed that teardown, and a task left
    over would write into the next test. So the teardown first waits for the worker to be idle."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    # Requested here so that this fixture's teardown runs before the database's.
    request.getfixturevalue("transactional_db")
    yield
    wait_for_idle_worker()


def wait_for_idle_worker(seconds: float = 60.0) -> None:
    """Idle: nothing queued, and the worker answers that it holds no task to run. It runs one task
    at a time and cannot answer while it runs one; a task waiting for a later time (the sweep it
    schedules when it starts: core/heartbeats.py) is not one it holds to run."""
    from config.celery import app

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    deadline = time.monotonic() + seconds
    while True:
        queued = broker.llen("celery")
        held = None if queued else reserved(app)
        if held and not any(held.values()):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the cluster's worker is still busy after {seconds:.0f} s ({queued} queued, holding {held})")
        time.sleep(0.1)


def reserved(app) -> dict | None:
    """The worker's answer, over a new connection: a test may have restarted Redis under the
    process's pooled one."""
    try:
        with app.connection() as connection:
            return app.control.inspect(timeout=1.0, limit=1, connection=connection).reserved()
    except (OSError, redis.RedisError, kombu.exceptions.OperationalError):
        return None
