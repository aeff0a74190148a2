"""The keys nearly every page reads (the catalog's versions, the site settings) come in one round
trip per request, and a request that changes one of them reads its own change."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from catalog import listing_cache, tree
from core import request_reads, site_settings
from core.request_reads import RequestReadsMiddleware

pytestmark = pytest.mark.django_db


def _in_a_request(view):
    """Run view() as a request runs it (inside the middleware); returns what it returned."""
    answer = {}

    def get_response(request):
        answer["value"] = view()
        return HttpResponse()

    RequestReadsMiddleware(get_response)(RequestFactory().get("/"))
    return answer["value"]


@pytest.fixture
def cache_calls(monkeypatch):
    """The cache reads made, each by its name (not those a get_many makes inside a local cache)."""
    calls, inside = [], []
    for name in ("get", "get_many"):
        original = getattr(cache, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            if not inside:
                calls.append(_name)
            inside.append(_name)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, name, counted)
    return calls


def test_the_shared_keys_are_read_together_once_per_request(cache_calls):
    listing_cache.bump()
    site_settings.site_settings()
    tree.catalog_tree()
    stored = cache.get(listing_cache.VERSION_KEY)
    cache_calls.clear()

    def page():
        return (
            request_reads.read(listing_cache.VERSION_KEY),
            site_settings.site_settings()["STORE_NAME"],
            tree.catalog_tree().version,
            request_reads.read(listing_cache.VERSION_KEY),
        )

    version, store_name, tree_version, again = _in_a_request(page)
    assert cache_calls == ["get_many"]
    assert version == again == stored and store_name and tree_version


def test_a_request_reads_its_own_change(settings):
    def page():
        before = request_reads.read(listing_cache.VERSION_KEY)
        listing_cache.bump()
        after = request_reads.read(listing_cache.VERSION_KEY)
        assert after == cache.get(listing_cache.VERSION_KEY)
        name = site_settings.site_settings()["STORE_NAME"]
        from constance import config

        config.STORE_NAME = "Tienda Renovada"
        return before, after, name, site_settings.site_settings()["STORE_NAME"]

    before, after, name, renamed = _in_a_request(page)
    assert before != after
    assert name != renamed == "Tienda Renovada"


def test_outside_a_request_each_read_goes_to_the_cache(cache_calls):
    listing_cache.bump()
    cache_calls.clear()
    request_reads.read(listing_cache.VERSION_KEY)
    request_reads.read(listing_cache.VERSION_KEY)
    assert cache_calls == ["get", "get"]


def test_keys_read_ahead_come_with_the_shared_keys_in_one_round_trip(cache_calls):
    listing_cache.bump()
    cache.set("test:mark:1", 7)
    stored = cache.get(listing_cache.VERSION_KEY)
    cache_calls.clear()

    def page():
        request_reads.prefetch(["test:mark:1", "test:mark:2"])
        return (
            request_reads.read(listing_cache.VERSION_KEY),
            request_reads.read_many(["test:mark:1", "test:mark:2"]),
        )

    assert _in_a_request(page) == (stored, {"test:mark:1": 7, "test:mark:2": None})
    assert cache_calls == ["get_many"]


def test_keys_read_ahead_after_the_shared_keys_come_in_one_round_trip_of_their_own(cache_calls):
    cache.set("test:mark:1", 7)
    cache_calls.clear()

    def page():
        request_reads.read(listing_cache.VERSION_KEY)
        request_reads.prefetch(["test:mark:1", "test:mark:2"])
        request_reads.prefetch(["test:mark:1"])  # read already: no round trip
        return request_reads.read_many(["test:mark:2", "test:mark:1"])

    assert _in_a_request(page) == {"test:mark:2": None, "test:mark:1": 7}
    assert cache_calls == ["get_many", "get_many"]
    request_reads.prefetch(["test:mark:1"])  # outside a request: nothing
    assert cache_calls == ["get_many", "get_many"]


def test_keys_read_ahead_once_are_given_once_then_read_again(cache_calls):
    """prefetch(once=...) reads a figure with the shared keys; take() gives it once (a write in the same
    request may change it), and a second take() reads it from the cache."""
    cache.set("test:figure", 1)

    def view():
        request_reads.prefetch([], once=["test:figure", "test:absent"])
        first = request_reads.take(["test:figure", "test:absent"])
        cache.set("test:figure", 2)  # a write after the first read
        return first, request_reads.take(["test:figure"])

    first, again = _in_a_request(view)
    assert first == {"test:figure": 1, "test:absent": None} and again == {"test:figure": 2}
    assert cache_calls == ["get_many", "get_many"]


def test_keys_read_along_come_with_the_next_round_trip_and_are_given_once(cache_calls):
    """read_along names a key the request will take() (a session's entry, core.session_store): it comes with
    whatever round trip the request makes next, and take() gives it once, with no round trip of its own."""
    cache.set("test:session", {"user": 7})

    def view():
        request_reads.read_along(["test:session"])
        version = request_reads.read(listing_cache.VERSION_KEY)
        calls_so_far = len(cache_calls)
        session = request_reads.take(["test:session"])
        assert len(cache_calls) == calls_so_far  # given from the shared keys' round trip
        return version, session, request_reads.take(["test:session"])

    version, session, again = _in_a_request(view)
    assert session == again == {"test:session": {"user": 7}}
    assert cache_calls == ["get_many", "get_many"]  # the shared keys with it, then the second take
    request_reads.read_along(["test:session"])  # outside a request: nothing


@pytest.fixture
def redis_cache():
    if not hasattr(cache, "get_many_and_hashes"):
        pytest.skip("hashes are read along only from a Redis cache")
    from django_redis import get_redis_connection

    client, key = get_redis_connection("default"), cache.make_key("test:hash")
    client.hset(key, mapping={"12": 2, "13": 1})
    yield client, key
    client.delete(key)


def test_hashes_read_along_come_with_the_next_round_trip_given_once(redis_cache):
    """read_hash_along names a Redis hash (a cart's lines): its fields come with the request's next round
    trip, take_hash() gives them once, then answers None (the caller reads it itself)."""
    client, key = redis_cache

    def view():
        request_reads.read_hash_along(key)
        request_reads.read(listing_cache.VERSION_KEY)
        return request_reads.take_hash(key), request_reads.take_hash(key)

    fields, again = _in_a_request(view)
    assert fields == {b"12": b"2", b"13": b"1"} and again is None


def test_a_hash_written_in_the_request_is_not_given_as_it_was_read(redis_cache):
    client, key = redis_cache

    def view():
        request_reads.read_hash_along(key)
        request_reads.read(listing_cache.VERSION_KEY)
        request_reads.drop_hash(key)  # the cart's store writes it
        named_then_written = request_reads.take_hash(key)
        request_reads.read_hash_along(key)
        request_reads.drop_hash(key)  # written before the next round trip
        request_reads.read(site_settings.CACHE_KEY)
        return named_then_written, request_reads.take_hash(key)

    assert _in_a_request(view) == (None, None)


def test_while_redis_is_away_a_hash_read_along_reads_nothing(redis_cache, monkeypatch):
    from core.resilience import redis_outage

    client, key = redis_cache
    monkeypatch.setattr(redis_outage, "should_try", lambda: False)

    def view():
        request_reads.read_hash_along(key)
        return request_reads.read(listing_cache.VERSION_KEY), request_reads.take_hash(key)

    assert _in_a_request(view) == (None, None)
