"""Test settings: the same services as configured by the environment (CI exports
DATABASE_URL, REDIS_URL and CELERY_BROKER_URL), with test-friendly knobs."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, env

DEBUG = False
# Tasks run inline unless a test starts a real worker (tests/core/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No scheduler thread in the test processes (a test starts one when it needs it).
IN_PROCESS_SCHEDULER = False
# Health checks read the backlog afresh each time.
HEALTH_BACKLOG_CACHE_SECONDS = 0
# Keep test keys apart from a developer's cache on the same Redis.
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="tienda-test")
# Uploaded files go to a scratch folder that the live server of browser tests serves.
MEDIA_ROOT = str(Path(tempfile.gettempdir()) / "tienda-test-media")
SERVE_MEDIA = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app folders (the live server of browser tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
