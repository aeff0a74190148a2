"""Where carts live: a Redis hash per cart, one field per line, the quantity as
its value, and a 48-hour time to live renewed on every write.

A line is a variant, optionally added as part of a kit ("<variant id>" or
"<variant id>:k<kit id>"), so the same variant bought alone and inside a kit stays two
lines. Quantities change with HINCRBY inside MULTI, so two concurrent adds to one cart
both count. Without Redis (the embedded default) the same interface keeps carts in
Django's cache under a process lock: enough for one development server."""

import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core import request_reads
from core.resilience import REDIS_ERRORS, ServiceUnavailable, redis_outage

CART_TTL_SECONDS = 48 * 60 * 60


@functools.total_ordering
@dataclass(frozen=True)
class LineKey:
    """A cart line: a variant, alone ("12"), in a kit ("12:k3"), or a quantity offer's gift
    added by the cart itself ("12:g5": its units are the offer's, free, never the shopper's)."""

    variant_id: int
    kit_id: int | None = None
    gift_offer_id: int | None = None

    def encode(self) -> str:
        if self.gift_offer_id:
            return f"{self.variant_id}:g{self.gift_offer_id}"
        return f"{self.variant_id}:k{self.kit_id}" if self.kit_id else str(self.variant_id)

    @classmethod
    def decode(cls, raw: str | bytes) -> "LineKey | None":
        text = raw.decode() if isinstance(raw, bytes) else raw
        variant, _, gift = text.partition(":g")
        if gift:
            try:
                return cls(int(variant), gift_offer_id=int(gift))
            except ValueError:
                return None
        variant, _, kit = text.partition(":k")
        try:
            return cls(int(variant), int(kit) if kit else None)
        except ValueError:
            return None

    @property
    def is_gift(self) -> bool:
        return self.gift_offer_id is not None

    def _order(self) -> tuple:
        # A variant's plain line first, then its kits' and gifts' lines (None never compared).
        return (self.variant_id, self.kit_id or 0, self.gift_offer_id or 0)

    def __lt__(self, other: "LineKey") -> bool:
        if not isinstance(other, LineKey):
            return NotImplemented
        return self._order() < other._order()


# Besides its lines a cart's hash keeps, per gift offer, the units bought that the cart's gift
# was last settled for ("gift-seen:<offer>") and those the shopper removed the gift at
# ("gift-refused:<offer>"): no line key decodes from them, so lines() ignores them.
GIFT_SEEN = "gift-seen:"
GIFT_REFUSED = "gift-refused:"


@dataclass(frozen=True)
class CartSnapshot:
    lines: dict[LineKey, int]
    gift_seen: dict[int, int]  # {offer id: units bought}
    gift_refused: dict[int, int]  # {offer id: units bought}


def _snapshot(raw: Mapping[str, int] | Mapping[bytes, bytes]) -> CartSnapshot:
    seen: dict[int, int] = {}
    refused: dict[int, int] = {}
    for field, value in raw.items():
        name = field.decode() if isinstance(field, bytes) else field
        for prefix, into in ((GIFT_SEEN, seen), (GIFT_REFUSED, refused)):
            if name.startswith(prefix) and name[len(prefix) :].isdecimal():
                into[int(name[len(prefix) :])] = int(value)
    return CartSnapshot(lines=_decode_lines(raw), gift_seen=seen, gift_refused=refused)


def _decode_lines(raw: Mapping[str, int] | Mapping[bytes, bytes]) -> dict[LineKey, int]:
    lines: dict[LineKey, int] = {}
    for field, value in raw.items():
        key = LineKey.decode(field)
        if key is not None and int(value) > 0:
            lines[key] = int(value)
    return lines


class CartUnavailable(ServiceUnavailable):
    """Redis, where carts live, is away: the cart and checkout answer a 503 page meanwhile."""

    def __init__(self):
        super().__init__(_("The cart is not available for a moment."), retry_after=30)


def _needs_redis(method):
    """Every cart operation fails fast with CartUnavailable while Redis is away."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not redis_outage.should_try():
            raise CartUnavailable
        try:
            result = method(self, *args, **kwargs)
        except REDIS_ERRORS as error:
            redis_outage.failed(error)
            raise CartUnavailable from error
        redis_outage.succeeded()
        return result

    return wrapper


class RedisCartStore:
    # Adds every line of one cart into another and deletes the first, atomically.
    _MERGE = """
        local source = redis.call('HGETALL', KEYS[1])
        for i = 1, #source, 2 do redis.call('HINCRBY', KEYS[2], source[i], source[i + 1]) end
        redis.call('DEL', KEYS[1])
        if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
        return source
    """

    def __init__(self, client):
        self.client = client
        self._merge = client.register_script(self._MERGE)

    def _key(self, cart_id: str) -> str:
        # The cache's own key format, so the cache's prefix (and its clean-up) covers carts.
        return cache.make_key(f"cart:{cart_id}")

    def _written(self, cart_id: str) -> str:
        """The key of a cart about to be written: what the request read ahead of it is dropped."""
        key = self._key(cart_id)
        request_reads.drop_hash(key)
        return key

    def read_along(self, cart_id: str) -> None:
        """The cart's lines, for units(), come with the request's next round trip to the cache (the same
        Redis: core.request_reads.read_hash_along)."""
        request_reads.read_hash_along(self._key(cart_id))

    @_needs_redis
    def units(self, cart_id: str) -> int:
        """The units in the cart, for the header's count only (never to price or order: lines read
        ahead may be older than a lock the caller holds), from what read_along read, else read now."""
        key = self._key(cart_id)
        fields = request_reads.take_hash(key)
        return sum(_decode_lines(fields if fields is not None else self.client.hgetall(key)).values())

    @_needs_redis
    def lines(self, cart_id: str) -> dict[LineKey, int]:
        return _decode_lines(self.client.hgetall(self._key(cart_id)))

    @_needs_redis
    def snapshot(self, cart_id: str) -> CartSnapshot:
        """The lines and the gift bookkeeping, in one read."""
        return _snapshot(self.client.hgetall(self._key(cart_id)))

    @_needs_redis
    def write_fields(self, cart_id: str, values: dict[str, int]) -> None:
        """Set these fields (0 deletes one) in one MULTI: a gift line with its bookkeeping."""
        if not values:
            return
        key = self._written(cart_id)
        with self.client.pipeline(transaction=True) as pipe:
            for field, value in values.items():
                if value > 0:
                    pipe.hset(key, field, value)
                else:
                    pipe.hdel(key, field)
            pipe.expire(key, CART_TTL_SECONDS)
            pipe.execute()

    @_needs_redis
    def add(self, cart_id: str, line: LineKey, quantity: int) -> int:
        key = self._written(cart_id)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, line.encode(), quantity)
            pipe.expire(key, CART_TTL_SECONDS)
            new_quantity, _ = pipe.execute()
        if new_quantity <= 0:
            self.client.hdel(key, line.encode())
        return max(int(new_quantity), 0)

    @_needs_redis
    def set(self, cart_id: str, line: LineKey, quantity: int) -> None:
        key = self._written(cart_id)
        with self.client.pipeline(transaction=True) as pipe:
            if quantity > 0:
                pipe.hset(key, line.encode(), quantity)
            else:
                pipe.hdel(key, line.encode())
            pipe.expire(key, CART_TTL_SECONDS)
            pipe.execute()

    @_needs_redis
    def clear(self, cart_id: str) -> None:
        self.client.delete(self._written(cart_id))

    @_needs_redis
    def merge(self, source_id: str, target_id: str) -> dict[LineKey, int]:
        """Move every line of source into target; returns what was moved."""
        moved = self._merge(keys=[self._written(source_id), self._written(target_id)], args=[CART_TTL_SECONDS])
        return _decode_lines(dict(zip(moved[::2], moved[1::2])))

    @_needs_redis
    def ttl(self, cart_id: str) -> int:
        return int(self.client.ttl(self._key(cart_id)))

    def idle_seconds(self, cart_id: str) -> int | None:
        """Seconds since the cart's last write (every write renews its time to live), None when
        the cart is gone."""
        ttl = self.ttl(cart_id)
        return CART_TTL_SECONDS - ttl if ttl > 0 else None


class CacheCartStore:
    """Django's cache (local memory by default): a dict per cart under a process lock."""

    _lock = threading.Lock()

    def _key(self, cart_id: str) -> str:
        return f"cart:{cart_id}"

    def _read(self, cart_id: str) -> dict[str, int]:
        return dict(cache.get(self._key(cart_id)) or {})

    def _write(self, cart_id: str, data: dict[str, int]) -> None:
        if data:
            cache.set(self._key(cart_id), data, CART_TTL_SECONDS)
            cache.set(self._touched_key(cart_id), time.time(), CART_TTL_SECONDS)
        else:
            cache.delete(self._key(cart_id))

    def _touched_key(self, cart_id: str) -> str:
        return f"cart-touched:{cart_id}"

    def read_along(self, cart_id: str) -> None:
        """Nothing to read ahead: the cart is in this process' cache."""

    def units(self, cart_id: str) -> int:
        return sum(self.lines(cart_id).values())

    def lines(self, cart_id: str) -> dict[LineKey, int]:
        return _decode_lines(self._read(cart_id))

    def snapshot(self, cart_id: str) -> CartSnapshot:
        return _snapshot(self._read(cart_id))

    def write_fields(self, cart_id: str, values: dict[str, int]) -> None:
        if not values:
            return
        with self._lock:
            data = self._read(cart_id)
            for field, value in values.items():
                if value > 0:
                    data[field] = value
                else:
                    data.pop(field, None)
            self._write(cart_id, data)

    def add(self, cart_id: str, line: LineKey, quantity: int) -> int:
        with self._lock:
            data = self._read(cart_id)
            new_quantity = max(data.get(line.encode(), 0) + quantity, 0)
            if new_quantity:
                data[line.encode()] = new_quantity
            else:
                data.pop(line.encode(), None)
            self._write(cart_id, data)
        return new_quantity

    def set(self, cart_id: str, line: LineKey, quantity: int) -> None:
        with self._lock:
            data = self._read(cart_id)
            if quantity > 0:
                data[line.encode()] = quantity
            else:
                data.pop(line.encode(), None)
            self._write(cart_id, data)

    def clear(self, cart_id: str) -> None:
        cache.delete(self._key(cart_id))

    def merge(self, source_id: str, target_id: str) -> dict[LineKey, int]:
        with self._lock:
            source, target = self._read(source_id), self._read(target_id)
            for field, quantity in source.items():
                target[field] = target.get(field, 0) + quantity
            cache.delete(self._key(source_id))
            self._write(target_id, target)
        return _decode_lines(source)

    def ttl(self, cart_id: str) -> int:
        return CART_TTL_SECONDS if cache.get(self._key(cart_id)) else -2

    def idle_seconds(self, cart_id: str) -> int | None:
        """Seconds since the cart's last write, None when the cart is gone."""
        touched = cache.get(self._touched_key(cart_id))
        if touched is None or not cache.get(self._key(cart_id)):
            return None
        return max(int(time.time() - touched), 0)


def cart_store() -> RedisCartStore | CacheCartStore:
    """The store for the configured cache: Redis when REDIS_URL is set."""
    global _store
    if _store is None:
        from django.core.cache import caches
        from django_redis import get_redis_connection
        from django_redis.cache import RedisCache

        if isinstance(caches["default"], RedisCache):
            _store = RedisCartStore(get_redis_connection("default"))
        else:
            _store = CacheCartStore()
    return _store


_store: RedisCartStore | CacheCartStore | None = None


@receiver(setting_changed, dispatch_uid="cart.store.reset")
def _reset_store(setting, **kwargs) -> None:
    global _store
    if setting == "CACHES":
        _store = None
