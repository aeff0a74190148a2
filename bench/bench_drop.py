"""A drop through the waiting room: 50 units of one product (one per customer), BENCH_DROP_USERS
(1,000) shoppers simulated by Locust (bench/drop_locustfile.py) who all arrive in the first
seconds, wait in the room on the product's page (refreshing when the page says, every 5 to
30 s), and once let in buy one unit as guests with the test gateway, or find it sold out. The
drop opens BENCH_DROP_OPENS_IN (15) seconds after the run starts and lets at most BENCH_DROP_RATE
(10) shoppers in a second, only while the store serves fewer requests than BENCH_DROP_THRESHOLD
(3) over every node; every shopper's journey is bounded by BENCH_DROP_SECONDS (180).

Twice: on one gunicorn (4 sync workers, bench_throughput's server) on loopback, then through nginx
(deploy/nginx, as production) in front of two nodes of 2 workers each (bench_nginx's layout),
both reading the same Redis: the room's line is one for every node. BENCH_DROP_LAYOUTS picks
("single,cluster").

Figures, per layout (the single one unprefixed as `drop.*`, the cluster's as `drop.cluster.*`):
shoppers, units_sold and distinct_buyers (paid orders in the database), oversold (units sold past
the 50, plus stock levels below zero), errors (Locust's failures: any request answered other
than as the journey expects, waiting included), admitted_out_of_order (shoppers let in out of
arrival order by more than a second: one who arrived over a second before another got a later
ticket, or was still told to wait over a second after a later ticket was let in), read_p99_ms
(the waiting room's and the product page's GETs) and checkout_p99_ms (the slowest step's p99 from
cart add to paying); never_let_in counts shoppers still waiting when their time ran out; let_in and
let_in_per_s the pace the line actually moved at; locust_cpu_s Locust's own CPU (the latencies are
measured by Locust: the store's only while Locust itself is not short of CPU)."""

import bisect
import csv
import json
import os
import resource
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from bench.bench_mixed_load import _locust, _server_errors
from bench.bench_throughput import ROOT, WORKERS, _free_port, _start_server
from bench.shop import shop_open
from catalog.models import Brand, Category, Family, Product, Variant
from catalog.services import product_save, variant_save
from inventory.models import StockLevel, Warehouse
from inventory.services import stock_receive
from orders.models import OrderLine
from waitingroom.services import room_set

USERS = int(os.environ.get("BENCH_DROP_USERS", "1000"))
UNITS = 50
RATE = Decimal(os.environ.get("BENCH_DROP_RATE", "10"))
# The requests in flight over every node the store serves well: the line moves (at most at RATE)
# only while one more would not put the store above it (this 2-core machine: 3).
THRESHOLD = int(os.environ.get("BENCH_DROP_THRESHOLD", "3"))
OPENS_IN = int(os.environ.get("BENCH_DROP_OPENS_IN", "15"))
SECONDS = int(os.environ.get("BENCH_DROP_SECONDS", "180"))
SPAWN_RATE = 100
LAYOUTS = os.environ.get("BENCH_DROP_LAYOUTS", "single,cluster").split(",")
NODE_WORKERS = 2
READS = {"waiting", "csrf token"}
CHECKOUT = {"cart add", "checkout details", "checkout delivery", "checkout review", "place order", "pay"}


def run():
    locust = _locust()
    if locust is None:
        yield {"name": "skipped", "value": "locust is not installed (make bench-deps)", "unit": ""}
        return
    if not settings.REDIS_URL:
        yield {"name": "skipped", "value": "the waiting room needs Redis: set REDIS_URL", "unit": ""}
        return
    shop_open()
    for layout in LAYOUTS:
        prefix = "drop" if layout == "single" else f"drop.{layout}"
        if layout == "cluster" and not os.path.exists("/usr/sbin/nginx"):
            yield {"name": f"{prefix}.skipped", "value": "nginx is not installed (make cluster-deps)", "unit": ""}
            continue
        yield from _one_drop(locust, layout, prefix)


def _drop_product() -> Variant:
    """A new product per run (a fresh 50 units), one unit per customer, in stock in one warehouse."""
    family, _ = Family.objects.get_or_create(slug="bench-drop", defaults={"name": "Lanzamientos (bench)"})
    category, _ = Category.objects.get_or_create(
        slug="bench-drop", defaults={"name": "Zapatillas de lanzamiento (bench)", "family": family}
    )
    brand, _ = Brand.objects.get_or_create(slug="bench-drop", defaults={"name": "Kallpa Drop (bench)"})
    stamp = f"{int(time.time())}"
    product = product_save(
        product=Product(
            name=f"Zapatillas edición limitada {stamp}",
            slug=f"drop-bench-{stamp}",
            base_sku=f"DROP-{stamp}",
            brand=brand,
            category=category,
            base_price=Decimal("349.90"),
            status=Product.Status.ACTIVE,
            description="Edición limitada para el bench del lanzamiento.",
            max_per_customer=1,
        )
    )
    variant = variant_save(variant=Variant(product=product, sku=f"DROP-{stamp}-U"))
    warehouse, _ = Warehouse.objects.get_or_create(code="BENCH-DROP", defaults={"name": "Almacén lanzamientos"})
    stock_receive(variant=variant, warehouse=warehouse, quantity=UNITS, reason="bench drop")
    return variant


def _broker() -> str:
    """Tasks the purchases enqueue (receipts, e-mails) wait in a broker nobody reads during the run:
    the one configured, else a Redis database of the bench's own. Without one, production settings
    wait on a broker at localhost for every task (seconds a purchase)."""
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"]
    return settings.REDIS_URL.rsplit("/", 1)[0] + "/13"


def _one_drop(locust: str, layout: str, prefix: str):
    variant = _drop_product()
    path = variant.product.get_absolute_url()
    folder = Path(tempfile.mkdtemp(prefix="bench-drop-"))
    folder.chmod(0o755)
    records = folder / "records.jsonl"
    servers, nginx_folder = [], None
    if layout == "single":
        port = _free_port()
        with open(folder / "gunicorn.log", "w") as log:
            servers.append(
                _start_server(
                    port, stderr=log, TRUSTED_PROXIES="127.0.0.1", LOG_LEVEL="WARNING", CELERY_BROKER_URL=_broker()
                )
            )
        base = f"http://127.0.0.1:{port}"
    else:
        from bench.bench_nginx import _start_nginx

        node_ports = [_free_port(), _free_port()]
        shared = {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": _broker(),
        }
        with open(folder / "gunicorn.log", "w") as log:
            for node in node_ports:
                servers.append(_start_server(node, workers=NODE_WORKERS, stderr=log, **shared))
        nginx_folder = folder / "nginx"
        nginx_folder.mkdir()
        port = _free_port()
        # Each simulated shopper's own address, as a CDN in front would pass it (the per-address holds).
        _start_nginx(
            nginx_folder, port, node_ports, extra="set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;"
        )
        base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        for _ in range(WORKERS * 4):  # every worker warm (imports, templates) before the crowd comes
            for warm in (path, "/"):
                urllib.request.urlopen(base + warm, timeout=60).read()
        opens_at = timezone.now() + timedelta(seconds=OPENS_IN)
        room_set(drop_open=True, opens_at=opens_at, rate=RATE, threshold=THRESHOLD, admission_minutes=30, actor_id=None)
        # Every server process reads the room's state at most once a WAITING_ROOM_STATE_SECONDS: until
        # then one still serves the product page as with the room off (no ticket, no pass), and that
        # shopper's next request queues them: the crowd comes once every process knows.
        time.sleep(settings.WAITING_ROOM_STATE_SECONDS + 0.5)
        locust_cpu = _run_locust(locust, base, path, folder, records)
    finally:
        room_set(drop_open=False, opens_at=None, rate=RATE, threshold=0, admission_minutes=30, actor_id=None)
        if nginx_folder is not None:
            from bench.bench_nginx import _stop_nginx

            _stop_nginx(nginx_folder)
        for server in servers:
            server.terminate()
            server.wait(timeout=60)
    yield {"name": f"{prefix}.layout", "value": layout, "unit": ""}
    yield {"name": f"{prefix}.locust_wall_time", "value": round(time.monotonic() - started, 1), "unit": "s"}
    # Locust's own CPU: the latencies are the store's only if the client was not starved itself.
    yield {"name": f"{prefix}.locust_cpu_s", "value": round(locust_cpu, 1), "unit": "s"}
    yield {"name": f"{prefix}.threshold", "value": THRESHOLD, "unit": "count"}
    yield from _figures(prefix, folder, records, variant)
    yield from _admission_figures(prefix, records, opens_at.timestamp())
    yield from ({**figure, "name": f"{prefix}.{figure['name']}"} for figure in _server_errors(folder / "gunicorn.log"))
    shutil.rmtree(folder, ignore_errors=True)


def _run_locust(locust: str, base: str, path: str, folder: Path, records: Path) -> float:
    """Runs Locust to the end; returns the CPU seconds it used."""
    env = {
        **os.environ,
        "BENCH_DROP_PATH": path,
        "BENCH_DROP_USERS": str(USERS),
        "BENCH_DROP_RECORDS": str(records),
        "BENCH_DROP_SECONDS": str(SECONDS),
        "BENCH_SHOPPER_OFFSET": str(int(time.time()) % 100_000 * 1000),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        locust,
        "-f",
        str(ROOT / "bench" / "drop_locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(SPAWN_RATE),
        "-t",
        f"{SECONDS + 120}s",  # the last shoppers let in finish buying
        "--stop-timeout",
        "5",
        "--host",
        base,
        "--csv",
        str(folder / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS + 300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the servers are still running: Locust's alone
    (folder / "locust.log").write_text(finished.stdout + finished.stderr)
    if not (folder / "locust_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _figures(prefix: str, folder: Path, records_path: Path, variant: Variant):
    records = [json.loads(line) for line in records_path.read_text().splitlines()] if records_path.exists() else []
    with open(folder / "locust_stats.csv", newline="") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    paid_lines = OrderLine.objects.filter(variant=variant, order__paid_at__isnull=False)
    sold = paid_lines.aggregate(units=Sum("quantity"))["units"] or 0
    buyers = paid_lines.values("order__email").distinct().count()
    below_zero = StockLevel.objects.filter(variant=variant, on_hand__lt=0).count()
    yield {"name": f"{prefix}.shoppers", "value": len(records), "unit": "count"}
    yield {"name": f"{prefix}.units", "value": UNITS, "unit": "count"}
    yield {"name": f"{prefix}.rate", "value": float(RATE), "unit": "1/s"}
    yield {"name": f"{prefix}.units_sold", "value": sold, "unit": "count"}
    yield {"name": f"{prefix}.distinct_buyers", "value": buyers, "unit": "count"}
    yield {"name": f"{prefix}.oversold", "value": max(sold - UNITS, 0) + below_zero, "unit": "count"}
    yield {"name": f"{prefix}.errors", "value": sum(int(row["Failure Count"]) for row in rows), "unit": "count"}
    yield {"name": f"{prefix}.admitted_out_of_order", "value": _out_of_order(records), "unit": "count"}
    for label, names in (("read", READS), ("checkout", CHECKOUT)):
        p99 = [float(row["99%"]) for row in rows if row["Name"] in names and row["99%"] not in ("", "N/A")]
        yield {"name": f"{prefix}.{label}_p99_ms", "value": max(p99, default=0.0), "unit": "ms"}
    yield from _journey_figures(prefix, records)
    yield from _step_figures(prefix, rows, folder / "locust_failures.csv")


def _admission_figures(prefix: str, records_path: Path, opens_at: float):
    """The pace the line actually moved at (the store's, under the rate's ceiling): shoppers let
    in, and per second from the opening to the last one let in."""
    records = [json.loads(line) for line in records_path.read_text().splitlines()] if records_path.exists() else []
    let_in = sorted(r["let_in_at"] for r in records if r.get("let_in_at"))
    yield {"name": f"{prefix}.let_in", "value": len(let_in), "unit": "count"}
    if let_in and let_in[-1] > opens_at:
        per_second = len(let_in) / (let_in[-1] - opens_at)
        yield {"name": f"{prefix}.let_in_per_s", "value": round(per_second, 2), "unit": "1/s"}


def _journey_figures(prefix: str, records: list[dict]):
    """How the journeys ended, what the cart told those who found it sold out, the first errors."""
    outcomes: dict[str, int] = {}
    answers: dict[str, int] = {}
    for record in records:
        outcomes[record["outcome"]] = outcomes.get(record["outcome"], 0) + 1
        if record["outcome"] == "sold_out" and record.get("order"):
            answers[record["order"]] = answers.get(record["order"], 0) + 1
    for outcome, count in sorted(outcomes.items()):
        yield {"name": f"{prefix}.outcome.{outcome}", "value": count, "unit": "count"}
    changed = sum(len(r.get("tickets", [])) > 1 for r in records)
    yield {"name": f"{prefix}.tickets_changed", "value": changed, "unit": "count"}
    for answer, count in answers.items():
        yield {"name": f"{prefix}.sold_out_answer", "value": count, "unit": "count", "answer": answer}
    for record in [r for r in records if r.get("error")][:5]:
        yield {"name": f"{prefix}.journey_error", "value": record["error"], "unit": ""}


def _step_figures(prefix: str, rows: list[dict], failures: Path):
    """Each step's requests, p50 and p99, and each kind of failure Locust counted."""
    for row in rows:
        step = row["Name"].replace(" ", "_")
        yield {"name": f"{prefix}.step.{step}.requests", "value": int(row["Request Count"]), "unit": "count"}
        for column, label in (("50%", "p50"), ("99%", "p99")):
            if row[column] not in ("", "N/A"):
                yield {"name": f"{prefix}.step.{step}.{label}", "value": float(row[column]), "unit": "ms"}
    if failures.exists():
        with open(failures, newline="") as found:
            for row in csv.DictReader(found):
                yield {
                    "name": f"{prefix}.failure",
                    "value": int(row["Occurrences"]),
                    "unit": "count",
                    "error": f"{row['Name']}: {row['Error'][:300]}",
                }


def _out_of_order(records: list[dict]) -> int:
    """Shoppers let in out of arrival order by more than a second: one whose first answer came
    over a second before another even sent their first request yet holds a later ticket, or who
    was told to wait on a request sent over a second after a later ticket's admission was received.
    (Send and receive times bound when the server answered: a busy client reads answers late.)"""
    ticketed = [r for r in records if r.get("tickets")]
    unfair: set[int] = set()
    by_arrival = sorted(ticketed, key=lambda r: r["arrived_by"])
    answered = [r["arrived_by"] for r in by_arrival]
    # Arrival: whoever was surely in line over a second before I asked must hold a lower ticket.
    highest_before = []
    for record in by_arrival:
        highest_before.append(max(highest_before[-1] if highest_before else 0, record["tickets"][0]))
    for record in ticketed:
        earlier = bisect.bisect_left(answered, record["arrived"] - 1.0)
        if earlier and highest_before[earlier - 1] > record["tickets"][0]:
            unfair.add(record["shopper"])
    # Admission: the first time any ticket above mine was let in, against my waits after it.
    let_in = sorted((r["tickets"][0], r["let_in_at"]) for r in ticketed if r.get("let_in_at"))
    tickets = [ticket for ticket, _at in let_in]
    earliest_after = [0.0] * len(let_in)
    soonest = float("inf")
    for index in range(len(let_in) - 1, -1, -1):
        soonest = min(soonest, let_in[index][1])
        earliest_after[index] = soonest
    for record in ticketed:
        mine = record["tickets"][0]
        later = bisect.bisect_right(tickets, mine)
        if later < len(tickets) and any(at > earliest_after[later] + 1.0 for at, _t, _a in record["waits"]):
            unfair.add(record["shopper"])
    return len(unfair)
