"""Production: every secret comes from the environment, HTTPS everywhere.

Importing this module without SECRET_KEY (or with the development key) stops the
process with ImproperlyConfigured naming the variable.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Uploads are served by the web server or object storage; only a local `make serve` (and the
# Lighthouse bench) lets Django serve them, with the same cache headers (SERVE_MEDIA=true).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

try:
    SECRET_KEY = env("SECRET_KEY")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production settings refuse to start without a secret key "
        "(export SECRET_KEY, at least 50 random characters)."
    ) from exc
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY is too short or is the development key: use at least 50 random characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only a local `docker compose up` without TLS turns these off (SECURE_COOKIES=false).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads (catalog pictures and their WebP renditions; receipts and imports are not stored as
# files) on S3-compatible object storage when a bucket is named (AWS S3, Cloudflare R2, MinIO,
# DigitalOcean Spaces: MEDIA_S3_ENDPOINT_URL), through django-storages; the local disk
# (MEDIA_ROOT, served by nginx) otherwise. Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, read by boto3 itself. The pictures are public: plain URLs (no
# signatures) a CDN in front of the bucket (MEDIA_CDN_DOMAIN) caches; the bucket's policy, not a
# per-object ACL, makes them readable.
if env("MEDIA_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MEDIA_S3_BUCKET"),
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default=None),
            "region_name": env("MEDIA_S3_REGION", default=None),
            "custom_domain": env("MEDIA_CDN_DOMAIN", default=None),
            "location": env("MEDIA_S3_PREFIX", default="media"),
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }

TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405

# One JSON object per log line (docs/operations/logging.md); LOG_FORMAT=plain for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405

# The back office asks staff and sellers for a TOTP code after the password (core.staff_mfa).
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
