"""The cluster tests run against the production layout started by scripts/cluster (nginx, two
gunicorn nodes, pgbouncer, a PostgreSQL primary and its streaming replica, Redis, a worker):
`make test-cluster` starts it once, runs `pytest -m cluster` inside it, and stops it. The test
process writes to the cluster's own database (its test database, TEST_DATABASE_NAME), so the
nodes behind nginx see what a test set up. Without a cluster these tests are deselected, not
skipped: the ordinary run has nothing to say about them."""

import os

import pytest


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
