"""The cart store on the real Redis (CI exports REDIS_URL): atomic quantities, the 48-hour
time to live renewed on every write, and the login merge."""

import threading
import uuid

import pytest

from cart.store import CART_TTL_SECONDS, CacheCartStore, LineKey, RedisCartStore, cart_store
from tests.harness import require_env


@pytest.fixture
def store():
    require_env("REDIS_URL")
    store = cart_store()
    assert isinstance(store, RedisCartStore)
    return store


def new_cart() -> str:
    return uuid.uuid4().hex


def test_line_keys_round_trip_and_garbage_is_ignored():
    assert LineKey.decode(LineKey(12).encode()) == LineKey(12)
    assert LineKey.decode(LineKey(12, 7).encode()) == LineKey(12, 7)
    assert LineKey.decode("abc") is None
    assert LineKey.decode("12:kx") is None
    # a quantity offer's gift line, added by the cart itself; the gift bookkeeping is no line
    assert LineKey.decode(LineKey(12, gift_offer_id=5).encode()) == LineKey(12, gift_offer_id=5)
    assert LineKey.decode("12:gx") is None and LineKey.decode("gift-seen:5") is None
    # lines sort by variant, a variant's plain line first (no None is compared with a number)
    assert sorted([LineKey(12, gift_offer_id=5), LineKey(12, 7), LineKey(12), LineKey(3, 1)]) == [
        LineKey(3, 1),
        LineKey(12),
        LineKey(12, gift_offer_id=5),
        LineKey(12, 7),
    ]


def test_add_set_and_remove(store):
    cart = new_cart()
    assert store.add(cart, LineKey(1), 2) == 2
    assert store.add(cart, LineKey(1), 3) == 5
    store.add(cart, LineKey(1, kit_id=9), 1)
    assert store.lines(cart) == {LineKey(1): 5, LineKey(1, 9): 1}

    store.set(cart, LineKey(1), 4)
    assert store.lines(cart)[LineKey(1)] == 4
    store.set(cart, LineKey(1), 0)
    assert store.lines(cart) == {LineKey(1, 9): 1}
    assert store.add(cart, LineKey(1, 9), -5) == 0
    assert store.lines(cart) == {}


def test_every_write_renews_the_48_hour_lifetime(store):
    cart = new_cart()
    store.add(cart, LineKey(1), 1)
    store.client.expire(store._key(cart), 60)  # as if the cart had sat for almost two days
    assert store.ttl(cart) <= 60

    store.add(cart, LineKey(2), 1)

    assert CART_TTL_SECONDS - 5 <= store.ttl(cart) <= CART_TTL_SECONDS


def test_concurrent_adds_to_one_cart_lose_nothing(store):
    cart, threads_count, adds_each = new_cart(), 20, 25
    start = threading.Barrier(threads_count)

    def shopper():
        start.wait()
        for _ in range(adds_each):
            store.add(cart, LineKey(42), 1)

    threads = [threading.Thread(target=shopper) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.lines(cart) == {LineKey(42): threads_count * adds_each}


def test_merge_sums_lines_and_empties_the_source(store):
    anonymous, mine = new_cart(), new_cart()
    store.add(anonymous, LineKey(1), 2)
    store.add(anonymous, LineKey(3, 5), 1)
    store.add(mine, LineKey(1), 1)

    moved = store.merge(anonymous, mine)

    assert moved == {LineKey(1): 2, LineKey(3, 5): 1}
    assert store.lines(mine) == {LineKey(1): 3, LineKey(3, 5): 1}
    assert store.lines(anonymous) == {}
    assert store.ttl(mine) > CART_TTL_SECONDS - 5


def test_the_embedded_store_behaves_the_same():
    store, cart, other = CacheCartStore(), new_cart(), new_cart()
    store.add(cart, LineKey(1), 2)
    store.add(cart, LineKey(1), 1)
    store.add(other, LineKey(1), 1)
    store.merge(other, cart)
    store.set(cart, LineKey(2), 3)
    store.add(cart, LineKey(2), -3)

    assert store.lines(cart) == {LineKey(1): 4}
    assert store.lines(other) == {}
