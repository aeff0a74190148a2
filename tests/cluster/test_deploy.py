"""A deploy without downtime (issue 49): `scripts/cluster deploy` (make deploy) migrates, restarts
the worker warm and replaces the two nodes one at a time behind nginx while shoppers browse and
buy through it. No request fails, and no purchase is lost or placed twice."""

import os
import pickle
import subprocess
from pathlib import Path

import pytest

from orders.models import Order
from tests.cluster.deploy_load import shop_for_the_load, under_load
from tests.cluster.http import ROOT, replica_state

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def _pids() -> dict[str, str]:
    folder = Path(os.environ["CLUSTER_DIR"])
    return {name: (folder / f"{name}.pid").read_text().strip() for name in ("node1", "node2", "worker")}


def _deploy() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "cluster"), "deploy"], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _where_the_product_is(product_path: str) -> dict:
    """For a failure report: whether the primary and the replica the nodes read hold the product, and
    how far each has gone (a product page answered 404 once for the whole of a deploy, in CI only)."""
    from django.db import connection

    slug = product_path.strip("/").rsplit("/", 1)[-1]
    count = "SELECT count(*) FROM catalog_product WHERE slug = %s AND status = 'active'"
    with connection.cursor() as cursor:
        cursor.execute(count, [slug])
        on_primary = cursor.fetchone()[0]
        cursor.execute("SELECT pg_current_wal_lsn()::text, (SELECT timeline_id FROM pg_control_checkpoint())")
        primary_lsn, primary_timeline = cursor.fetchone()
    try:
        on_replica = replica_state(count, (slug,))[0]
        replica = replica_state(
            "SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text, "
            "(SELECT received_tli FROM pg_stat_wal_receiver), now() - pg_last_xact_replay_timestamp()"
        )
    except Exception as error:  # a report, never a second failure
        on_replica, replica = None, repr(error)
    return {
        "slug": slug,
        "active on the primary": on_primary,
        "active on the replica": on_replica,
        "primary (lsn, timeline)": (primary_lsn, primary_timeline),
        "replica (replayed, received, receiver's timeline, since last replayed commit)": replica,
        **_what_the_nodes_keep(slug),
    }


def _what_the_nodes_keep(slug: str) -> dict:
    """For a failure report: the product page's catalog data the nodes share in Redis (a "not found"
    kept there answers 404 on every node until the address is written) and the tree's hidden ids."""
    from django.core.cache import cache

    from catalog import catalog_version, listing_cache
    from catalog.models import Product
    from catalog.selectors import _rows_shape
    from catalog.tree import catalog_tree

    try:
        entry = cache.get(listing_cache._key("product-page:" + _rows_shape(), slug))
        reading = catalog_version.as_reading(entry[0]) if isinstance(entry, tuple) else None
        product = Product.objects.filter(slug=slug).values("category_id", "brand_id").first()
        tree = catalog_tree()
        return {
            # Its value is pickled on its own beside its reading (listing_cache._unpacked).
            "catalog data kept": "none"
            if entry is None
            else ("not found" if pickle.loads(entry[1]) is None else "the product"),
            "its reading holds": catalog_version.holds(reading) if reading is not None else None,
            "its marks then and now": {
                mark: (number, cache.get(mark)) for mark, number in (reading.marks.items() if reading else ())
            },
            "the product's category hidden": product is not None and product["category_id"] in tree.hidden_category_ids,
            "its brand hidden": product is not None and product["brand_id"] in tree.hidden_brand_ids,
        }
    except Exception as error:  # a report, never a second failure
        return {"what the nodes keep": repr(error)}


def test_a_deploy_under_load_fails_no_request_and_places_each_order_once(nginx_url):
    product_path = shop_for_the_load()
    before = _pids()

    # Shoppers who pause between pages, as people do: with none, four threads kept both cores busy and
    # the deploy took three times as long (50 s against 17), measuring the machine rather than the deploy.
    tally, _seconds = under_load(nginx_url, product_path, _deploy, pause=0.2)

    # A string: pytest shortens a message's repr, and the report's end is what tells the cause.
    assert tally.failed == 0, "\n".join(
        [*tally.failures, *(f"{name}: {value}" for name, value in _where_the_product_is(product_path).items())]
    )
    assert tally.requests > 50 and tally.orders > 0, tally
    assert Order.objects.count() == tally.orders  # each accepted purchase once, none without its answer
    after = _pids()
    assert all(after[name] != before[name] for name in before), (before, after)  # both nodes and the worker are new
