"""Stock under a drop, on PostgreSQL with real connections (one per buyer process).

- drop: BUYERS buyers race for one SKU with UNITS units, ROUNDS times over; every
  reservation is counted, and the oversold count (units reserved beyond the stock) must be 0;
- sustained: the same BUYERS each reserve ATTEMPTS units one at a time from a stock that
  never runs out (BUYERS × ATTEMPTS units: a 500-unit drop by default), giving reservations
  per second; then the same connections run single-row conditional UPDATEs on one hot row,
  the ceiling any row-locking design can reach; ratio = reservations / updates per second
  (goal ≥ 0.3). Each reservation sums the level's active holds under the lock, so its cost
  grows with the holds outstanding: more ATTEMPTS measure a bigger drop, not a faster one;
- expiry: releasing EXPIRED expired reservations (goal under 5 s).

The bench makes its own product, variants and warehouse, and deletes them (ledger rows
included) when it ends, so the catalog bench's data is untouched and inventory_verify
stays clean. BENCH_INV_* variables shrink it for a quick try.
"""

import multiprocessing
import os
import time

from django.db import connection, connections
from django.db.models import Sum

from catalog.models import Brand, Category, Family, PriceHistory, Product, Variant
from catalog.services import product_save, variant_save
from inventory import services
from inventory.exceptions import InsufficientStock
from inventory.models import Movement, Reservation, StockLevel, Warehouse
from inventory.verify import CHECKS

BUYERS = int(os.environ.get("BENCH_INV_BUYERS", "50"))
UNITS = int(os.environ.get("BENCH_INV_UNITS", "20"))
ROUNDS = int(os.environ.get("BENCH_INV_ROUNDS", "10"))
ATTEMPTS = int(os.environ.get("BENCH_INV_ATTEMPTS", "10"))  # 50 × 10: a drop of 500 units
EXPIRED = int(os.environ.get("BENCH_INV_EXPIRED", "100000"))
TAG = "bench-inv"


def _buyers(count: int, work, warmup=None) -> float:
    """Run work(index) in `count` processes started together, each on its own connection (as
    gunicorn workers would); return the wall time in seconds from the common start. Processes,
    not threads: with threads the GIL hands the row-lock holder back the CPU up to 5 ms late,
    which measures Python, not the database. warmup() runs in each process before the clock
    starts, so the figures are those of warm workers, not of a process's first request."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(count + 1)
    failures = context.Queue()
    connections.close_all()  # no socket may be shared with the children

    def worker(index):
        try:
            connection.ensure_connection()  # connect before the clock starts
            if warmup is not None:
                warmup()
            barrier.wait()
            work(index)
        except Exception as error:  # reported by the parent
            failures.put(repr(error))
        finally:
            connections.close_all()

    pool = [context.Process(target=worker, args=(n,)) for n in range(count)]
    for process in pool:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    for process in pool:
        process.join()
    elapsed = time.perf_counter() - started
    if not failures.empty():
        raise RuntimeError(failures.get())
    return elapsed


def _cleanup() -> None:
    """Delete everything this bench created (the ledger is append-only for the app, not for
    the bench's own rows)."""
    levels = list(StockLevel.objects.filter(warehouse__code=TAG.upper()).values_list("pk", flat=True))
    variants = list(Variant.objects.filter(sku__startswith=TAG.upper()).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if levels:
            cursor.execute("DELETE FROM inventory_movement WHERE stock_level_id = ANY(%s)", [levels])
            cursor.execute("DELETE FROM inventory_reservation WHERE stock_level_id = ANY(%s)", [levels])
            cursor.execute("DELETE FROM inventory_stocklevel WHERE id = ANY(%s)", [levels])
            cursor.execute("DELETE FROM inventory_historicalstocklevel WHERE id = ANY(%s)", [levels])
    Warehouse.objects.filter(code=TAG.upper()).delete()
    Warehouse.history.model.objects.filter(code=TAG.upper()).delete()
    PriceHistory.objects.filter(variant_id__in=variants).delete()
    products = list(Product.objects.filter(slug=TAG).values_list("pk", flat=True))
    Variant.objects.filter(pk__in=variants).delete()
    Product.objects.filter(pk__in=products).delete()
    Product.history.model.objects.filter(id__in=products).delete()
    Brand.objects.filter(slug=TAG).delete()
    Category.objects.filter(slug=TAG).delete()
    Family.objects.filter(slug=TAG).delete()


def _setup():
    family = Family.objects.create(name="Bench inventario", slug=TAG, is_active=False)
    category = Category.objects.create(family=family, name="Bench inventario", slug=TAG, is_active=False)
    brand = Brand.objects.create(name="Bench inventario", slug=TAG, is_active=False)
    product = product_save(
        product=Product(
            name="Zapatilla drop (bench)",
            slug=TAG,
            base_sku=TAG.upper(),
            brand=brand,
            category=category,
            base_price=499,
            status=Product.Status.ACTIVE,
            max_per_customer=1000,
        )
    )
    warehouse = Warehouse.objects.create(code=TAG.upper(), name="Bench", priority=0)
    return product, warehouse


def _variant(product, warehouse, name: str, units: int) -> Variant:
    variant = variant_save(variant=Variant(product=product, sku=f"{TAG.upper()}-{name}"))
    if units:
        services.stock_receive(variant=variant, warehouse=warehouse, quantity=units, reason="bench")
    return variant


def _warmup(product, warehouse):
    """A refused reservation (the variant has no stock): runs both reservation paths once."""
    variant = _variant(product, warehouse, "WARMUP", 0)

    def warmup():
        try:
            services.stock_reserve(lines=[(variant.pk, 1)], cart_key=f"{TAG}-warmup")
        except InsufficientStock:
            pass

    return warmup


def _drop(product, warehouse, warmup):
    oversold = reserved_total = attempts = 0
    elapsed_total = 0.0
    negative = False
    for round_ in range(ROUNDS):
        variant = _variant(product, warehouse, f"DROP-{round_}", UNITS)

        def buy(index, variant=variant, round_=round_):
            try:
                services.stock_reserve(lines=[(variant.pk, 1)], cart_key=f"{TAG}-{round_}-{index}")
            except InsufficientStock:
                pass

        elapsed_total += _buyers(BUYERS, buy, warmup)
        attempts += BUYERS
        level = StockLevel.objects.get(variant=variant)
        held = level.reservations.filter(status=Reservation.Status.ACTIVE).aggregate(t=Sum("quantity"))["t"] or 0
        reserved_total += held
        oversold += max(held - UNITS, 0)
        negative |= level.on_hand < 0
    return {
        "attempts_per_second": attempts / elapsed_total,
        "reserved": reserved_total,
        "oversold": oversold,
        "negative": negative,
        "seconds_per_round": elapsed_total / ROUNDS,
    }


def _sustained(product, warehouse, warmup):
    variant = _variant(product, warehouse, "SUSTAINED", BUYERS * ATTEMPTS)

    def buy(index):
        for attempt in range(ATTEMPTS):
            services.stock_reserve(lines=[(variant.pk, 1)], cart_key=f"{TAG}-s-{index}-{attempt}")

    reservations_per_second = BUYERS * ATTEMPTS / _buyers(BUYERS, buy, warmup)

    hot = _variant(product, warehouse, "HOT-ROW", 0)
    hot_level = StockLevel.objects.create(variant=hot, warehouse=warehouse)
    # Raw ceiling: bypasses the ledger on purpose; the row is deleted by _cleanup().
    StockLevel.objects.filter(pk=hot_level.pk).update(on_hand=BUYERS * ATTEMPTS)

    def update(index):
        with connection.cursor() as cursor:
            for _ in range(ATTEMPTS):
                cursor.execute(
                    "UPDATE inventory_stocklevel SET on_hand = on_hand - 1 WHERE id = %s AND on_hand >= 1",
                    [hot_level.pk],
                )

    updates_per_second = BUYERS * ATTEMPTS / _buyers(BUYERS, update, warmup)
    return reservations_per_second, updates_per_second


def _expiry(product, warehouse) -> float:
    variant = _variant(product, warehouse, "EXPIRY", EXPIRED)
    level = StockLevel.objects.get(variant=variant)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_reservation (stock_level_id, quantity, cart_key, status, expires_at, created_at) "
            "SELECT %s, 1, 'bench-exp-' || n, 'active', now() - interval '1 minute', now() - interval '20 minutes' "
            "FROM generate_series(1, %s) AS n",
            [level.pk, EXPIRED],
        )
        cursor.execute("ANALYZE inventory_reservation")
    started = time.perf_counter()
    released = services.reservations_expire()
    elapsed = time.perf_counter() - started
    assert released >= EXPIRED, released
    return elapsed


def run():
    _cleanup()  # a previous run that was cut off
    product, warehouse = _setup()
    try:
        warmup = _warmup(product, warehouse)
        drop = _drop(product, warehouse, warmup)
        yield {"name": "drop.buyers", "value": BUYERS, "unit": "count"}
        yield {"name": "drop.units", "value": UNITS, "unit": "count"}
        yield {"name": "drop.rounds", "value": ROUNDS, "unit": "count"}
        yield {"name": "drop.attempts_per_second", "value": round(drop["attempts_per_second"], 1), "unit": "1/s"}
        yield {"name": "drop.seconds_per_round", "value": round(drop["seconds_per_round"], 3), "unit": "s"}
        yield {"name": "drop.reserved", "value": drop["reserved"], "unit": "count"}
        yield {"name": "drop.oversold", "value": drop["oversold"], "unit": "count"}
        yield {"name": "drop.negative_on_hand", "value": int(drop["negative"]), "unit": "count"}

        reservations, updates = _sustained(product, warehouse, warmup)
        yield {"name": "sustained.reservations_per_second", "value": round(reservations, 1), "unit": "1/s"}
        yield {"name": "sustained.hot_row_updates_per_second", "value": round(updates, 1), "unit": "1/s"}
        yield {"name": "sustained.ratio", "value": round(reservations / updates, 3), "unit": "ratio"}

        yield {"name": "expiry.reservations", "value": EXPIRED, "unit": "count"}
        yield {"name": "expiry.release_seconds", "value": round(_expiry(product, warehouse), 3), "unit": "s"}
    finally:
        _cleanup()
    yield {
        "name": "verify.mismatches_after_cleanup",
        "value": sum(len(list(check())) for _, check in CHECKS),
        "unit": "count",
    }
    yield {
        "name": "verify.leftover_bench_movements",
        "unit": "count",
        "value": Movement.objects.filter(stock_level__warehouse__code=TAG.upper()).count(),
    }
