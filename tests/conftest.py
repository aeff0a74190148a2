import os

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import AddressFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The only tests allowed to skip in CI: those that need a real MongoDB server, and those that run
# SUNAT's own validation stylesheets, which this repository may not carry (tests/receipts/sunat_xsl.py).
SKIP_ALLOWED_MARKERS = {"mongo", "sunat_xsl"}

# `make test` runs the shopper-facing tests a second time on SQLite (the embedded default); there
# the PostgreSQL-only checks skip, as they ran in the first pass.
IN_SQLITE_PASS = os.environ.get("SQLITE_PASS") == "1"

_forbidden_skips: list[str] = []

# Same algorithm and hash format, the cheapest cost: see tests/hashers.py.
settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]


def _skip_reason(report) -> str:
    return report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""


def clear_cache() -> None:
    # delete_pattern honours the test key prefix; clear() would FLUSHDB a shared Redis.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached fragments must not leak from one test into the next."""
    clear_cache()
    warm_site_settings()
    yield


@pytest.fixture(autouse=True)
def _render_path(request, settings):
    """Query ceilings measure the render path: the whole-page cache (storefront.page_cache) would
    answer a repeated request with no query at all. Its own tests and the browser journeys keep it."""
    if not request.node.get_closest_marker("page_cache") and not request.node.get_closest_marker("e2e"):
        settings.STOREFRONT_PAGE_CACHE = False


def warm_site_settings() -> None:
    """A test starts with no saved site settings, i.e. with the defaults: cache them as a running
    store has them cached, so query counts measure the page, not one cold settings read."""
    from constance import settings as constance_settings

    from core.site_settings import CACHE_KEY, CACHE_SECONDS

    cache.set(CACHE_KEY, {key: options[0] for key, options in constance_settings.CONFIG.items()}, CACHE_SECONDS)


def pytest_runtest_logreport(report):
    if not report.skipped or SKIP_ALLOWED_MARKERS.intersection(report.keywords):
        return
    if IN_SQLITE_PASS and "PostgreSQL" in _skip_reason(report):
        return
    _forbidden_skips.append(f"{report.nodeid}: {_skip_reason(report)}")


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _forbidden_skips:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("")
            reporter.write_line("CI forbids skipped tests (only tests that need a real MongoDB may skip):", red=True)
            for line in _forbidden_skips:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = 1


def require_env(*names: str) -> None:
    """Skip (and so fail in CI) when a real service this test claims to exercise is not configured."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        pytest.skip(f"needs the real service: set {', '.join(missing)}")


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def address(user):
    return AddressFactory(user=user)


@pytest.fixture(autouse=True)
def _services_answer_again():
    """A test that stopped Redis or the broker must not leave the next one skipping them."""
    from core.resilience import broker_outage, redis_outage

    yield
    redis_outage.reset()
    broker_outage.reset()
