"""Test settings: the same services as configured by the environment (CI exports
DATABASE_URL, REDIS_URL and CELERY_BROKER_URL), with test-friendly knobs."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, env

DEBUG = False
# Tasks run inline unless a test starts a real worker (tests/core/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Under core.request_log's backend, when a test puts it back (Django's test set-up forces locmem).
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No scheduler thread in the test processes (a test starts one when it needs it).
IN_PROCESS_SCHEDULER = False
# Health checks read the backlog afresh each time.
HEALTH_BACKLOG_CACHE_SECONDS = 0
# pytest-xdist runs the suite in several processes (gw0, gw1...), each with its own test database
# (pytest-django suffixes its name); each also gets its own cache keys (carts, rate limits, site
# settings: a test clearing "its" cache clears only its worker's) and its own media folder.
# The processes a test starts (a Celery worker) inherit the variable, and so the same prefix.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Keep test keys apart from a developer's cache on the same Redis.
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="tienda-test") + (
        f"-{XDIST_WORKER}" if XDIST_WORKER else ""
    )
# Uploaded files go to a scratch folder that the live server of browser tests serves.
MEDIA_ROOT = str(Path(tempfile.gettempdir()) / ("tienda-test-media" + (f"-{XDIST_WORKER}" if XDIST_WORKER else "")))
SERVE_MEDIA = True
# The demo catalog's pictures are pure functions of their names (demo.catalog.images), and drawing
# them with their WebP renditions costs a minute of CPU: every worker's media folder reaches the same
# demo folders through symlinks, so one worker draws them for all (and for the next run). Uploads
# made by tests stay in each worker's own folder.
DEMO_PICTURE_FOLDERS = ("products/demo", "brands/demo", "collections/demo", "kits/demo", "banners/demo")


def _share_demo_pictures(media_root: Path, shared: Path) -> None:
    for folder in DEMO_PICTURE_FOLDERS:
        for relative in (folder, f"renditions/{folder}"):
            link, target = media_root / relative, shared / relative
            target.mkdir(parents=True, exist_ok=True)
            if link.is_symlink() or link.exists():
                continue  # linked already, or drawn into the worker's folder by an older run: either serves
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                link.symlink_to(target, target_is_directory=True)
            except FileExistsError:
                pass  # another process linked it meanwhile


_share_demo_pictures(Path(MEDIA_ROOT), Path(tempfile.gettempdir()) / "tienda-test-media-demo")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app folders (the live server of browser tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# On PostgreSQL a "replica" alias is the test database read through a read-only connection
# (default_transaction_read_only): a write or a SELECT ... FOR UPDATE that reached it would fail.
# Routing to it is off but in the router's tests (tests/core/test_db_router.py), which turn it on.
REPLICA_READS = False
# A test database need not survive a crash: commits do not wait for the disk (transactional tests,
# the threads of the concurrency tests and the live server commit at every statement). Not behind
# pgbouncer, which refuses startup options.
_options = DATABASES["default"].get("OPTIONS", {})  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and "options" in _options:  # noqa: F405
    _options["options"] += " -c synchronous_commit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "OPTIONS": {
            **DATABASES["default"]["OPTIONS"],  # noqa: F405
            "options": "-c default_transaction_read_only=on -c jit=off",
        },
        "TEST": {"MIRROR": "default"},
    }

# The cluster tests (tests/cluster, `make test-cluster`) use the cluster's own database as the
# test database: the web nodes behind nginx must see what a test writes.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}  # noqa: F405

# The stock product pages show is cached in tests too (in this process's cache when no Redis is
# set), and every figure served from it is checked against the database: a write that changes
# stock without announcing it fails the test that made it.
STOCK_SHOWN_CACHE = True
STOCK_SHOWN_VERIFY = True
