"""Cache keys that nearly every page reads once (the catalog's versions, the site settings),
fetched together in one round trip the first time a request asks for one of them.

A module names its key with `shared(key)` and reads it with `read(key)`; what it stores or
drops there it also tells the request (`remember`, `forget`), so a request that writes sees its
own write. Outside a request (a task, a command) each read goes to the cache alone."""

from contextvars import ContextVar

from django.core.cache import cache

_KEYS: list[str] = []
_MISSING = object()
# In a request's reads: the values prefetch(once=...) read ahead, for one take() each.
_ONCE = object()
# In a request's reads: keys named by read_along, read with the request's next round trip.
_ALONG = object()
# In a request's reads: Redis hashes named by read_hash_along, then the fields read of each, for one take_hash().
_HASHES = object()
_HASHES_READ = object()
_reads: ContextVar[dict | None] = ContextVar("request_reads", default=None)


def shared(key: str) -> str:
    if key not in _KEYS:
        _KEYS.append(key)
    return key


def _get_many(reads: dict, names: list[str]) -> dict:
    """One round trip for `names` and the keys waiting to be read along (kept for take()), and the
    hashes named to be read along when the cache is the Redis they live in (kept for take_hash())."""
    along = [key for key in reads.pop(_ALONG, ()) if key not in names]
    hashes = list(dict.fromkeys(reads.pop(_HASHES, ())))
    if hashes and hasattr(cache, "get_many_and_hashes"):
        found, fields = cache.get_many_and_hashes([*names, *along], hashes)
        reads.setdefault(_HASHES_READ, {}).update(fields)
    else:
        found = cache.get_many([*names, *along])
    if along:
        reads.setdefault(_ONCE, {}).update({key: found.get(key) for key in along})
    return found


def read(key: str):
    """The key's value as this request first read it (None when absent)."""
    reads = _reads.get()
    if reads is None:
        return cache.get(key)
    value = reads.get(key, _MISSING)
    if value is _MISSING:
        found = _get_many(reads, [name for name in _KEYS if name not in reads] or [key])
        for name in _KEYS:
            reads.setdefault(name, found.get(name))
        value = reads.setdefault(key, found.get(key))
    return value


def read_many(keys) -> dict:
    """{key: value} of keys no module shares (a product's marks, catalog.catalog_version), each read
    once per request: those not read yet in one round trip, then as this request first read them."""
    reads = _reads.get()
    if reads is None:
        return cache.get_many(list(keys))
    missing = [key for key in keys if key not in reads]
    if missing:
        found = _get_many(reads, missing)
        for key in missing:
            reads[key] = found.get(key)
    return {key: reads[key] for key in keys}


def prefetch(keys, once=()) -> None:
    """Keys this request will read with read_many, fetched in one round trip with the shared keys
    not read yet (a product page knows its entries' marks from the copies this process keeps: each
    was a round trip of its own); and `once`: keys read ahead for one take() each (figures a write
    in the same request may change, which must then be read again). Nothing outside a request."""
    reads = _reads.get()
    if reads is None:
        return
    names = list(dict.fromkeys(name for name in (*_KEYS, *keys) if name not in reads))
    ahead = reads.setdefault(_ONCE, {})
    once = [key for key in dict.fromkeys(once) if key not in ahead and key not in names]
    if not names and not once:
        return
    found = _get_many(reads, names + once)
    for name in names:
        reads.setdefault(name, found.get(name))
    ahead.update({key: found.get(key) for key in once})


def take(keys) -> dict:
    """{key: value} of `keys` (None when absent): those prefetch(once=...) read ahead, each given
    once, and the others read now in one round trip."""
    reads = _reads.get()
    ahead = reads.get(_ONCE, {}) if reads is not None else {}
    found = {key: ahead.pop(key) for key in keys if key in ahead}
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(
            {**dict.fromkeys(missing), **(_get_many(reads, missing) if reads is not None else cache.get_many(missing))}
        )
    return found


def read_along(keys) -> None:
    """Keys this request will take() once, read with its next round trip rather than in one of their own
    (a session's entry, named as soon as the session's cookie is: core.session_store). Nothing outside a
    request."""
    reads = _reads.get()
    if reads is not None:
        reads.setdefault(_ALONG, []).extend(keys)


def read_hash_along(key: str) -> None:
    """A Redis hash (its full key: a cart's lines) this request will take_hash() once, read with its next
    round trip to the cache when that cache is the same Redis (core.cache). Nothing outside a request."""
    reads = _reads.get()
    if reads is not None:
        reads.setdefault(_HASHES, []).append(key)


def take_hash(key: str) -> dict | None:
    """The hash's fields as this request read them ahead, given once; None when they were not (the
    caller reads the hash itself)."""
    reads = _reads.get()
    return reads.get(_HASHES_READ, {}).pop(key, None) if reads is not None else None


def drop_hash(key: str) -> None:
    """The hash is being written: what this request named or read ahead of it is no longer its value."""
    reads = _reads.get()
    if reads is not None:
        reads[_HASHES] = [named for named in reads.get(_HASHES, ()) if named != key]
        reads.get(_HASHES_READ, {}).pop(key, None)


def remember(key: str, value) -> None:
    reads = _reads.get()
    if reads is not None:
        reads[key] = value


def forget(key: str) -> None:
    """The key changed: this request reads it again."""
    reads = _reads.get()
    if reads is not None:
        reads.pop(key, None)


class RequestReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set({})
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)
