"""The cluster's backups and Redis' persistence (docs/operations/backups.md): the primary archives
its WAL to pgBackRest from its first write, `make backup` (scripts/backup run) takes a base backup
with a media snapshot, `make restore` brings the primary back to a moment in place (the replica
cloned again), and a shopper's cart is still there after Redis restarts (append-only file)."""

import os
import re
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from inventory.models import Warehouse
from tests.cluster.http import ROOT, Shopper, cluster
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def test_a_base_backup_takes_the_media_with_it_and_the_wal_reaches_the_repository():
    media = Path(os.environ["CLUSTER_DIR"]) / "media"
    (media / "respaldo-prueba.txt").write_text("foto de producto")
    backup = subprocess.run(
        [str(ROOT / "scripts/backup"), "run", "full"], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert backup.returncode == 0, backup.stdout + backup.stderr
    label = re.search(r"^backup (\S+): PostgreSQL \(full\) and media", backup.stdout, re.MULTILINE)
    assert label, backup.stdout
    snapshot = Path(os.environ["CLUSTER_DIR"]) / "backups" / "media" / label[1]
    assert (snapshot / "respaldo-prueba.txt").read_text() == "foto de producto"
    # pgBackRest's own check: a WAL segment is switched and must arrive in the repository.
    config = f"--config={os.environ['CLUSTER_DIR']}/pgbackrest.conf"
    check = subprocess.run(
        as_postgres("pgbackrest", config, "--stanza=tienda", "check"), capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stdout + check.stderr
    info = subprocess.run(
        [str(ROOT / "scripts/backup"), "info"], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert label[1] in info.stdout and "wal archive min/max" in info.stdout, info.stdout


def test_a_shoppers_cart_is_still_there_after_redis_restarts(nginx_url):
    variant = VariantFactory(sku="AOF-1", product=ProductFactory(name="Chompa Alpaca", base_price=Decimal("89.90")))
    stock(variant, WarehouseFactory(), 5)
    shopper = Shopper(nginx_url)
    assert shopper.post(reverse("cart:add"), {"sku": "AOF-1", "quantity": "2"}).status_code == 302
    assert "Chompa Alpaca" in shopper.get(reverse("cart:detail")).text
    cluster("restart-redis")
    # The nodes' first call may meet the connection Redis closed: they then leave Redis alone for
    # REDIS_RETRY_SECONDS (the cart answers 503 meanwhile) before trying it again.
    deadline = time.monotonic() + 30
    while (cart := shopper.get(reverse("cart:detail"))).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert cart.status_code == 200
    assert "Chompa Alpaca" in cart.text


def test_make_restore_brings_the_cluster_back_to_a_moment_and_clones_the_replica_again(nginx_url):
    """The in-place restore (`make restore TARGET=...`): last in this module, as it restarts the primary."""
    backup = subprocess.run(
        [str(ROOT / "scripts/backup"), "run"], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert backup.returncode == 0, backup.stdout + backup.stderr
    WarehouseFactory(name="Almacén antes del momento")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
        moment = cursor.fetchone()[0]
    WarehouseFactory(name="Almacén después del momento")
    connections.close_all()
    restore = subprocess.run(
        [str(ROOT / "scripts/backup"), "restore", moment], capture_output=True, text=True, timeout=600, env=os.environ
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    names = set(Warehouse.objects.filter(name__startswith="Almacén ").values_list("name", flat=True))
    assert names == {"Almacén antes del momento"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False  # promoted: it takes writes again
    # The replica, cloned again, streams from the restored primary; the nodes serve through pgbouncer.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
            streaming = cursor.fetchone()[0]
        if streaming and Shopper(nginx_url).get("/healthz").status_code == 200:
            break
        time.sleep(0.5)
    assert streaming == 1
    assert Shopper(nginx_url).get("/healthz").status_code == 200
