"""A deploy without downtime (issue 49): `scripts/cluster deploy` (make deploy) migrates, restarts
the worker warm and replaces the two nodes one at a time behind nginx while shoppers browse and
buy through it. No request fails, and no purchase is lost or placed twice."""

import os
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
    }


def test_a_deploy_under_load_fails_no_request_and_places_each_order_once(nginx_url):
    product_path = shop_for_the_load()
    before = _pids()

    tally, _seconds = under_load(nginx_url, product_path, _deploy)

    assert tally.failed == 0, (tally.failures, _where_the_product_is(product_path))
    assert tally.requests > 50 and tally.orders > 0, tally
    assert Order.objects.count() == tally.orders  # each accepted purchase once, none without its answer
    after = _pids()
    assert all(after[name] != before[name] for name in before), (before, after)  # both nodes and the worker are new
