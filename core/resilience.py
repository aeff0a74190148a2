"""What the store does when Redis (cache, sessions, carts, rate limits) is away.

One outage state per process and service: the first failure is logged once and opens a short
circuit (REDIS_RETRY_SECONDS) during which callers do not wait on Redis again; the first call
that works after it logs the recovery. Nothing needs a restart."""

import logging
import threading
import time

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

try:
    from django_redis.exceptions import ConnectionInterrupted
except ImportError:  # pragma: no cover - django-redis is a dependency
    ConnectionInterrupted = RedisConnectionError

logger = logging.getLogger("tienda.resilience")

# What "Redis is away" looks like from redis-py and django-redis (BusyLoadingError, Redis
# reading its append-only file after a restart, is a ConnectionError too).
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)


class ServiceUnavailable(Exception):
    """A part the page needs is away for a moment: answered with the 503 page, never a 500."""

    def __init__(self, message: str = "", *, retry_after: int = 30):
        super().__init__(message)
        self.retry_after = retry_after


class Outage:
    """Whether one service is down, shared by the threads of this process."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """False while the circuit is open: the caller answers its fallback at once."""
        return self._down_since is None or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        with self._lock:
            first = self._down_since is None
            now = time.monotonic()
            if first:
                self._down_since = now
            self._retry_at = now + getattr(settings, "REDIS_RETRY_SECONDS", 5)
        if first:
            logger.error(
                "%s is unavailable (%s: %s); degrading until it answers again", self.name, type(error).__name__, error
            )

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for = time.monotonic() - self._down_since
            self._down_since = None
        logger.warning("%s is back after %.1f s", self.name, down_for)

    def reset(self) -> None:
        with self._lock:
            self._down_since = None
            self._retry_at = 0.0


redis_outage = Outage("Redis")
broker_outage = Outage("Celery broker")


def redis_is_down() -> bool:
    return redis_outage.is_down
