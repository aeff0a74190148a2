"""Races on real PostgreSQL: every thread has its own connection (closed at the end)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Sum

from accounts.roles import Role
from inventory import services
from inventory.exceptions import InsufficientStock, PurchaseLimitExceeded
from inventory.models import Movement, PurchaseOrder, Reservation, StockLevel
from tests.factories import ProductFactory, SupplierFactory, UserFactory, VariantFactory, WarehouseFactory, stock
from tests.threads import one_race_at_a_time

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reserve_path"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL"),
]

THREADS = 50  # each its own connection; the server allows 100, one race at a time (tests.threads)


def race(threads: int, work, rounds: int = 1):
    """Start `threads` threads at once; each calls work(thread, round) `rounds` times. Returns
    (results, errors) with the exception objects that escaped."""
    barrier = threading.Barrier(threads)
    results, errors, lock = [], [], threading.Lock()

    def worker(index):
        try:
            barrier.wait()
            for round_ in range(rounds):
                try:
                    outcome = work(index, round_)
                except Exception as error:  # collected and asserted on by the test
                    outcome = error
                with lock:
                    (errors if isinstance(outcome, Exception) else results).append(outcome)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    with one_race_at_a_time():
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in pool), "a thread hung (deadlock?)"
    return results, errors


def assert_ledger_consistent():
    for level in StockLevel.objects.all():
        moved = level.movements.aggregate(total=Sum("quantity"))["total"] or 0
        held = level.reservations.active().aggregate(total=Sum("quantity"))["total"] or 0
        assert level.on_hand == moved, level
        assert 0 <= held <= level.on_hand, level


def test_two_hundred_buyers_for_twenty_units_reserve_exactly_twenty():
    level = stock(quantity=20)

    results, errors = race(
        THREADS,
        lambda n, r: services.stock_reserve(lines=[(level.variant_id, 1)], cart_key=f"buyer-{n}-{r}"),
        rounds=4,  # 200 attempts
    )

    assert len(results) == 20
    assert len(errors) == 180 and all(isinstance(e, InsufficientStock) for e in errors)
    assert Reservation.objects.active().aggregate(total=Sum("quantity"))["total"] == 20
    assert_ledger_consistent()


def test_multi_line_reservations_in_opposite_orders_do_not_deadlock():
    a, b = VariantFactory(), VariantFactory()
    main, spare = WarehouseFactory(priority=1), WarehouseFactory(priority=2)
    for variant in (a, b):
        stock(variant, main, 50)  # 80 buyers empty the main warehouse and spill over
        stock(variant, spare, 50)

    def buy(n, r):
        lines = [(a.pk, 1), (b.pk, 1)] if n % 2 else [(b.pk, 1), (a.pk, 1)]
        services.stock_reserve(lines=lines, cart_key=f"c{n}-{r}")
        return services.reservation_convert(cart_key=f"c{n}-{r}")

    results, errors = race(40, buy, rounds=2)

    assert errors == [] and len(results) == 80
    assert Movement.objects.filter(kind=Movement.Kind.SALE).aggregate(total=Sum("quantity"))["total"] == -160
    assert_ledger_consistent()


def test_transfer_sale_and_adjustment_racing_lose_no_update():
    variant = VariantFactory()
    source = stock(variant, WarehouseFactory(priority=1), 300)
    destination = WarehouseFactory(priority=2)
    operator = UserFactory()

    def work(n, r):
        kind = n % 3
        if kind == 0:
            return services.stock_transfer(
                variant=variant, source=source.warehouse, destination=destination, quantity=2, actor=operator
            )
        if kind == 1:
            services.stock_reserve(lines=[(variant.pk, 1)], order_id=n * 100 + r)
            return services.reservation_convert(order_id=n * 100 + r)
        return services.stock_adjust(
            variant=variant, warehouse=source.warehouse, quantity=-1, reason="conteo", actor=operator
        )

    results, errors = race(30, work, rounds=3)

    assert errors == []
    kinds = Counter(m.kind for m in Movement.objects.all())
    assert kinds[Movement.Kind.TRANSFER_OUT] == kinds[Movement.Kind.TRANSFER_IN] == 30
    assert kinds[Movement.Kind.ADJUSTMENT] == 30
    total = sum(StockLevel.objects.filter(variant=variant).values_list("on_hand", flat=True))
    assert total == 300 - kinds[Movement.Kind.SALE] - 30  # sales may come from either warehouse
    assert StockLevel.objects.get(variant=variant, warehouse=destination).on_hand <= 60
    assert_ledger_consistent()


def test_purchase_limit_holds_under_concurrency():
    customer = UserFactory()
    level = stock(VariantFactory(product=ProductFactory(max_per_customer=5)), quantity=100)

    results, errors = race(
        12, lambda n, r: services.stock_reserve(lines=[(level.variant_id, 1)], cart_key=f"k{n}", customer=customer)
    )

    assert len(results) == 5 and all(isinstance(e, PurchaseLimitExceeded) for e in errors)


def test_purchase_order_numbers_are_unique_under_concurrency():
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()

    results, errors = race(
        20, lambda n, r: services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 1, 5)])
    )

    assert errors == []
    numbers = sorted(PurchaseOrder.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 20 and numbers[-1].endswith("-020")


def test_roles_still_grant_operators_inventory():  # sanity: migrate created the groups' permissions
    from accounts.roles import permissions_for

    assert permissions_for(Role.WAREHOUSE_OPERATOR).filter(codename="change_stocklevel").exists()
