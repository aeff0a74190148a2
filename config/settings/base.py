"""Settings shared by every environment, driven by environment variables.

Each real service is optional: with a variable unset the store falls back to an
embedded default (DESIGN.md section 1), so `make run` works on a bare machine.
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (never committed) may set any variable below; ENV_FILE points elsewhere.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# --- core -------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is acceptable only for local development; production.py demands one.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORE_NAME = env("STORE_NAME", default="Kallpa")
STORE_SUPPORT_EMAIL = env("STORE_SUPPORT_EMAIL", default="ayuda@kallpa.pe")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_htmx",
    "simple_history",
    "core",
    "accounts",
    "catalog",
    "cart",
    "inventory",
    "orders",
    "payments",
    "shipping",
    "returns",
    "promotions",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.store",
                "catalog.context_processors.navigation",
                "cart.context_processors.mini_cart",
            ],
            "builtins": ["core.templatetags.icons"],
        },
    },
]

# --- database ---------------------------------------------------------------

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Short store queries: PostgreSQL's JIT compiler spends more (up to half a second on a
    # facet count) compiling than it saves running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # IMMEDIATE takes SQLite's write lock when a transaction starts, so two
    # concurrent read-then-write transactions serialise instead of one failing
    # with "database is locked" halfway through.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
    # Covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite builds them without.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions ---------------------------------------------------------

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="tienda"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Fail fast: a page must not hang because Redis is away.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tienda"}}

# Sessions live in the cache (Redis in production) and in the database as a
# fallback, so web nodes stay stateless and a cache flush logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# --- store rules ---------------------------------------------------------------

# Units of one product a customer may hold in carts and open orders (seed 002).
MAX_UNITS_PER_CUSTOMER = env.int("MAX_UNITS_PER_CUSTOMER", default=5)
# Peru's IGV; every price in the store includes it.
IGV_RATE = Decimal("0.18")
# How long a cart's or checkout's reservation holds stock before it stops counting.
RESERVATION_MINUTES = env.int("RESERVATION_MINUTES", default=15)
# A customer may cancel an order this long after placing it, while nothing shipped.
ORDER_CANCEL_WINDOW_MINUTES = env.int("ORDER_CANCEL_WINDOW_MINUTES", default=30)
# Orders still pending payment after this long are cancelled (orders.tasks.cancel_unpaid_orders).
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=60)
# Failed guest order look-ups per client IP and per order number (allauth's rate-limit format).
ORDER_LOOKUP_RATE_LIMIT = env("ORDER_LOOKUP_RATE_LIMIT", default="10/m/ip,5/5m/key")

# --- payment gateways (secrets only from the environment) --------------------

# Stripe: the API key, and the signing secret of the webhook endpoint with how old (seconds)
# a signed delivery may be.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# PayPal: REST app credentials, the id of the registered webhook (part of what PayPal signs),
# sandbox or live, and the only hosts a signing certificate is fetched from (https only).
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", default="")
PAYPAL_MODE = env("PAYPAL_MODE", default="sandbox")
PAYPAL_TIMEOUT = env.int("PAYPAL_TIMEOUT", default=15)  # seconds per PayPal API call
PAYPAL_CERT_HOSTS = env.list(
    "PAYPAL_CERT_HOSTS",
    default=["api.paypal.com", "api.sandbox.paypal.com", "api-m.paypal.com", "api-m.sandbox.paypal.com"],
)
# How old (seconds) a PayPal transmission may be, and how long a fetched certificate is kept.
PAYPAL_WEBHOOK_TOLERANCE = env.int("PAYPAL_WEBHOOK_TOLERANCE", default=300)
PAYPAL_CERT_CACHE_SECONDS = env.int("PAYPAL_CERT_CACHE_SECONDS", default=24 * 60 * 60)

# --- background work ---------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker every task runs inline in the web process (embedded default).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60
# acks_late: a task is acknowledged after it ran, so a worker crash re-delivers it;
# every task is therefore written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "America/Lima"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Filled by the capabilities: reservation expiry, unpaid-order cancellation, ...
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Housekeeping only: expired reservations stop counting even when this has not run.
    "inventory.expire_reservations": {"task": "inventory.expire_reservations", "schedule": 60.0},
    "orders-cancel-unpaid": {"task": "orders.tasks.cancel_unpaid_orders", "schedule": 5 * 60},
    "payments-stranded-webhooks": {"task": "payments.tasks.process_stranded_webhook_events", "schedule": 10 * 60},
}

# --- gateway logs, e-mail ----------------------------------------------------

MONGO_URL = env("MONGO_URL", default="")

if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{STORE_NAME} <no-reply@kallpa.pe>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- accounts ----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
# Shoppers may buy before confirming their address; the confirmation mail is
# still sent and the verified flag is what later features check.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
# A shopper who signs up twice must be told the address is taken (a field error),
# not be sent a silent e-mail; the rate limits below keep enumeration slow.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{STORE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins per client IP and per account (e-mail): brute force stops here.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# --- i18n, time --------------------------------------------------------------

LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lang"
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

# --- static, media -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Django serves uploads itself only in development and tests; production uses object storage.
SERVE_MEDIA = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- security shared by every environment -------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- logging -----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
