"""The stock product pages show from the cache (inventory.shown_stock): every write that changes
what is available ends the figures it touched, a hold that lapses ends its figure at that
moment, and what the cache serves is always what the database says."""

import math
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from inventory import services, shown_stock
from inventory.models import Reservation, StockLevel
from inventory.selectors import availability_by_variant
from inventory.services.stock import stock_count_set
from tests.factories import VariantFactory, WarehouseFactory, make_bundle, stock
from tests.harness import compiled_models

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _served_unchecked(settings):
    """The suite checks every served figure against the database; here the tests check it."""
    settings.STOCK_SHOWN_CACHE = True
    settings.STOCK_SHOWN_VERIFY = False


@pytest.fixture
def level():
    return stock(VariantFactory(), WarehouseFactory(), quantity=10)


def _shown(level) -> int:
    return shown_stock.available_shown([level.variant_id])[level.variant_id]


def test_a_figure_is_served_without_a_query_until_the_stock_changes(level, django_assert_num_queries):
    assert _shown(level) == 10
    with django_assert_num_queries(0):
        assert _shown(level) == 10
    services.stock_reserve(lines=[(level.variant_id, 3)], cart_key="cart-1")
    with django_assert_num_queries(1):
        assert _shown(level) == 7


def test_every_asked_variant_is_answered_even_without_stock(level):
    never_stocked = VariantFactory()
    assert shown_stock.available_shown([level.variant_id, never_stocked.pk, level.variant_id]) == {
        level.variant_id: 10,
        never_stocked.pk: 0,
    }
    assert shown_stock.available_shown([]) == {}


WRITES = {
    "receipt": lambda lv: services.stock_receive(variant=lv.variant, warehouse=lv.warehouse, quantity=5),
    "adjustment": lambda lv: services.stock_adjust(
        variant=lv.variant, warehouse=lv.warehouse, quantity=-2, reason="Conteo"
    ),
    "write-off": lambda lv: services.stock_write_off(
        variant=lv.variant, warehouse=lv.warehouse, quantity=1, reason="Dañado"
    ),
    "count": lambda lv: stock_count_set(variant=lv.variant, warehouse=lv.warehouse, on_hand=4, reason="Inventario"),
    "transfer out": lambda lv: services.stock_transfer(
        variant=lv.variant, source=lv.warehouse, destination=WarehouseFactory(), quantity=6
    ),
    "customer return": lambda lv: services.stock_return(variant=lv.variant, warehouse=lv.warehouse, quantity=1),
    "hold": lambda lv: services.stock_reserve(lines=[(lv.variant_id, 2)], cart_key="c"),
    "hold released": lambda lv: (
        services.stock_reserve(lines=[(lv.variant_id, 2)], cart_key="c"),
        _shown(lv),
        services.reservation_release(cart_key="c"),
    ),
    "hold sold": lambda lv: (
        services.stock_reserve(lines=[(lv.variant_id, 2)], order_id=7),
        _shown(lv),
        services.order_stock_sell(order_id=7, lines={lv.variant_id: 3}),
    ),
    "sale given back": lambda lv: (
        services.stock_reserve(lines=[(lv.variant_id, 2)], order_id=8),
        services.order_stock_sell(order_id=8, lines={lv.variant_id: 2}),
        _shown(lv),
        services.order_stock_restore(order_id=8),
    ),
    "warehouse closed": lambda lv: _save(lv.warehouse, is_active=False),
    "level saved in the admin": lambda lv: _save(lv, on_hand=1),
}


def _save(instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_each_write_ends_the_figures_it_changed(level, write):
    assert _shown(level) == 10
    WRITES[write](level)
    assert _shown(level) == availability_by_variant([level.variant_id])[level.variant_id]


def _past_the_hold(monkeypatch) -> None:
    """The clock moves a second past the hold's expiry; nothing is written (no expiry task ran)."""
    later = Reservation.objects.get().expires_at + timedelta(seconds=1)
    monkeypatch.setattr(shown_stock, "time", SimpleNamespace(time=later.timestamp))
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_a_figure_ends_when_a_hold_on_it_lapses(level, monkeypatch):
    services.stock_reserve(lines=[(level.variant_id, 4)], cart_key="c", minutes=2)
    assert _shown(level) == 6
    _past_the_hold(monkeypatch)
    assert _shown(level) == 10


def test_a_lapsed_hold_renewed_takes_its_units_again(level, monkeypatch):
    services.stock_reserve(lines=[(level.variant_id, 4)], cart_key="c", minutes=1)
    _past_the_hold(monkeypatch)
    assert _shown(level) == 10
    services.reservation_renew(cart_key="c")
    assert _shown(level) == 6


def test_a_figure_read_while_a_write_commits_is_not_served_after_it(level, monkeypatch):
    """The reader reads the stock, then a sale commits before the reader stores what it read:
    the versions it stored the figure under are already old, so the next reader reads again."""
    read = shown_stock._available_until

    def read_then_someone_buys(variant_ids):
        figures = read(variant_ids)
        services.stock_reserve(lines=[(level.variant_id, 3)], cart_key="meanwhile")
        return figures

    monkeypatch.setattr(shown_stock, "_available_until", read_then_someone_buys)
    assert _shown(level) == 10  # what it read
    monkeypatch.setattr(shown_stock, "_available_until", read)
    assert _shown(level) == 7


def test_a_reader_inside_the_writing_transaction_sees_its_own_write(level):
    assert _shown(level) == 10
    with transaction.atomic():
        services.stock_reserve(lines=[(level.variant_id, 1)], cart_key="c")
        assert _shown(level) == 9
    assert _shown(level) == 9


def test_a_rolled_back_write_leaves_the_figure_true(level):
    assert _shown(level) == 10
    with pytest.raises(RuntimeError), transaction.atomic():
        services.stock_reserve(lines=[(level.variant_id, 1)], cart_key="c")
        raise RuntimeError
    assert _shown(level) == 10


def test_a_bundle_shows_whole_bundles_from_its_parts(level):
    bundle_variant = make_bundle([(level.variant, 3)])
    assert shown_stock.bundle_available_shown([bundle_variant.pk]) == {bundle_variant.pk: 3}
    services.stock_reserve(lines=[(level.variant_id, 2)], cart_key="c")
    assert shown_stock.bundle_available_shown([bundle_variant.pk]) == {bundle_variant.pk: 2}


def test_without_a_shared_cache_stock_is_read_each_time(level, settings, django_assert_num_queries):
    settings.STOCK_SHOWN_CACHE = False
    assert _shown(level) == 10
    with django_assert_num_queries(1):
        assert _shown(level) == 10
    StockLevel.objects.filter(pk=level.pk).update(on_hand=3)  # unannounced, and still seen
    assert _shown(level) == 3


def test_the_suite_fails_a_write_that_does_not_announce_itself(level, settings):
    settings.STOCK_SHOWN_VERIFY = True
    assert _shown(level) == 10
    StockLevel.objects.filter(pk=level.pk).update(on_hand=3)
    with pytest.raises(AssertionError, match="stale"):
        _shown(level)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
def test_readers_racing_buyers_and_restocks_end_with_the_database_figure():
    """Buyers hold and give back units, a clerk restocks, readers read the figure all along, each
    thread on its own connection: once they stop, the figure served is the database's."""
    level = stock(VariantFactory(), WarehouseFactory(), quantity=100)
    stop = threading.Event()
    errors = []

    def buyer(n):
        try:
            for round_ in range(15):
                key = f"buyer-{n}-{round_}"
                services.stock_reserve(lines=[(level.variant_id, 1 + round_ % 3)], cart_key=key)
                if round_ % 2:
                    services.reservation_release(cart_key=key)
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    def clerk():
        try:
            for _ in range(10):
                services.stock_receive(variant=level.variant, warehouse=level.warehouse, quantity=2)
        finally:
            connections.close_all()

    def reader():
        try:
            while not stop.is_set():
                assert _shown(level) >= 0
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=buyer, args=(n,)) for n in range(4)] + [threading.Thread(target=clerk)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    for thread in readers:
        thread.join(timeout=30)
    assert not errors
    assert (
        _shown(level)
        == availability_by_variant([level.variant_id])[level.variant_id]
        == 100 + 20 - sum(1 + round_ % 3 for _n in range(4) for round_ in range(15) if not round_ % 2)
    )


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the replica is PostgreSQL's")
def test_a_figure_kept_for_everyone_is_read_from_the_primary_on_a_page_that_reads_the_replica(client, settings):
    """A product page reads its catalog from the replica, but a figure read there while the replica
    replays a sale would be kept under the sale's version, wrong for a minute: it comes from the primary."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    from core import db_router

    settings.REPLICA_READS, settings.REPLICA_CHECK_SECONDS = True, 0
    level = stock(VariantFactory(), WarehouseFactory(), quantity=4)
    cache.delete(db_router.HOLD_KEY)  # the catalog write above holds pages on the primary for a moment
    db_router.replica_state_forget()
    try:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            assert client.get(level.variant.product.get_absolute_url()).status_code == 200
    finally:
        db_router.replica_state_forget()
    assert any("catalog_product" in q["sql"] for q in replica.captured_queries)
    assert not any("inventory_" in q["sql"] for q in replica.captured_queries)
    assert any("inventory_stocklevel" in q["sql"] for q in primary.captured_queries)


def test_the_figures_are_read_by_a_query_compiled_once_each_read_binding_its_variants_and_moment(level, monkeypatch):
    """Building the figures' query (the holds twice, as units and as the next expiry) cost a rendered
    product page about 1 ms of Python: compiled once per process now, each read binding its own
    variants and the moment its holds are judged at."""
    other = stock(VariantFactory(), level.warehouse, quantity=4)
    shown_stock._available_until([other.variant_id])  # this process' first read compiles it
    services.stock_reserve(lines=[(level.variant_id, 3)], cart_key="c", minutes=2)
    expires_at = Reservation.objects.get().expires_at
    compiled = compiled_models(monkeypatch)

    assert shown_stock._available_until([level.variant_id, other.variant_id]) == {
        level.variant_id: (7, expires_at.timestamp()),
        other.variant_id: (4, math.inf),
    }
    monkeypatch.setattr(timezone, "now", lambda: expires_at + timedelta(seconds=1))
    assert shown_stock._available_until([level.variant_id]) == {level.variant_id: (10, math.inf)}
    assert compiled == []


def test_noting_keeps_each_figure_a_render_read_and_none_for_one_read_twice_with_two_figures(level):
    """What a product page's render read of stock, for the page cache to keep the page while it holds."""
    other = stock(VariantFactory(), level.warehouse, quantity=4)
    with shown_stock.noting() as noted:
        shown_stock.available_shown([level.variant_id, other.variant_id])
        shown_stock.available_shown([other.variant_id])
    assert noted == {level.variant_id: 10, other.variant_id: 4}

    with shown_stock.noting() as noted:
        shown_stock.available_shown([level.variant_id, other.variant_id])
        services.stock_reserve(lines=[(level.variant_id, 3)], cart_key="c")  # a sale during the render
        shown_stock.available_shown([level.variant_id])
    assert noted == {level.variant_id: None, other.variant_id: 4}
    assert shown_stock.available_shown([level.variant_id]) == {level.variant_id: 7}  # outside: noted nowhere
