"""The database router (core/db_router.py): a @replica_reads page reads from the replica, and
nothing else ever reaches it. Here the replica is the test database through a read-only
connection (config/settings/test.py), so a write or a SELECT ... FOR UPDATE sent to it fails
the request; the queries each connection ran are also looked at."""

import time

import pytest
from django.core.cache import cache
from django.db import DatabaseError, OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext

from catalog.models import Brand
from core import db_router
from tests.factories import ON_POSTGRESQL

pytestmark = [
    ON_POSTGRESQL,  # the replica is the PostgreSQL test database through a read-only connection
    pytest.mark.urls("tests.core.db_router_urls"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def routing_on(settings):
    settings.REPLICA_READS = True
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 2
    db_router.replica_state_forget()
    Brand.objects.create(name="Acme", slug="acme")
    cache.delete(db_router.HOLD_KEY)  # the catalog write above holds pages on the primary for a moment
    yield
    db_router.replica_state_forget()


def get(client, url):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def brand_sql(queries):
    return [sql for sql in queries if "catalog_brand" in sql]


def test_the_replica_refuses_writes_and_locks():
    """The trap the other tests rely on: had the router sent them there, they would have failed."""
    with pytest.raises(DatabaseError, match="read-only"):
        Brand.objects.using("replica").create(name="X", slug="x")
    with pytest.raises(DatabaseError, match="read-only"), transaction.atomic(using="replica"):
        list(Brand.objects.using("replica").select_for_update())


def test_a_marked_page_reads_from_the_replica(client):
    response, primary, replica = get(client, "/read/")
    assert response.status_code == 200 and response.content == b"Acme"
    assert brand_sql(replica) and not brand_sql(primary)


def test_an_unmarked_page_reads_from_the_primary(client):
    response, primary, replica = get(client, "/unmarked/")
    assert response.content == b"Acme"
    assert brand_sql(primary) and not replica


def test_a_post_to_a_marked_page_reads_from_the_primary(client):
    with CaptureQueriesContext(connections["replica"]) as replica:
        client.post("/read/")
    assert not replica


def test_writes_go_to_the_primary_and_the_page_then_reads_its_own_writes(client):
    response, primary, replica = get(client, "/write/")
    assert response.status_code == 200 and response.content == b"Acme,Nueva"
    assert any(sql.startswith("INSERT") for sql in brand_sql(primary))
    assert not brand_sql(replica)  # not even the read after the write


def test_select_for_update_and_reads_in_its_transaction_go_to_the_primary(client):
    response, primary, replica = get(client, "/lock/")
    assert response.status_code == 200 and response.content == b"0 m\xc3\xa1s"
    assert any("FOR UPDATE" in sql for sql in primary)
    assert not brand_sql(replica)


def test_a_lagging_replica_is_not_read(client, monkeypatch):
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: 30.0)
    response, primary, replica = get(client, "/read/")
    assert response.content == b"Acme" and brand_sql(primary) and not brand_sql(replica)


def test_a_replica_within_the_allowed_lag_is_read(client, monkeypatch):
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: 1.5)
    _, primary, replica = get(client, "/read/")
    assert brand_sql(replica) and not brand_sql(primary)


def test_a_replica_that_is_down_is_not_read(client, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(db_router, "replica_lag_seconds", down)
    response, primary, replica = get(client, "/read/")
    assert response.status_code == 200 and response.content == b"Acme" and brand_sql(primary)


def test_a_replica_failing_mid_page_serves_the_page_from_the_primary(client):
    def broken(execute, sql, params, many, context):
        if "catalog_brand" in sql:
            connections["replica"].errors_occurred = True  # as Django's wrapper flags a dropped connection
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connections["replica"].execute_wrapper(broken):
        response, primary, _ = get(client, "/read/")
    assert response.status_code == 200 and response.content == b"Acme" and brand_sql(primary)
    assert db_router._state["usable"] is False  # the next pages do not try it until the next check


def test_the_lag_query_runs_on_a_primary(client):
    assert db_router.replica_lag_seconds() == 0  # the mirror is no standby: nothing to replay


def test_routing_is_off_without_a_replica(client, settings):
    settings.REPLICA_READS = False
    _, primary, replica = get(client, "/read/")
    assert brand_sql(primary) and not replica


def test_behind_pgbouncer_a_new_connection_sets_nothing_on_the_server(settings):
    """A SET through pgbouncer in transaction mode would stay on one server connection for
    whichever client gets it next: there the servers' configuration carries the setting."""
    from catalog.apps import _tune_trigram_threshold

    class Connection:
        vendor = "postgresql"
        settings_dict = {"DISABLE_SERVER_SIDE_CURSORS": True}

        def cursor(self):
            raise AssertionError("no statement on a pooled connection")

    settings.DATABASE_POOLER = "pgbouncer"
    _tune_trigram_threshold(sender=None, connection=Connection())
    settings.DATABASE_POOLER = ""
    with pytest.raises(AssertionError):
        _tune_trigram_threshold(sender=None, connection=Connection())


def test_after_a_catalog_write_pages_read_from_the_primary_until_the_replica_caught_up(client, settings):
    """A price change bumps the page cache's version at commit: a page rendered from a replica
    that has not replayed it yet would be cached under the new version with the old price."""
    settings.REPLICA_MAX_LAG_SECONDS = 1
    Brand.objects.filter(slug="acme").update(country="PE")
    from catalog import listing_cache

    listing_cache.bump()
    _, primary, replica = get(client, "/read/")
    assert brand_sql(primary) and not brand_sql(replica)
    time.sleep(1.1)
    _, primary, replica = get(client, "/read/")
    assert brand_sql(replica) and not brand_sql(primary)
