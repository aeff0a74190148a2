"""The production layout under load and faults (scripts/cluster; `make test-cluster`): the
races the unit tests prove with threads, driven through nginx across both gunicorn nodes; a node
killed in the middle of a checkout; the replica stopped. Every node reads catalog pages from the
streaming replica, which refuses writes: a write or a lock routed there would fail the request."""

import gzip
import http.client
import os
import re
import threading
import time
from decimal import Decimal as D

import psycopg
import pytest
import requests
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from psycopg import sql

from cart.models import CartClient
from core.db_router import LAG_SQL
from demo.shipping import load_demo_shipping
from inventory.models import Reservation, StockLevel
from orders.models import Order, OrderStatus
from payments.models import WebhookEvent
from payments.services import payment_method_ensure_test_gateway
from promotions.models import Coupon
from tests.cluster.http import Shopper, cluster, review_key, upstream
from tests.factories import (
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    coupon,
    delivery_accepted,
    details_accepted,
    make_guest_order,
    make_payment,
    stock,
)
from tests.payments.webhook_helpers import body, session_completed, stripe_headers
from tests.threads import run_in_threads

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def eventually(check, seconds=30.0):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def replica_page_reads() -> int:
    """Scans of the catalog's and the stock's tables on the replica, by its own statistics: what
    catalog pages read there when their caches miss (the stock figures they keep come from the
    primary)."""
    port = int(os.environ["CLUSTER_PORT"]) + 1
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=os.environ["CLUSTER_DB"]) as replica:
        return replica.execute(
            "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
            " WHERE relname LIKE 'catalog\\_%%' OR relname LIKE 'inventory\\_%%'"
        ).fetchone()[0]


def past_the_catalog_hold():
    """A catalog write (the fixture's) keeps pages on the primary while the replica may lag."""
    time.sleep(2.5)


@pytest.fixture
def hot_item():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    variant = VariantFactory(sku="HOT", product=ProductFactory(name="Casaca Qhapaq", base_price=D("120.00")))
    stock(variant, WarehouseFactory(), 5)
    return variant


def at_review(nginx_url, index: int, *, code: str = "") -> tuple[Shopper, str]:
    shopper = Shopper(nginx_url, source_ip=f"127.0.1.{index + 1}")
    assert shopper.post(reverse("cart:add"), {"sku": "HOT", "quantity": "1"}).status_code == 302
    if code:
        shopper.post(reverse("cart:coupon_apply"), {"code": code}, HTTP_HX_REQUEST="true")
    details_accepted(shopper, email=f"buyer{index}@example.pe")
    delivery_accepted(shopper)
    return shopper, review_key(shopper)


def test_both_nodes_serve_and_catalog_pages_read_from_the_replica(nginx_url, hot_item):
    past_the_catalog_hold()
    before = replica_page_reads()
    served_by = {upstream(Shopper(nginx_url).get(hot_item.product.get_absolute_url() + f"?v={n}")) for n in range(6)}
    assert len(served_by) == 2, served_by
    # A backend flushes its statistics when idle, at most once a second and up to 10 s later.
    assert eventually(lambda: replica_page_reads() > before, 15)


def test_cart_race_through_nginx_sells_no_more_than_the_stock(nginx_url, hot_item):
    shoppers = [Shopper(nginx_url, source_ip=f"127.0.2.{i + 1}") for i in range(12)]
    for shopper in shoppers:
        shopper.get("/cart/")

    responses, errors = run_in_threads(
        lambda i: shoppers[i].post(reverse("cart:add"), {"sku": "HOT", "quantity": "1"}), len(shoppers)
    )

    assert errors == [] and all(r.status_code == 302 for r in responses), [r.status_code for r in responses]
    assert len({upstream(r) for r in responses}) == 2  # both nodes took part in the race
    assert Reservation.objects.active().aggregate(n=Sum("quantity"))["n"] == 5
    # The client address the holds count by is the shopper's, passed on by nginx (trusted).
    assert set(CartClient.objects.values_list("ip", flat=True)) <= {f"127.0.2.{i + 1}" for i in range(12)}
    assert CartClient.objects.exists()


def test_coupon_race_through_nginx_gives_one_order_for_one_use(nginx_url, hot_item):
    promo = coupon("LAST1", max_uses=3)
    Coupon.objects.filter(pk=promo.pk).update(uses=2)
    buyers = [at_review(nginx_url, i, code="LAST1") for i in range(4)]

    responses, errors = run_in_threads(
        lambda i: buyers[i][0].post(reverse("checkout:place"), {"key": buyers[i][1]}), len(buyers)
    )

    assert errors == [] and [r.status_code for r in responses] == [302] * len(buyers)
    assert Order.objects.filter(coupon_code="LAST1").count() == 1
    assert Coupon.objects.get(pk=promo.pk).uses == 3


def test_webhook_storm_through_nginx_is_processed_once(nginx_url):
    secret = os.environ.get("STRIPE_WEBHOOK_SECRET")
    assert secret, "the cluster's nodes need STRIPE_WEBHOOK_SECRET (make test-cluster sets it)"
    order = make_guest_order(quantity=2, on_hand=5)
    payment = make_payment(order)
    raw = body(session_completed(payment, event_id="evt_cluster_storm"))
    headers = {**stripe_headers(raw, secret=secret), "Content-Type": "application/json"}

    def deliver(i):
        return Shopper(nginx_url, source_ip=f"127.0.3.{i + 1}").session.post(
            nginx_url + "/payments/webhooks/stripe/", data=raw, headers=headers, timeout=60
        )

    responses, errors = run_in_threads(deliver, 16)

    assert errors == [] and [r.status_code for r in responses] == [200] * 16
    assert len({upstream(r) for r in responses}) == 2
    assert WebhookEvent.objects.count() == 1
    # The cluster's worker applies it once.
    assert eventually(lambda: Order.objects.get(pk=order.pk).status == OrderStatus.PAID)
    assert Order.objects.get(pk=order.pk).status_changes.filter(to_status=OrderStatus.PAID).count() == 1


def test_nginx_serves_the_collected_stylesheet_gzipped_to_a_browser_that_takes_it(nginx_url):
    """collectstatic writes a .gz beside each file; nginx hands it over (gzip_static), not the 141 KB."""
    page = requests.get(nginx_url + "/", timeout=30)
    [stylesheet] = re.findall(r'href="(/static/css/store\.[0-9a-f]+\.css)"', page.text)
    plain = requests.get(nginx_url + stylesheet, headers={"Accept-Encoding": "identity"}, timeout=30)
    gzipped = requests.get(nginx_url + stylesheet, headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True)

    assert plain.headers.get("Content-Encoding") is None and "Accept-Encoding" in gzipped.headers["Vary"]
    assert gzipped.headers["Content-Encoding"] == "gzip"
    body = gzipped.raw.read(decode_content=False)
    assert len(body) < len(plain.content) / 4 and gzip.decompress(body) == plain.content


def test_a_node_never_closes_a_connection_nginx_may_still_reuse(node_urls):
    """nginx keeps idle connections to the nodes for 60 s; a node closing one sooner (gunicorn's
    default is 2 s) races nginx's next request on it: a reset, a 502 for a POST. gunicorn.conf.py
    makes the nodes wait longer than nginx, so a connection idle past gunicorn's default still
    answers."""
    host, port = node_urls[0].removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/healthz")
        first = conn.getresponse()
        first.read()
        assert first.status == 200 and not first.will_close
        sock = conn.sock
        time.sleep(3.5)
        conn.request("GET", "/healthz")
        # Raises RemoteDisconnected when the node closed the connection while it sat idle.
        second = conn.getresponse()
        second.read()
        assert second.status == 200 and conn.sock is sock
    finally:
        conn.close()


def test_a_node_killed_mid_checkout_leaves_no_half_order_and_the_retry_lands_on_one(nginx_url, node_urls, hot_item):
    shopper, key = at_review(nginx_url, 0)
    level = StockLevel.objects.get(variant=hot_item)
    params = {
        "host": "127.0.0.1",
        "port": int(os.environ["CLUSTER_PORT"]),
        "user": "postgres",
        "dbname": os.environ["CLUSTER_DB"],
    }
    outcome = {}
    with psycopg.connect(**params) as blocker:
        # Hold the stock row: node 1's checkout waits inside its transaction, half done.
        blocker.execute("SELECT 1 FROM inventory_stocklevel WHERE id = %s FOR UPDATE", [level.pk])

        def place_on_node_1():
            try:
                outcome["response"] = shopper.post(reverse("checkout:place"), {"key": key}, base=node_urls[0])
            except Exception as error:
                outcome["error"] = error

        attempt = threading.Thread(target=place_on_node_1)
        attempt.start()
        with psycopg.connect(**params) as watcher:
            waiting = eventually(
                lambda: (
                    watcher.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    ).fetchone()[0]
                    > 0
                ),
                20,
            )
        assert waiting, "node 1's checkout never reached the stock lock"
        try:
            cluster("kill-node", "1")
            attempt.join(30)
            assert "error" in outcome  # the shopper saw the connection drop
            blocker.rollback()
            time.sleep(1.5)  # the killed node's transaction is rolled back, nothing committed
            assert Order.objects.count() == 0

            # The shopper submits again, through nginx: node 1 refuses connections, node 2 answers.
            retry = shopper.post(reverse("checkout:place"), {"key": key})
            assert retry.status_code == 302 and upstream(retry).endswith(node_urls[1].rsplit(":", 1)[1])
            again = shopper.post(reverse("checkout:place"), {"key": key})
            assert again.status_code == 302 and again.headers["Location"] == retry.headers["Location"]
            assert Order.objects.count() == 1
        finally:
            cluster("start-node", "1")


def test_with_the_replica_stopped_pages_read_from_the_primary(nginx_url, hot_item):
    product_url = hot_item.product.get_absolute_url()
    past_the_catalog_hold()
    cluster("stop-replica")
    try:
        responses = [Shopper(nginx_url).get(product_url + f"?down={n}") for n in range(8)]
        assert [r.status_code for r in responses] == [200] * 8
        assert len({upstream(r) for r in responses}) == 2
        assert all("Casaca Qhapaq" in r.text for r in responses)
    finally:
        cluster("start-replica")
    before = replica_page_reads()

    def searched_afresh():
        # The product page read during the outage is kept (catalog data, stock figure): a search
        # nobody made yet reads the catalog.
        url = reverse("catalog:search") + f"?q=casaca+{time.monotonic_ns()}"
        return Shopper(nginx_url).get(url).status_code == 200

    # Back within REPLICA_CHECK_SECONDS: the nodes read from it again.
    assert eventually(lambda: searched_afresh() and replica_page_reads() > before, 15)


def test_through_pgbouncer_the_servers_carry_the_settings_the_app_no_longer_sends():
    port = int(os.environ["CLUSTER_PORT"]) + 2
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=os.environ["CLUSTER_DB"], prepare_threshold=None
    ) as pooled:
        assert pooled.execute("SHOW pg_trgm.word_similarity_threshold").fetchone()[0] == "0.45"
        assert pooled.execute("SHOW jit").fetchone()[0] == "off"


def test_the_replica_refuses_writes():
    """What makes the tests above catch a misrouted write: the replica cannot take one."""
    port = int(os.environ["CLUSTER_PORT"]) + 1
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=os.environ["CLUSTER_DB"]) as replica:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            replica.execute("UPDATE inventory_stocklevel SET on_hand = on_hand")
    assert connection.settings_dict["PORT"] in (int(os.environ["CLUSTER_PORT"]), str(os.environ["CLUSTER_PORT"]))


def test_a_replica_cut_off_from_the_primary_is_not_taken_for_a_fresh_one():
    """A standby whose WAL receiver stopped has replayed all it received, and that says nothing of
    what the primary wrote since: its lag grows with the time since its last replayed commit, so
    past REPLICA_MAX_LAG_SECONDS the nodes read from the primary."""
    params = {"host": "127.0.0.1", "user": "postgres", "dbname": os.environ["CLUSTER_DB"], "autocommit": True}
    with psycopg.connect(port=int(os.environ["CLUSTER_PORT"]) + 1, **params) as replica:
        conninfo = replica.execute("SHOW primary_conninfo").fetchone()[0]
        replica.execute("ALTER SYSTEM SET primary_conninfo = ''")
        replica.execute("SELECT pg_reload_conf()")
        try:
            assert eventually(lambda: not replica.execute("SELECT 1 FROM pg_stat_wal_receiver").fetchone(), 15)
            WarehouseFactory(name="Almacén que la réplica no ve")  # a commit the replica never receives
            time.sleep(3)
            assert replica.execute(LAG_SQL).fetchone()[0] > 2  # REPLICA_MAX_LAG_SECONDS's default
        finally:
            replica.execute(sql.SQL("ALTER SYSTEM SET primary_conninfo = {}").format(conninfo))
            replica.execute("SELECT pg_reload_conf()")
        assert eventually(lambda: replica.execute("SELECT 1 FROM pg_stat_wal_receiver").fetchone(), 30)
        assert eventually(lambda: replica.execute(LAG_SQL).fetchone()[0] == 0, 30)
