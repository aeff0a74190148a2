"""A deploy without downtime (issue 49): `scripts/cluster deploy` (make deploy) migrates, restarts
the worker warm and replaces the two nodes one at a time behind nginx while shoppers browse and
buy through it. No request fails, and no purchase is lost or placed twice."""

import os
import subprocess
from pathlib import Path

import pytest

from orders.models import Order
from tests.cluster.deploy_load import shop_for_the_load, under_load
from tests.cluster.http import ROOT

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def _pids() -> dict[str, str]:
    folder = Path(os.environ["CLUSTER_DIR"])
    return {name: (folder / f"{name}.pid").read_text().strip() for name in ("node1", "node2", "worker")}


def _deploy() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "cluster"), "deploy"], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_deploy_under_load_fails_no_request_and_places_each_order_once(nginx_url):
    product_path = shop_for_the_load()
    before = _pids()

    tally, _seconds = under_load(nginx_url, product_path, _deploy)

    assert tally.failed == 0, tally.failures
    assert tally.requests > 50 and tally.orders > 0, tally
    assert Order.objects.count() == tally.orders  # each accepted purchase once, none without its answer
    after = _pids()
    assert all(after[name] != before[name] for name in before), (before, after)  # both nodes and the worker are new
