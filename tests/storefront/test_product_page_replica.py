"""A product page read from a replica that has not replayed the product's creation yet (its writer
set no hold: a command, the other release during a deploy; or the hold lapsed first). A "not found"
is kept until a product is written at the address, so the page asks the primary before answering
404: the product is shown, and nothing wrong is kept for the next shoppers."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from core import db_router
from tests.factories import ON_POSTGRESQL, ProductFactory, VariantFactory

pytestmark = [
    ON_POSTGRESQL,  # the replica is the PostgreSQL test database through a read-only connection
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica_routing(settings):
    settings.REPLICA_READS = True
    settings.REPLICA_CHECK_SECONDS = 0
    db_router.replica_state_forget()
    yield
    db_router.replica_state_forget()


@pytest.fixture
def replica_behind(replica_routing):
    """The replica's connection keeps the snapshot of a moment before the product exists: what a
    replica that has not replayed its creation answers."""
    replica = connections["replica"]
    with replica.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT count(*) FROM catalog_product")
    yield
    with replica.cursor() as cursor:
        cursor.execute("ROLLBACK")


def _no_hold() -> None:
    from django.core.cache import cache

    cache.delete(db_router.HOLD_KEY)  # as if written by a process that sets none


def test_a_product_the_replica_has_not_replayed_is_shown_from_the_primary(client, replica_behind):
    product = VariantFactory(product=ProductFactory(name="Chompa Ausangate")).product
    _no_hold()
    assert not Product.objects.using("replica").filter(pk=product.pk).exists()  # the replica is behind

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert "Chompa Ausangate" in response.text
    assert any("catalog_product" in query["sql"] for query in on_replica)  # it asked the replica first
    assert client.get(product.get_absolute_url()).status_code == 200  # and kept what the primary said


def test_an_address_nobody_sells_is_still_not_found(client, replica_routing):
    _no_hold()
    assert client.get("/p/no-existe/").status_code == 404
