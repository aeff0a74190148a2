"""Settings of the gunicorn server that bench_throughput drives: production settings
(cached templates, DEBUG off) over plain HTTP on loopback, plus a bare view as the
machine's ceiling. The bench exports SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL."""

import warnings

from config.settings.production import *  # noqa: F403

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a bench

ROOT_URLCONF = "bench.urls"
# No collectstatic for a bench run: plain static URLs instead of the manifest's hashed ones.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
