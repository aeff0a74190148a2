"""A django-redis cache for which a Redis that is away is a miss, not an error.

Catalog pages, constance's settings and cached-database sessions all read through to
PostgreSQL then: reads answer their default, writes answer False. Each outage is logged once
(core.resilience), not once per call, and while it lasts callers do not wait on Redis."""

import functools

from django_redis.cache import RedisCache

from .resilience import REDIS_ERRORS, redis_outage

# What each operation answers while Redis is away (anything else answers None).
_FALLBACKS = {
    "get_many": dict,
    "add": lambda: False,
    "set": lambda: False,
    "touch": lambda: False,
    "delete": lambda: False,
    "has_key": lambda: False,
    "set_many": list,
    "delete_many": lambda: 0,
}


# Batch operations that django-redis answers without a round trip when given nothing: such a
# call proves nothing about Redis, so it must not end an outage.
_BATCHES = {"get_many": "keys", "set_many": "data", "delete_many": "keys"}


def _degrading(name: str):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        fallback = _FALLBACKS.get(name, lambda: None)
        if name in _BATCHES and not (args[0] if args else kwargs.get(_BATCHES[name])):
            return fallback()
        if not redis_outage.should_try():
            return fallback()
        try:
            result = method(self, *args, **kwargs)
        except REDIS_ERRORS as error:
            redis_outage.failed(error)
            return fallback()
        redis_outage.succeeded()
        return result

    return wrapper


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Errors reach the wrappers below, which log once per outage instead of per call.
        self._ignore_exceptions = False

    def get(self, key, default=None, version=None, client=None):
        if not redis_outage.should_try():
            return default
        try:
            value = super().get(key, default=default, version=version, client=client)
        except REDIS_ERRORS as error:
            redis_outage.failed(error)
            return default
        redis_outage.succeeded()
        return value

    def get_many_and_hashes(self, keys: list[str], hashes: list[str]) -> tuple[dict, dict]:
        """get_many(keys), and the fields of each Redis hash in `hashes` (their full keys: a cart's
        lines), in one round trip; ({}, {}) while Redis is away, as get_many answers then."""
        if not redis_outage.should_try():
            return {}, {}
        made = [self.client.make_key(key) for key in keys]
        try:
            with self.client.get_client(write=False).pipeline(transaction=False) as pipe:
                if made:
                    pipe.mget(made)
                for key in hashes:
                    pipe.hgetall(key)
                replies = pipe.execute()
        except REDIS_ERRORS as error:
            redis_outage.failed(error)
            return {}, {}
        redis_outage.succeeded()
        values = replies.pop(0) if made else []
        found = {key: self.client.decode(value) for key, value in zip(keys, values, strict=True) if value is not None}
        return found, dict(zip(hashes, replies, strict=True))


for _name in (
    "set",
    "add",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "touch",
    "incr",
    "decr",
    "ttl",
    "expire",
    "clear",
    "delete_pattern",
):
    setattr(DegradingRedisCache, _name, _degrading(_name))
