"""What every test runs under, and what a test uses to ask for it: the cache emptied between tests,
the site settings cached as a running store has them, a real service the test needs."""

import os

import pytest
from django.core.cache import cache

# The second pass (make test) runs the SQLite-covered tests with the embedded default database.
IN_SQLITE_PASS = os.environ.get("SQLITE_PASS") == "1"


def clear_cache() -> None:
    from core.templatetags.layout import forget_frames

    forget_frames()  # a test may render under other settings (static storage, languages)
    # delete_pattern honours the test key prefix; clear() would FLUSHDB a shared Redis.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def warm_site_settings() -> None:
    """A test starts with no saved site settings, i.e. with the defaults: cache them as a running
    store has them cached, so query counts measure the page, not one cold settings read."""
    from constance import settings as constance_settings

    from core.site_settings import CACHE_KEY, CACHE_SECONDS

    cache.set(CACHE_KEY, {key: options[0] for key, options in constance_settings.CONFIG.items()}, CACHE_SECONDS)


def require_env(*names: str) -> None:
    """Skip (and so fail in CI) when a real service this test claims to exercise is not configured."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        pytest.skip(f"needs the real service: set {', '.join(missing)}")
