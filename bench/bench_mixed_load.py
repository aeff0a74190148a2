"""The shop under a mixed load, as shoppers use it: Locust (bench/locustfile.py) drives browsers
(home, listings, product pages, searches) and buyers (a product added to the cart, the checkout's
three steps, the order placed and paid with the test gateway) against gunicorn with 4 sync workers
on the bench database, bench_throughput's server. The bare Django view is measured with wrk on
the same server before and after, as the machine's ceiling (with Locust, 16 users without pause,
where wrk is not installed): the ratios to it are the figures to compare on a busy machine. Each
shopper has an address of their own (X-Forwarded-For, believed from loopback as from nginx), so
the per-address limits see shoppers, not one client.

Locust's statistics leave out what finished during its stop (--stop-timeout lets a purchase under
way reach its next pause): the database's count of orders can be a little above the place-order
requests.

After the run: the orders paid during it (counted in the database), the inventory's ledger checks
(inventory_verify's) and, per paid order, its units sold exactly once (its sale movements).
BENCH_SECONDS (60) and BENCH_USERS (50) bound the run; the bare view gets at most 15 s a side.
BENCH_MIXED_THRESHOLD (0: off) turns the waiting room's overload watch on for the run: above that
many requests in flight new shoppers wait in line (let in at most BENCH_MIXED_RATE, 10, a second,
and only while the store is under it); `waiting_room.*` then says how many shoppers waited.
BENCH_MIXED_ACTIVE (0: off) caps the shoppers inside at once: the rest wait in line and are let in,
in arrival order, as those inside leave (a buyer who paid starts again as a new shopper, at the back);
inside means seen in the last BENCH_MIXED_ACTIVE_SECONDS (10: these shoppers pause under a second).
BENCH_SESSION_PAGES (0: never) makes a browser leave after about that many pages, a new one coming in
their place; `waiting_room.wait_p50`/`wait_p99` then say how long a wait in line lasted, and
`still_in_line` how many were waiting when the run ended. `after_ramp.reads.p99` is the reads' p99
once every shopper has arrived (the whole run's figures include the ramp, when caches are cold).
BENCH_MIXED_WARM=1 runs the sale-day step `manage.py pages_warm` (docs/operations/waiting-room.md) on
the plan's products and searches before the crowd comes, instead of warming only four pages.

The issue's figures: `reads.p99` (the slowest read step's p99: home, listing, product, search),
`errors` (every failure) and `stock_exact` (the inventory's checks clean and every paid order's
units sold exactly once)."""

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q, Sum

from bench.bench_catalog import _ensure_catalog
from bench.bench_throughput import ROOT, WORKERS, _free_port, _start_server, _wrk, server_env
from bench.shop import shop_open
from catalog.models import Product, Variant
from inventory.models import Movement, StockLevel
from inventory.selectors import variant_in_stock
from inventory.services import stock_receive
from inventory.verify import CHECKS
from orders.models import Order, OrderLine
from waitingroom.services import room_set

SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
SPAWN_RATE = 10
THRESHOLD = int(os.environ.get("BENCH_MIXED_THRESHOLD", "0"))
RATE = Decimal(os.environ.get("BENCH_MIXED_RATE", "10"))
MAX_ACTIVE = int(os.environ.get("BENCH_MIXED_ACTIVE", "0"))
# A shopper counts as inside while seen within this many seconds: these shoppers pause under a second
# between pages (a store's own, reading for a minute, keep the default of 60).
ACTIVE_SECONDS = os.environ.get("BENCH_MIXED_ACTIVE_SECONDS", "10")
WARM = os.environ.get("BENCH_MIXED_WARM", "0") == "1"
READS = ("home", "listing", "product", "search")
BARE_SECONDS = min(SECONDS, 15)
BUYABLE = 20
STOCK_FLOOR = 1000  # units each buyable variant has before a run: no purchase is refused for stock


def _locust() -> str | None:
    """Locust from the project's venv (a dev dependency in requirements.lock), else one on PATH."""
    pinned = Path(sys.executable).with_name("locust")
    return str(pinned) if pinned.exists() else shutil.which("locust")


def _buyable() -> list[dict]:
    """Physical products with one variant, in stock, outside any collection (no drop, no secret
    price), topped up to STOCK_FLOOR units through the ledger like any receipt."""
    single = (
        Product.objects.visible()
        .annotate(variants_n=Count("variants", filter=Q(variants__is_active=True)))
        .filter(variants_n=1, product_type=Product.Type.PHYSICAL, collections__isnull=True)
    )
    found = list(
        Variant.objects.filter(variant_in_stock(), is_active=True, product__in=single.values("pk"))
        .select_related("product")
        .order_by("pk")[:BUYABLE]
    )
    if len(found) < BUYABLE // 2:
        raise SystemExit("bench_mixed_load needs the catalog bench's data (run `python -m bench catalog` once)")
    for variant in found:
        level = StockLevel.objects.filter(variant=variant).select_related("warehouse").order_by("pk").first()
        if level.on_hand < STOCK_FLOOR:
            stock_receive(
                variant=variant, warehouse=level.warehouse, quantity=STOCK_FLOOR - level.on_hand, reason="bench"
            )
    return [{"slug": variant.product.slug, "sku": variant.sku} for variant in found]


def _plan(buyable: list[dict]) -> dict:
    categories = list(
        Product.objects.visible()
        .values("category__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("category__slug", flat=True)[:8]
    )
    products = list(Product.objects.visible().order_by("-units_sold", "pk").values_list("slug", flat=True)[:300])
    words = {name.split()[0].lower() for name in Product.objects.visible().values_list("name", flat=True)[:200]}
    return {
        "categories": categories,
        "products": products,
        "buyable": buyable,
        "searches": sorted(word for word in words if len(word) > 3)[:20] or ["laptop"],
    }


def run():
    locust = _locust()
    if locust is None:
        yield {"name": "skipped", "value": "locust is not installed (make bench-deps)", "unit": ""}
        return
    _ensure_catalog()
    shop_open()
    folder = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    plan_path = folder / "plan.json"
    plan_path.write_text(json.dumps(_plan(_buyable())))
    first_order = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = folder / "gunicorn.log"
    secret_key = secrets.token_urlsafe(60)  # the server's, so a pass the warming signs is good there
    with open(server_log, "w") as log:
        server = _start_server(
            port,
            stderr=log,
            TRUSTED_PROXIES="127.0.0.1",
            WAITING_ROOM_ACTIVE_SECONDS=ACTIVE_SECONDS,
            SECRET_KEY=secret_key,
        )
    try:
        plan = json.loads(plan_path.read_text())
        warm_seconds = _pages_warm(plan, port, secret_key) if WARM else 0.0
        for path in ["/", *(f"/c/{slug}/" for slug in plan["categories"][:2]), f"/p/{plan['products'][0]}/"]:
            for _ in range(WORKERS * 2):  # warm every worker (templates, catalog tree)
                urllib.request.urlopen(base + path, timeout=30).read()
        bare_first = _bare(locust, base, plan_path, folder / "bare-first")
        started = time.monotonic()
        _room(THRESHOLD, MAX_ACTIVE)
        try:
            _run_locust(
                locust, base, plan_path, folder / "locust", users=USERS, seconds=SECONDS, classes=["Browser", "Buyer"]
            )
        finally:
            _room(0, 0)
        locust_seconds = time.monotonic() - started
        bare_last = _bare(locust, base, plan_path, folder / "bare-last")
    finally:
        server.terminate()
        server.wait(timeout=60)
    ceiling = (bare_first["rps"] + bare_last["rps"]) / 2
    yield {"name": "users", "value": USERS, "unit": "count"}
    yield {"name": "pages_warm", "value": int(WARM), "unit": ""}
    if WARM:
        yield {"name": "pages_warm.seconds", "value": round(warm_seconds, 1), "unit": "s"}
    yield {"name": "seconds", "value": SECONDS, "unit": "s"}
    yield {"name": "locust_wall_time", "value": round(locust_seconds, 1), "unit": "s"}
    yield {"name": "bare_django.measured_with", "value": bare_first["tool"], "unit": ""}
    yield {"name": "bare_django.req_per_s", "value": bare_first["rps"], "unit": "1/s"}
    yield {"name": "bare_django.req_per_s_last", "value": bare_last["rps"], "unit": "1/s"}
    yield {"name": "bare_django.p50", "value": bare_first["p50_ms"], "unit": "ms"}
    yield {"name": "bare_django.p99", "value": bare_first["p99_ms"], "unit": "ms"}
    yield from _locust_figures(folder, ceiling)
    yield from _waiting_figures(folder / "results.json")
    yield from _after_ramp_figures(folder / "results.json")
    yield from _order_figures(first_order)
    yield from _server_errors(server_log)
    shutil.rmtree(folder, ignore_errors=True)


def _pages_warm(plan: dict, port: int, secret_key: str) -> float:
    """`manage.py pages_warm` as ops run it before a sale: in the server's environment (its caches,
    its key), at the address the shoppers use, on the plan's products and searches."""
    searches = [argument for words in plan["searches"] for argument in ("--search", words)]
    command = [sys.executable, "manage.py", "pages_warm", "--products", str(len(plan["products"])), *searches]
    env = server_env(SECRET_KEY=secret_key, SITE_DOMAIN=f"127.0.0.1:{port}")
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)
    return time.monotonic() - started


def _room(threshold: int, max_active: int) -> None:
    """The waiting room's overload watch (a threshold) and its cap on the shoppers inside, on the
    server's Redis (0: off)."""
    room_set(
        drop_open=False,
        opens_at=None,
        rate=RATE,
        threshold=threshold,
        max_active=max_active,
        admission_minutes=30,
        actor_id=None,
    )


def _after_ramp_figures(results: Path):
    """The reads' p99 once every shopper has arrived (USERS / SPAWN_RATE seconds after the first
    request): the ramp is when each cache meets its first shopper, the bench having warmed only the
    home page, two listings and a product page. The whole run's figures above include it."""
    answered = json.loads(results.read_text()).get("answered", []) if results.exists() else []
    if not answered:
        return
    ramp_ends = min(start for start, _name, _ms in answered) + USERS / SPAWN_RATE
    reads = sorted(ms for start, name, ms in answered if name in READS and start >= ramp_ends)
    yield {"name": "after_ramp.seconds", "value": round(USERS / SPAWN_RATE, 1), "unit": "s"}
    yield {"name": "after_ramp.reads", "value": len(reads), "unit": "count"}
    if reads:
        yield {"name": "after_ramp.reads.p99", "value": round(reads[int(len(reads) * 0.99)], 1), "unit": "ms"}


def _waiting_figures(results: Path):
    found = json.loads(results.read_text()) if results.exists() else {}
    yield {"name": "waiting_room.threshold", "value": THRESHOLD, "unit": "count"}
    yield {"name": "waiting_room.max_active", "value": MAX_ACTIVE, "unit": "count"}
    yield {"name": "waiting_room.active_seconds", "value": float(ACTIVE_SECONDS), "unit": "s"}
    if found.get("shoppers"):
        yield {"name": "waiting_room.shoppers", "value": found["shoppers"], "unit": "count"}
        yield {"name": "waiting_room.shoppers_waited", "value": found["waited"], "unit": "count"}
        share = round(found["waited"] / found["shoppers"], 3)
        yield {"name": "waiting_room.share_waited", "value": share, "unit": "ratio"}
        waits = sorted(found.get("waits", []))
        yield {"name": "waiting_room.waits_ended", "value": len(waits), "unit": "count"}
        if waits:
            for share, label in ((0.5, "p50"), (0.99, "p99")):
                seconds = waits[min(int(len(waits) * share), len(waits) - 1)]
                yield {"name": f"waiting_room.wait_{label}", "value": round(seconds, 1), "unit": "s"}
        yield {"name": "waiting_room.still_in_line", "value": found.get("still_in_line", 0), "unit": "count"}


def _bare(locust: str, base: str, plan_path: Path, prefix: Path) -> dict:
    """The bare view's rate: wrk's 16 connections as bench_throughput measures it, or, where wrk
    is not installed, as many Locust users without pause (a slower client: a lower ceiling)."""
    if shutil.which("wrk") is not None:
        return {**_wrk(f"{base}/__bench__/bare/", seconds=BARE_SECONDS), "tool": "wrk"}
    _run_locust(locust, base, plan_path, prefix, users=16, seconds=BARE_SECONDS, classes=["BareView"])
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return {
        "rps": round(float(row["Requests/s"]), 2),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
        "tool": "locust",
    }


def _run_locust(
    locust: str, base: str, plan_path: Path, prefix: Path, *, users: int, seconds: int, classes: list[str]
) -> None:
    env = {
        **os.environ,
        "BENCH_MIXED_PLAN": str(plan_path),
        "BENCH_MIXED_RESULTS": str(prefix.parent / "results.json") if prefix.name == "locust" else "",
        # A shopper number (e-mail, DNI, address) of its own per run: the purchase limits count by customer.
        "BENCH_SHOPPER_OFFSET": str(int(time.time()) % 100_000 * 1000),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        locust,
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(SPAWN_RATE),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    # Exit code 1 means some requests failed: the failures are figures, not a crash of the bench.
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120)
    Path(f"{prefix}.log").write_text(finished.stdout + finished.stderr)
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")


def _slug(name: str) -> str:
    return name.replace(" ", "_")


def _locust_figures(folder: Path, ceiling: float):
    with open(folder / "locust_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    methods = defaultdict(set)
    for row in rows:
        methods[row["Name"]].add(row["Type"])
    for row in rows:
        if row["Name"] == "Aggregated":
            prefix = "all"
        else:
            # A step with a GET and a POST (checkout details: the form, then its submission) has a figure for each.
            prefix = f"step.{_slug(row['Name'])}" + (f".{row['Type'].lower()}" if len(methods[row["Name"]]) > 1 else "")
        rate = float(row["Requests/s"])
        yield {"name": f"{prefix}.req_per_s", "value": round(rate, 2), "unit": "1/s"}
        yield {"name": f"{prefix}.requests", "value": int(row["Request Count"]), "unit": "count"}
        yield {"name": f"{prefix}.failures", "value": int(row["Failure Count"]), "unit": "count"}
        for column, label in (("50%", "p50"), ("99%", "p99")):
            if row[column] not in ("", "N/A"):
                yield {"name": f"{prefix}.{label}", "value": float(row[column]), "unit": "ms"}
        if ceiling:
            yield {"name": f"{prefix}.ratio_to_bare", "value": round(rate / ceiling, 4), "unit": "ratio"}
    reads = [float(row["99%"]) for row in rows if row["Name"] in READS and row["99%"] not in ("", "N/A")]
    yield {"name": "reads.p99", "value": max(reads, default=0.0), "unit": "ms"}
    errors = sum(int(row["Failure Count"]) for row in rows if row["Name"] != "Aggregated")
    yield {"name": "errors", "value": errors, "unit": "count"}
    failures = folder / "locust_failures.csv"
    if failures.exists():
        with open(failures, newline="") as found:
            for row in csv.DictReader(found):
                yield {
                    "name": f"step.{_slug(row['Name'])}.failure",
                    "value": int(row["Occurrences"]),
                    "unit": "count",
                    "error": row["Error"][:400],
                }
    exceptions = folder / "locust_exceptions.csv"
    if exceptions.exists():  # a shopper's code that broke (not the shop's answer): the bench's own bug
        with open(exceptions, newline="") as found:
            for row in csv.DictReader(found):
                yield {
                    "name": "locust_exception",
                    "value": int(row["Count"]),
                    "unit": "count",
                    "error": row["Message"][:400],
                    "traceback": row["Traceback"][-1500:],
                }


def _order_figures(first_order: int):
    run_orders = Order.objects.filter(pk__gt=first_order)
    paid = run_orders.filter(paid_at__isnull=False)
    yield {"name": "orders.placed", "value": run_orders.count(), "unit": "count"}
    yield {"name": "orders.completed", "value": paid.count(), "unit": "count"}
    mismatches = [row for _label, check in CHECKS for row in check()]
    yield {"name": "inventory_verify.mismatches", "value": len(mismatches), "unit": "count"}
    for row in mismatches[:10]:
        yield {"name": "inventory_verify.mismatch", "value": json.dumps(row, default=str), "unit": ""}
    yield {"name": "inventory_verify.clean", "value": not mismatches, "unit": "bool"}
    ordered = dict(
        OrderLine.objects.filter(order__in=paid).order_by().values_list("order_id").annotate(units=Sum("quantity"))
    )
    sold = dict(
        Movement.objects.filter(
            kind=Movement.Kind.SALE, reference_type=Movement.Reference.ORDER, reference_id__in=list(ordered)
        )
        .order_by()
        .values_list("reference_id")
        .annotate(units=Sum("quantity"))
    )
    wrong = {
        order_id: (units, -sold.get(order_id, 0))
        for order_id, units in ordered.items()
        if -sold.get(order_id, 0) != units
    }
    yield {"name": "orders.sold_exactly_once", "value": not wrong, "unit": "bool"}
    yield {"name": "stock_exact", "value": not mismatches and not wrong, "unit": "bool"}
    for order_id, (units, moved) in list(wrong.items())[:10]:
        yield {"name": "orders.sold_mismatch", "value": f"order {order_id}: {units} ordered, {moved} sold", "unit": ""}


def _server_errors(log: Path):
    """What the server logged (a 500's traceback, a worker killed by its timeout): the first lines."""
    text = log.read_text(errors="replace").strip() if log.exists() else ""
    if text:
        yield {"name": "server_log.lines", "value": text.count("\n") + 1, "unit": "count"}
        yield {"name": "server_log.head", "value": text[:3000], "unit": ""}
