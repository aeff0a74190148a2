"""A shopper's browser over real HTTP, shaped like Django's test client where the shared
helpers (tests/factories.py: add, apply_code, details, delivery, place) need it: post(path,
data, **HTTP_HEADERS) with the CSRF token a browser would send, and status_code/headers."""

import os
import re
import subprocess
import time
from pathlib import Path

import psycopg
import requests
from django.db import connection

from tests.accounts.live_http import _FromAddress

ROOT = Path(__file__).resolve().parents[2]
CHECKOUT_KEY = re.compile(r'name="key" value="([^"]+)"')


class Shopper:
    def __init__(self, base: str, source_ip: str = "127.0.0.1"):
        self.base = base
        self.session = requests.Session()
        # Each shopper its own loopback address: through nginx the app must see it as the client.
        self.session.mount("http://", _FromAddress(source_ip, pool_connections=2, pool_maxsize=2))

    def get(self, path: str, base: str | None = None, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get((base or self.base) + path, timeout=60, **kwargs)

    def post(self, path: str, data: dict | None = None, base: str | None = None, **meta) -> requests.Response:
        headers = {
            name[5:].replace("_", "-").title(): value for name, value in meta.items() if name.startswith("HTTP_")
        }
        if "csrftoken" not in self.session.cookies:
            self.get("/cart/")  # a page with forms sets the CSRF cookie
        headers["X-CSRFToken"] = self.session.cookies["csrftoken"]
        return self.session.post(
            (base or self.base) + path, data=data or {}, headers=headers, allow_redirects=False, timeout=60
        )


def upstream(response: requests.Response) -> str:
    return response.headers.get("X-Upstream", "")


def review_key(shopper: Shopper) -> str:
    page = shopper.get("/checkout/review/")
    assert page.status_code == 200, page.status_code
    match = CHECKOUT_KEY.search(page.text)
    assert match, "no checkout key on the review page"
    return match.group(1)


def cluster(*args: str) -> str:
    """Run a scripts/cluster command (kill-node 1, stop-replica, ...) on the running cluster."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "cluster"), *args], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def replica_state(sql: str, params: tuple = ()) -> tuple:
    """One row the replica answers (what the nodes read through DATABASE_REPLICA_URL)."""
    port = int(os.environ["CLUSTER_PORT"]) + 1
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=os.environ["CLUSTER_DB"]) as replica:
        return replica.execute(sql, params).fetchone()


def replica_caught_up(seconds: float = 30.0) -> None:
    """Wait until the replica has replayed everything the test process wrote. A write made by a
    node holds catalog pages on the primary while the replica may lag (core.db_router.replica_hold);
    the test process's settings read no replica, so its writes set no hold, and a page read from a
    replica that has not seen the test's new product would be cached as "not found"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    port = int(os.environ["CLUSTER_PORT"]) + 1
    deadline = time.monotonic() + seconds
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=os.environ["CLUSTER_DB"]) as replica:
        while not replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (written,)).fetchone()[0]:
            assert time.monotonic() < deadline, f"the replica has not replayed {written} in {seconds} s"
            time.sleep(0.05)
