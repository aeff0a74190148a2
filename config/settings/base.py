"""Settings shared by every environment, driven by environment variables.

Each real service is optional: with a variable unset the store falls back to an
embedded default (SQLite, local-memory cache, tasks run inline, e-mail to the console), so
`make run` works on a bare machine.
"""

import typing  # not its names: an upper-case TYPE_CHECKING would become a setting
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

if typing.TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
# Addresses or networks of the reverse proxies in front of the app (e.g. 10.0.0.0/8): only from
# them are X-Forwarded-For (the client's address) and X-Forwarded-Proto (HTTPS) believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

STORE_NAME = env("STORE_NAME", default="Kallpa")
STORE_SUPPORT_EMAIL = env("STORE_SUPPORT_EMAIL", default="ayuda@kallpa.pe")
# host[:port] that e-mails link to (the sites framework's row is set from it on `migrate`).
SITE_DOMAIN = env("SITE_DOMAIN", default="127.0.0.1:8000")

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
    # Django's form templates found by the project's engine (FORM_RENDERER below).
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # staff's second factor: TOTP and recovery codes (core.staff_mfa)
    "django_htmx",
    "simple_history",
    "constance",
    "csp",
    "import_export",
    "django_guid",  # the request id (core.request_log)
    "core",
    "waitingroom",  # the waiting room for drops and overload (its middleware below)
    "accounts",
    "catalog",
    "cart",
    "inventory",
    "orders",
    "checkout",
    "payments",
    "shipping",
    "returns",
    "credit",
    "promotions",
    "reviews",
    "receipts",
    "sunat",  # resúmenes diarios, comunicaciones de baja, sales register
    "despatch",  # guías de remisión electrónicas (SUNAT GRE)
    "legal",  # policies and consent
    "complaints",  # Libro de Reclamaciones
    "privacy",  # personal-data rights (ARCO, Ley 29733): requests, account closure, retention
    "favourites",  # "Mis favoritos" and recently viewed
    "alerts",  # back-in-stock and launch alerts, forgotten-cart reminders
    "reconciliation",  # the daily comparison of the gateways' own lists with the store's payments
    "timeline",  # the order timeline, read from every app's rows (orders.ports.order_timeline)
    "backoffice",
    "storefront",
    "monitoring",  # /metrics for Prometheus (docs/operations/metrics.md)
    "demo",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) for everything after, and one log line per request.
    "django_guid.middleware.guid_middleware",
    "core.request_log.AccessLogMiddleware",
    # Before anything reads the scheme or the client's address.
    "core.middleware.TrustedProxyMiddleware",
    # Times everything below, labelled by route pattern (/metrics).
    "monitoring.middleware.RouteMetricsMiddleware",
    # During a drop or overload, shoppers not yet let in get the waiting page: before sessions,
    # users or anything else that reads the database (docs/operations/waiting-room.md).
    "waitingroom.middleware.WaitingRoomMiddleware",
    # The catalog's versions and the site settings, read in one round trip per request.
    "core.request_reads.RequestReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a listing's HTML is 60-70 KB, a tenth of that compressed: first paint on a phone).
    # After WhiteNoise, which answers static files (pre-compressed) before this runs. Django pads each
    # gzipped response with random bytes against BREACH, and CSRF tokens are masked per response.
    # Django's, at a cheaper level (core.middleware.GZipMiddleware).
    "core.middleware.GZipMiddleware",
    # A cached page's ETag (storefront.page_cache) answers a browser's revalidation with a 304. Inside
    # GZip, which then marks the ETag weak; If-None-Match compares weakly.
    "core.middleware.ConditionalGetMiddleware",
    "core.middleware.CSPMiddleware",  # django-csp's, its constant policy built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.language.ShopLanguageMiddleware",  # Spanish unless the `lang` cookie says otherwise
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The back office only with a second factor when STAFF_MFA_REQUIRED (after the user is known).
    "core.staff_mfa.StaffMfaMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Hardening: bad characters are a 400, a part that is away a 503, and every
    # browser a device id for the fair-use limits.
    "core.middleware.DeviceCookieMiddleware",
    "core.middleware.ControlCharactersMiddleware",
    "core.middleware.ServiceUnavailableMiddleware",
    # Last: its process_exception sees a failing replica first (core/db_router.py).
    "core.db_router.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES: list[dict[str, typing.Any]] = [
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
                "core.context_processors.csrf",
                "core.context_processors.store",
                "catalog.context_processors.navigation",
                "cart.context_processors.mini_cart",
                "payments.context_processors.payment_methods",
            ],
            "builtins": ["core.templatetags.icons"],
        },
    },
]

# Forms render their widgets with the project's engine, so that templates/django/forms/ overrides Django's own
# (its select and radio lists, which included three templates per choice).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- database ---------------------------------------------------------------

DATABASE_POOLER = env("DATABASE_POOLER", default="")
DATABASE_URL = env("DATABASE_URL", default="")
# A sqlite:// URL names the embedded database's file: it gets the SQLite options below, not PostgreSQL's.
if DATABASE_URL and not DATABASE_URL.startswith("sqlite"):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Short store queries: PostgreSQL's JIT compiler spends more (up to half a second on a
    # facet count) compiling than it saves running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that is away is an error within seconds (/healthz, pages), not a hang.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # The values travel apart from the query (psycopg's server-side binding), so a query run again on
    # the same connection is sent by name after its fifth run and PostgreSQL plans it no more: planning
    # was most of what the store's short queries cost the server (docs/performance.md). Django leaves
    # both off by default.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    # Behind pgbouncer in transaction mode (DATABASE_POOLER=pgbouncer) consecutive transactions
    # may run on different server connections: no server-side cursors (they live across
    # transactions), and startup options are not passed on (pgbouncer refuses them), so the
    # servers set jit=off and pg_trgm's threshold themselves (scripts/cluster, deploy/). Nor
    # prepared statements: Debian's pgbouncer 1.18 does not carry them from one server connection to
    # the next (1.21 and later do, with max_prepared_statements; then set DATABASE_PREPARE_THRESHOLD).
    if DATABASE_POOLER == "pgbouncer":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"].pop("options")
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=None)
    # A streaming replica (read-only): storefront pages and reports read from it, see core/db_router.py.
    if env("DATABASE_REPLICA_URL", default=""):
        DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
        DATABASES["replica"].update(CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True)
        # A replica that is away costs a page at most two seconds before it reads from the primary.
        DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "connect_timeout": 2}
        if env("DATABASE_REPLICA_POOLER", default="") == "pgbouncer":
            DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
            DATABASES["replica"]["OPTIONS"].pop("options", None)
            DATABASES["replica"]["OPTIONS"]["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=None)
else:
    # IMMEDIATE takes SQLite's write lock when a transaction starts, so two
    # concurrent read-then-write transactions serialise instead of one failing
    # with "database is locked" halfway through.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.db("DATABASE_URL")["NAME"]
            if DATABASE_URL
            else env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
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

DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# Reads of @replica_reads pages go to the replica (when DATABASES has one) unless turned off here.
REPLICA_READS = env.bool("REPLICA_READS", default=True)
# Past this lag (seconds behind the primary's last commit) the replica is not read from...
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=2.0)
# ...as checked at most this often per process (a replica found down is retried after as long).
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
# Models always read from the primary, even on replica pages: a shopper who just signed in,
# or just added to the cart, must not see the state from before on the next page.
REPLICA_PRIMARY_ONLY_APPS = {
    "sessions",
    "auth",
    "accounts",
    "cart",
    "constance",
    "account",
    "socialaccount",
    "favourites",
    "core",
}

# --- cache, sessions ---------------------------------------------------------

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is away is a cache miss (logged once per outage), see core/cache.py.
            "BACKEND": "core.cache.DegradingRedisCache",
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
# Template fragments of each process (`{% cache ... using="fragments" %}`) whose key names everything they
# show (the language, site settings, the catalog tree's version): no round trip to Redis, nothing to invalidate.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# The stock a product page shows is kept in the cache between writes (inventory.shown_stock): only
# in one every process shares, where a write anywhere ends it.
STOCK_SHOWN_CACHE = env.bool("STOCK_SHOWN_CACHE", default=bool(REDIS_URL))
# Tests set it: every figure served from that cache is checked against the database.
STOCK_SHOWN_VERIFY = False

# Sessions live in the cache (Redis in production) and in the database as a
# fallback, so web nodes stay stateless and a cache flush logs nobody out; while Redis is away
# the degrading cache makes every session read and write go to the database alone. Django's
# cached_db, its cache entry read with the request's shared keys (core.session_store).
SESSION_ENGINE = "core.session_store"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# --- store rules ---------------------------------------------------------------

# Units of one product a customer may hold in carts and open orders, unless the product sets its own.
MAX_UNITS_PER_CUSTOMER = env.int("MAX_UNITS_PER_CUSTOMER", default=5)
# Peru's IGV; every price in the store includes it.
IGV_RATE = Decimal("0.18")
# How long a cart's or checkout's reservation holds stock before it stops counting.
RESERVATION_MINUTES = env.int("RESERVATION_MINUTES", default=15)
# A customer may cancel an order this long after placing it, while nothing shipped.
ORDER_CANCEL_WINDOW_MINUTES = env.int("ORDER_CANCEL_WINDOW_MINUTES", default=30)
# Orders still pending payment after this long are cancelled (orders.tasks.cancel_unpaid_orders).
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=60)
# An order waiting for a payment made later (a PagoEfectivo CIP) holds its stock at most this long.
WAITING_PAYMENT_MAX_HOURS = env.int("WAITING_PAYMENT_MAX_HOURS", default=48)
# Anonymous carts hold stock for less time than signed-in customers' carts.
ANONYMOUS_RESERVATION_MINUTES = env.int("ANONYMOUS_RESERVATION_MINUTES", default=10)

# --- site settings ----------------------------------------------------------------

# Key/value settings administrators edit in the admin (django-constance, database backend).
# The values here are the defaults; the code reads them with core.site_settings.site_setting(KEY).
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
if REDIS_URL:
    # Reads come from Redis; constance refuses a per-process local-memory cache (stale values).
    CONSTANCE_DATABASE_CACHE_BACKEND = "default"
CONSTANCE_IGNORE_ADMIN_VERSION_CHECK = True
# Administrators (the role holding constance.change_config), not only the superuser, edit them.
CONSTANCE_SUPERUSER_ONLY = False
CONSTANCE_CONFIG = {
    "STORE_NAME": (STORE_NAME, _("Store name shown to shoppers and in e-mails"), str),
    "SUPPORT_EMAIL": (STORE_SUPPORT_EMAIL, _("Customer support e-mail"), str),
    "SUPPORT_PHONE": ("", _("Customer support phone"), str),
    # A believable demo number; set the store's own (or empty, to hide WhatsApp) in the admin.
    "WHATSAPP_NUMBER": ("51987654321", _("WhatsApp number for customer help, with country code (51...)"), str),
    # receipts: the issuer printed on every boleta, factura and nota de crédito
    "RECEIPTS_ISSUER_RUC": ("20601234565", _("Store RUC (issuer of the electronic receipts)"), "ruc"),
    "RECEIPTS_ISSUER_NAME": ("KALLPA STORE S.A.C.", _("Store legal name (razón social)"), str),
    "RECEIPTS_ISSUER_ADDRESS": ("Av. Javier Prado Este 1234, San Isidro, Lima", _("Store fiscal address"), str),
    # reviews
    "REVIEWS_AUTO_APPROVE_VERIFIED": (True, _("Publish reviews of verified purchases without moderation"), bool),
    "REVIEWS_REPORTS_TO_HIDE": (3, _("Reports that send a published review back to moderation"), int),
    "REVIEWS_INVITE_AFTER_DAYS": (5, _("Days after delivery to invite the customer to review"), int),
    # fulfilment (shipping)
    "SHIPPING_HANDLING_DAYS": (2, _("Business days a warehouse has to ship a paid order's leg"), int),
    "TRACKING_URL_OLVA": (
        "https://tracking.olvaexpress.pe/?tracking={number}",
        _("Olva Courier tracking page ({number} is replaced)"),
        str,
    ),
    "TRACKING_URL_SHALOM": (
        "https://rastrea.shalom.pe/?codigo={number}",
        _("Shalom tracking page ({number} is replaced)"),
        str,
    ),
    "TRACKING_URL_SERPOST": (
        "https://www.serpost.com.pe/rastreo?codigo={number}",
        _("Serpost tracking page ({number} is replaced)"),
        str,
    ),
    # returns
    "RETURN_WINDOW_DAYS": (30, _("Days after delivery a customer may ask to return products"), "days"),
    "STORE_CREDIT_EXPIRY_DAYS": (
        365,
        _("Days a store credit (vale de compra) can be spent after it is issued"),
        "credit_days",
    ),
    # --- settings: store rules read by the code (their env values above are the defaults) ---
    "ORDER_CANCEL_WINDOW_MINUTES": (
        ORDER_CANCEL_WINDOW_MINUTES,
        _("Minutes after placing an order a customer may cancel it (while nothing shipped)"),
        "minutes",
    ),
    "ORDER_PAYMENT_TIMEOUT_MINUTES": (
        ORDER_PAYMENT_TIMEOUT_MINUTES,
        _("Minutes an order waits for its payment before it is cancelled and its stock freed"),
        "minutes",
    ),
    "WAITING_PAYMENT_MAX_HOURS": (
        WAITING_PAYMENT_MAX_HOURS,
        _("Hours after placing an order its stock stays held for a payment made later (a CIP code, at most)"),
        "hours",
    ),
    "RESERVATION_MINUTES": (RESERVATION_MINUTES, _("Minutes a signed-in customer's cart holds stock"), "minutes"),
    "ANONYMOUS_RESERVATION_MINUTES": (
        ANONYMOUS_RESERVATION_MINUTES,
        _("Minutes a guest's cart holds stock"),
        "minutes",
    ),
    "FREE_SHIPPING_THRESHOLD": (
        Decimal("0.00"),
        _(
            "Order subtotal (S/) from which home delivery is free for shipping methods without their own threshold (0: never)"
        ),
        "money",
    ),
    "LOW_STOCK_EMAILS": (
        "",
        _("Addresses that receive low-stock alerts, separated by commas (empty: every warehouse operator)"),
        "email_list",
    ),
}
# Typed settings: the admin form refuses what the code could not use.
CONSTANCE_ADDITIONAL_FIELDS = {
    "minutes": ["django.forms.IntegerField", {"min_value": 1, "max_value": 7 * 24 * 60}],
    "hours": ["django.forms.IntegerField", {"min_value": 1, "max_value": 7 * 24}],
    "days": ["django.forms.IntegerField", {"min_value": 0, "max_value": 365}],
    "credit_days": ["django.forms.IntegerField", {"min_value": 1, "max_value": 5 * 365}],
    "money": ["django.forms.DecimalField", {"min_value": Decimal("0"), "max_digits": 10, "decimal_places": 2}],
    "email_list": ["core.setting_fields.EmailListField", {}],
    "ruc": ["accounts.fields.RucFormField", {}],  # stored as ASCII digits, whatever digits were typed
}
# A tuple keeps this order (constance sorts a dict's titles) and lets the titles be translated.
# Any number of fieldsets: the sections below add theirs.
CONSTANCE_CONFIG_FIELDSETS: "tuple[tuple[StrOrPromise, tuple[str, ...]], ...]" = (
    (_("Store and contact"), ("STORE_NAME", "SUPPORT_EMAIL", "SUPPORT_PHONE", "WHATSAPP_NUMBER")),
    (
        _("Orders and payment"),
        ("ORDER_CANCEL_WINDOW_MINUTES", "ORDER_PAYMENT_TIMEOUT_MINUTES", "WAITING_PAYMENT_MAX_HOURS"),
    ),
    (_("Cart and stock"), ("RESERVATION_MINUTES", "ANONYMOUS_RESERVATION_MINUTES", "LOW_STOCK_EMAILS")),
    (
        _("Shipping and tracking"),
        (
            "FREE_SHIPPING_THRESHOLD",
            "SHIPPING_HANDLING_DAYS",
            "TRACKING_URL_OLVA",
            "TRACKING_URL_SHALOM",
            "TRACKING_URL_SERPOST",
        ),
    ),
    (_("Electronic receipts"), ("RECEIPTS_ISSUER_RUC", "RECEIPTS_ISSUER_NAME", "RECEIPTS_ISSUER_ADDRESS")),
    (_("Reviews"), ("REVIEWS_AUTO_APPROVE_VERIFIED", "REVIEWS_REPORTS_TO_HIDE", "REVIEWS_INVITE_AFTER_DAYS")),
    (_("Returns"), ("RETURN_WINDOW_DAYS", "STORE_CREDIT_EXPIRY_DAYS")),
)

# --- SUNAT's daily paperwork (sunat): boletas one by one or in the resumen diario ---------
CONSTANCE_CONFIG["SUNAT_BOLETAS_SENDING"] = (
    "bill",
    _("How boletas and their notas reach SUNAT: one by one as they are issued, or in the daily summary"),
    "boletas_sending",
)
CONSTANCE_ADDITIONAL_FIELDS["boletas_sending"] = [
    "django.forms.fields.ChoiceField",
    {
        "widget": "django.forms.Select",
        "choices": (("bill", _("One by one (sendBill)")), ("summary", _("Daily summary (resumen diario)"))),
    },
]
CONSTANCE_CONFIG_FIELDSETS += ((_("SUNAT: daily summary and voiding"), ("SUNAT_BOLETAS_SENDING",)),)

# --- gift cards (credit) -----------------------------------------------
CONSTANCE_CONFIG["GIFT_CARD_EXPIRY_DAYS"] = (
    365,
    _("Days a gift card can be spent after it is paid for or issued"),
    "credit_days",
)
CONSTANCE_CONFIG_FIELDSETS += ((_("Gift cards"), ("GIFT_CARD_EXPIRY_DAYS",)),)
# Gift card codes tried (balance page, checkout) per client IP and per device ("key"): guessing codes.
GIFT_CARD_RATE_LIMIT = env("GIFT_CARD_RATE_LIMIT", default="10/10m/ip,5/10m/key")

# --- consumer law: Libro de Reclamaciones -----------------------------

# Who hears every morning of sheets near or past their 15-business-day deadline (empty: the
# support e-mail), and how many sheets one client may file (allauth's rate-limit format).
CONSTANCE_CONFIG["COMPLAINTS_ALERT_EMAILS"] = (
    "",
    _(
        "Addresses told of complaint sheets near or past their deadline, separated by commas (empty: the support e-mail)"
    ),
    "email_list",
)
CONSTANCE_CONFIG_FIELDSETS += ((_("Libro de Reclamaciones"), ("COMPLAINTS_ALERT_EMAILS",)),)
COMPLAINTS_FILE_RATE_LIMIT = env("COMPLAINTS_FILE_RATE_LIMIT", default="10/h/ip,5/h/key")
# Closing an account checks its password: tries per client and per account, as at sign-in.
ACCOUNT_CLOSE_RATE_LIMIT = env("ACCOUNT_CLOSE_RATE_LIMIT", default="10/15m/ip,5/15m/key")

# --- personal data (Ley 29733): retention terms (privacy.services.retention_apply, daily) ---
CONSTANCE_CONFIG["RETENTION_CART_RECORDS_DAYS"] = (
    30,
    _("Days an abandoned cart's records (IP address, device, a guest's e-mail) are kept"),
    "retention_days",
)
CONSTANCE_CONFIG["RETENTION_CART_REMINDERS_DAYS"] = (
    90,
    _("Days a forgotten-cart reminder (e-mail and the cart's lines) is kept after it was sent"),
    "retention_days",
)
CONSTANCE_CONFIG["RETENTION_GATEWAY_LOG_DAYS"] = (
    400,
    _("Days payment gateway logs and webhook bodies are kept (disputes and chargebacks need them)"),
    "retention_days",
)
CONSTANCE_CONFIG["RETENTION_CONSENT_IP_DAYS"] = (
    365,
    _("Days the IP address of a consent is kept (the consent itself stays)"),
    "retention_days",
)
# At least three days: a cart lives 48 hours in Redis and its hold caps count its client record.
CONSTANCE_ADDITIONAL_FIELDS["retention_days"] = ["django.forms.IntegerField", {"min_value": 3, "max_value": 3650}]
CONSTANCE_CONFIG_FIELDSETS += (
    (
        _("Personal data: retention"),
        (
            "RETENTION_CART_RECORDS_DAYS",
            "RETENTION_CART_REMINDERS_DAYS",
            "RETENTION_GATEWAY_LOG_DAYS",
            "RETENTION_CONSENT_IP_DAYS",
        ),
    ),
)

# --- alerts: "Avísame" and forgotten carts -----------------------------
CONSTANCE_CONFIG["CART_REMINDER_HOURS"] = (
    24,
    _("Hours a cart stays untouched before its owner (with marketing consent) is reminded of it, once"),
    "reminder_hours",
)
# Its own field type: "hours" (up to a week) serves other settings; a reminder comes within two days.
CONSTANCE_ADDITIONAL_FIELDS["reminder_hours"] = ["django.forms.IntegerField", {"min_value": 1, "max_value": 47}]
CONSTANCE_CONFIG_FIELDSETS += ((_("Shopper alerts"), ("CART_REMINDER_HOURS",)),)
# "Avísame" requests per client (each may send a confirmation e-mail): allauth's rate-limit format.
STOCK_ALERT_RATE_LIMIT = env("STOCK_ALERT_RATE_LIMIT", default="10/m/ip,20/h/key")

# --- the marketplace's sellers in the back office ---------------------
CONSTANCE_CONFIG["SELLER_PRODUCTS_NEED_REVIEW"] = (
    True,
    _("Sellers' products wait for staff approval before they are shown in the shop"),
    bool,
)
CONSTANCE_CONFIG_FIELDSETS += ((_("Marketplace sellers"), ("SELLER_PRODUCTS_NEED_REVIEW",)),)

# Failed guest order look-ups per client: per IP and per device cookie ("key"), never per order
# number, so a stranger cannot lock a guest out of their order (allauth's rate-limit format).
ORDER_LOOKUP_RATE_LIMIT = env("ORDER_LOOKUP_RATE_LIMIT", default="10/m/ip,5/5m/key")
# Reviews written or edited per user (allauth's rate-limit format).
REVIEWS_POST_RATE_LIMIT = env("REVIEWS_POST_RATE_LIMIT", default="5/10m/user,20/d/user")

# --- fair use and failure -------------------------------------------

# Units of one product one client may hold across all its carts: by client IP (several people
# may share one, behind a carrier's NAT) and by device cookie (one browser).
CLIENT_HOLD_LIMIT_PER_IP = env.int("CLIENT_HOLD_LIMIT_PER_IP", default=20)
CLIENT_HOLD_LIMIT_PER_DEVICE = env.int("CLIENT_HOLD_LIMIT_PER_DEVICE", default=10)
# Add-to-cart requests per client IP and per device ("key"); stricter for a product in a live drop.
# Whole storefront pages cached for anonymous shoppers (storefront.page_cache); off only to look at
# the render path (the suite's query ceilings do).
STOREFRONT_PAGE_CACHE = env.bool("STOREFRONT_PAGE_CACHE", default=True)
CART_ADD_RATE_LIMIT = env("CART_ADD_RATE_LIMIT", default="60/m/ip,30/m/key")
CART_ADD_DROP_RATE_LIMIT = env("CART_ADD_DROP_RATE_LIMIT", default="12/m/ip,6/m/key")
# While Redis is away, callers skip it for this many seconds before trying again.
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5)
# promotions: coupon codes that do not apply, per client IP and per cart (guessing codes).
COUPON_RATE_LIMIT = env("COUPON_RATE_LIMIT", default="20/10m/ip,10/10m/key")

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
# Mercado Pago: the access token (TEST-... or APP_USR-...), the webhook's secret signature (Tus
# integraciones > Webhooks), how old (seconds) a signed notification may be, the API timeout, and
# whether to send shoppers to the sandbox checkout.
MERCADOPAGO_ACCESS_TOKEN = env("MERCADOPAGO_ACCESS_TOKEN", default="")
MERCADOPAGO_WEBHOOK_SECRET = env("MERCADOPAGO_WEBHOOK_SECRET", default="")
MERCADOPAGO_WEBHOOK_TOLERANCE = env.int("MERCADOPAGO_WEBHOOK_TOLERANCE", default=300)
MERCADOPAGO_TIMEOUT = env.int("MERCADOPAGO_TIMEOUT", default=15)
MERCADOPAGO_SANDBOX = env.bool("MERCADOPAGO_SANDBOX", default=False)
# Culqi: the public key (pk_…: Culqi.js and Yape tokens in the browser's name), the secret key
# (sk_…: charges, orders, refunds), the secret in the webhook URL set in CulqiPanel (Culqi signs
# nothing: docs/payments.md), the API timeout, and how long a PagoEfectivo CIP stays payable.
CULQI_PUBLIC_KEY = env("CULQI_PUBLIC_KEY", default="")
CULQI_SECRET_KEY = env("CULQI_SECRET_KEY", default="")
CULQI_WEBHOOK_SECRET = env("CULQI_WEBHOOK_SECRET", default="")
CULQI_TIMEOUT = env.int("CULQI_TIMEOUT", default=15)
CULQI_CIP_HOURS = env.int("CULQI_CIP_HOURS", default=24)

# --- electronic receipts (SUNAT): signing certificate and sending service -----

# A PEM (certificate + key) or PFX/P12 file and its password; without it receipts are not signed.
SUNAT_CERT_PATH = env("SUNAT_CERT_PATH", default="")
SUNAT_CERT_PASSWORD = env("SUNAT_CERT_PASSWORD", default="")
# SUNAT's billService or an OSE's (same sendBill operation); without a URL receipts wait unsent.
SUNAT_SEND_URL = env("SUNAT_SEND_URL", default="")
# billConsultService (getStatusCdr: does SUNAT have a document whose answer was lost); empty: the
# billService URL (an OSE serves both there).
SUNAT_CONSULT_URL = env("SUNAT_CONSULT_URL", default="")
SUNAT_SEND_USER = env("SUNAT_SEND_USER", default="")
SUNAT_SEND_PASSWORD = env("SUNAT_SEND_PASSWORD", default="")
SUNAT_SEND_TIMEOUT = env.int("SUNAT_SEND_TIMEOUT", default=30)
# Guías de remisión (despatch.gre): SUNAT's GRE REST API, OAuth2 password grant with the API
# client registered in SUNAT Operaciones en Línea and the SOL user. Without a client guías wait unsent.
SUNAT_GRE_CLIENT_ID = env("SUNAT_GRE_CLIENT_ID", default="")
SUNAT_GRE_CLIENT_SECRET = env("SUNAT_GRE_CLIENT_SECRET", default="")
SUNAT_GRE_USER = env("SUNAT_GRE_USER", default=SUNAT_SEND_USER)
SUNAT_GRE_PASSWORD = env("SUNAT_GRE_PASSWORD", default=SUNAT_SEND_PASSWORD)
SUNAT_GRE_TOKEN_URL = env(
    "SUNAT_GRE_TOKEN_URL", default="https://api-seguridad.sunat.gob.pe/v1/clientessol/{client_id}/oauth2/token/"
)
SUNAT_GRE_API_URL = env("SUNAT_GRE_API_URL", default="https://api-cpe.sunat.gob.pe")
SUNAT_GRE_TIMEOUT = env.int("SUNAT_GRE_TIMEOUT", default=30)
# What a leg that needs a guía needs to leave: accepted | issued | off (unset: accepted once GRE
# sending is configured, off without it; docs/sunat.md).
SUNAT_GRE_GATE = env("SUNAT_GRE_GATE", default="")

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
# The worker survives the broker and the result backend going away and coming back: it retries
# the connection for ever (at start-up too, before compose's Redis answers), never exits over a
# lost connection (config/celery.py ReconnectingConsumer), and a result it cannot store is
# retried instead of failing the task.
CELERY_WORKER_CONSUMER = "config.celery:ReconnectingConsumer"
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
# A task sleeping in a worker until its retry (countdown/ETA) is an unacknowledged message in Redis:
# past the visibility timeout Redis hands it to another worker as well. The timeout is therefore
# longer than the longest retry countdown (TASK_RETRY_MAX_SECONDS); tests/core/test_celery.py
# checks it. A message lost with a worker is restored after it, and the sweeps (core.jobs)
# re-enqueue overdue work long before.
TASK_RETRY_MAX_SECONDS = 2 * 60 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_RETRY_MAX_SECONDS + 60 * 60}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 5.0}}
# A broker that is away is noticed within about a second; the task then runs inline
# (config/celery.py BrokerResilientTask) instead of making the page wait or fail.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Heartbeats (core.heartbeats): each worker's while it is connected to the broker, the scheduler's;
# /healthz calls one stale past WORKER_STALE_SECONDS / SCHEDULER_STALE_SECONDS.
CELERY_BEAT_SCHEDULER = "core.heartbeats:HeartbeatScheduler"
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=15)
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=60)
SCHEDULER_HEARTBEAT_SECONDS = env.float("SCHEDULER_HEARTBEAT_SECONDS", default=30)
SCHEDULER_STALE_SECONDS = env.float("SCHEDULER_STALE_SECONDS", default=120)
# Pending work (core.jobs): overdue once its task should have run this long ago; swept this often,
# at most this many rows of a kind per sweep; /healthz reports the oldest overdue row.
JOBS_OVERDUE_GRACE_SECONDS = env.float("JOBS_OVERDUE_GRACE_SECONDS", default=120)
JOBS_SWEEP_SECONDS = env.float("JOBS_SWEEP_SECONDS", default=60)
JOBS_SWEEP_BATCH = env.int("JOBS_SWEEP_BATCH", default=500)
# E-mails older than this are not sent any more (nor counted as overdue).
JOBS_MAX_AGE_DAYS = env.int("JOBS_MAX_AGE_DAYS", default=3)
# A webhook event that must wait for another is tried again after 30 s, 1 min, 2 min ... an hour.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)
# Work overdue for longer than this makes /healthz "degraded" (the shop still takes payments).
JOBS_OVERDUE_ALERT_SECONDS = env.float("JOBS_OVERDUE_ALERT_SECONDS", default=15 * 60)
# /healthz counts the backlog at most this often per process (it is probed every few seconds).
HEALTH_BACKLOG_CACHE_SECONDS = env.float("HEALTH_BACKLOG_CACHE_SECONDS", default=15)
# `make run` (no broker): runserver runs the beat schedule in a thread of its own (core.scheduler).
IN_PROCESS_SCHEDULER = env.bool("IN_PROCESS_SCHEDULER", default=not CELERY_BROKER_URL)
# Filled by the capabilities: reservation expiry, unpaid-order cancellation, ...
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Housekeeping only: expired reservations stop counting even when this has not run.
    "inventory.expire_reservations": {"task": "inventory.expire_reservations", "schedule": 60.0},
    # Every minute, so an unpaid order expires on time (pages and payments also expire it when they touch it).
    "orders-cancel-unpaid": {"task": "orders.tasks.cancel_unpaid_orders", "schedule": 60.0},
    # promotions: discounted prices listings sort on, at windows' boundaries (each discount also
    # schedules its own start and end); the cart and checkout read the discounts themselves.
    "promotions-sync-discount-prices": {"task": "promotions.sync_discount_prices", "schedule": 60.0},
    # catalog: scheduled price changes at their start and end (each also enqueues its boundaries).
    "catalog-apply-scheduled-prices": {"task": "catalog.apply_scheduled_prices", "schedule": 60.0},
    # catalog: the facet counts kept per category, counted again where a lost task, a launch or the hour left them.
    "catalog-refresh-category-counts": {"task": "catalog.refresh_category_counts", "schedule": 60.0},
    # Overdue pending work of every kind (core.jobs: webhook events, receipts, e-mails, refunds,
    # shipments), each kind at its own interval.
    "core-sweep-overdue": {"task": "core.sweep_overdue", "schedule": JOBS_SWEEP_SECONDS},
    "reviews-invitations": {"task": "reviews.tasks.send_review_invitations", "schedule": 60 * 60},
    "reviews-seller-reputations": {
        "task": "reviews.tasks.compute_seller_reputations",
        "schedule": crontab(hour=3, minute=15),
    },
}

# alerts: launch alerts as drops start (and any waiting alert whose units are there), and
# forgotten-cart reminders.
CELERY_BEAT_SCHEDULE["alerts-send-due"] = {"task": "alerts.tasks.send_due_alerts", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["alerts-cart-reminders"] = {"task": "alerts.tasks.send_cart_reminders", "schedule": 15 * 60.0}

# Gift cards e-mailed on their delivery date (credit), each once.
CELERY_BEAT_SCHEDULE["credit-deliver-gift-cards"] = {"task": "credit.tasks.deliver_due_gift_cards", "schedule": 60.0}

# Personal data past its retention term dropped (privacy.tasks), at night, Lima time.
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.tasks.apply_retention",
    "schedule": crontab(hour=3, minute=45),
}

# The Libro de Reclamaciones' morning alert.
CELERY_BEAT_SCHEDULE["complaints-due-alert"] = {
    "task": "complaints.tasks.alert_due_complaints",
    "schedule": crontab(hour=8, minute=30),
}

# SUNAT: the resúmenes diarios of the closed days still owed (sunat.tasks).
CELERY_BEAT_SCHEDULE["sunat-daily-summaries"] = {"task": "sunat.tasks.send_daily_summaries", "schedule": 15 * 60.0}

# The daily payment reconciliation (reconciliation.tasks, looked at every 15 minutes): yesterday's, from this hour (Lima) on, when
# the gateways' lists have settled (PayPal's search takes up to three hours); each gateway is read with
# this margin around the day, as a payment taken before midnight may be recorded after it, and a CIP
# paid on the day was made up to WAITING_PAYMENT_MAX_HOURS before.
CELERY_BEAT_SCHEDULE["reconciliation-daily"] = {
    "task": "reconciliation.tasks.reconcile_due_days",
    "schedule": 15 * 60.0,
}
RECONCILIATION_HOUR = env.int("RECONCILIATION_HOUR", default=6)
RECONCILIATION_MARGIN_HOURS = env.int("RECONCILIATION_MARGIN_HOURS", default=48)

# --- gateway logs, e-mail ----------------------------------------------------

MONGO_URL = env("MONGO_URL", default="")

if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Every e-mail gets the request id header (core.request_log), then goes out through the backend above.
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "core.request_log.RequestIdEmailBackend"
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

# Django's and allauth's backends, each reading signed-in users from the cache (accounts.user_cache).
AUTHENTICATION_BACKENDS = [
    "accounts.user_cache.CachedModelBackend",
    "accounts.user_cache.CachedAuthenticationBackend",
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "storefront:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "storefront:home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
# Shoppers may buy before confirming their address; the confirmation mail is
# still sent and the verified flag is what later features check.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# The account is made after the sign-up's answer (accounts.signup), so the link cannot sign in the
# browser that asked: it confirms the address, and the password signs in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
# Sign-up and password reset answer the same for known and unknown addresses; the owner of
# a known address gets an e-mail instead ("an account already exists", "no account").
ACCOUNT_PREVENT_ENUMERATION = True
# A sign-up answers "confirm your e-mail" whatever the address, and makes the account after the
# answer (accounts.signup); signing in never asks for a confirmed address.
ACCOUNT_FORMS = {
    "signup": "accounts.signup.EnumerationSafeSignupForm",
    "reset_password": "accounts.password_reset.EnumerationSafeResetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{STORE_NAME}] "
# The admin's history is read-only: no "Revert" (core.admin.ScopedHistoryAdmin refuses the form too).
SIMPLE_HISTORY_REVERT_DISABLED = True

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins per client address, and per account *from* that address (the adapter's key
    # is account + address): a guesser is throttled, the owner elsewhere is never locked out.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # Not in the request: whether a mail was held back changed the answer (no "we sent you a
    # link" message), and a held-back mail told a taken address. The worker holds back instead
    # (ACCOUNT_MAIL_RATE_PER_ADDRESS).
    "confirm_email": None,
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Confirmation and "you already have an account" e-mails per address, counted when the worker
# sends them (accounts.tasks.send_account_email): one every 3 minutes, as allauth's confirm_email.
ACCOUNT_MAIL_RATE_PER_ADDRESS = "1/3m/key"

# --- i18n, time --------------------------------------------------------------

LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # es-PE numbers: 4,348.54 (config/formats/es_PE)
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
STORAGES: dict[str, dict[str, typing.Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- security shared by every environment -------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# A form without a valid token gets a page in the shopper's language that sets the cookie (core.views).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from this site or with the
# page's nonce; nothing inline. Every environment sends it, so development and the browser tests
# see what production enforces.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, "https:"],
        "frame-ancestors": [NONE],
    },
}

# --- staff second factor -------------------------------------------------------

# Anyone with back-office access (is_staff: staff and sellers) signs in to the admin with a TOTP code
# after the password, and sets one up before any admin page (core.staff_mfa). On in production
# settings; off for `make run` and tests unless a test turns it on. Customers are never forced.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]  # WebAuthn (passkeys) stays off
MFA_TOTP_ISSUER = STORE_NAME
MFA_RECOVERY_CODE_COUNT = 10

# --- logging -----------------------------------------------------------------

# The request id (X-Request-ID, docs/operations/logging.md): taken from the proxy when it is a
# valid UUID (nginx's $request_id is 32 hex digits), made otherwise, returned in the response.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "EXPOSE_HEADER": False}
# "json": one JSON object per line (production); "plain" for a terminal (`make run`).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
# The client's address in the access log line (personal data under Ley 29733: off unless needed).
LOG_CLIENT_IP = env.bool("LOG_CLIENT_IP", default=False)
from pythonjsonlogger.core import RESERVED_ATTRS as JSON_LOG_RESERVED_ATTRS  # noqa: E402

LOGGING: dict[str, typing.Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",  # ISO 8601 with the offset: aggregators read it as is
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # django.request's records carry the request object: never serialised into a line.
            "reserved_attrs": [*JSON_LOG_RESERVED_ATTRS, "request"],
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django_guid": {"level": "ERROR"}},
}

# Errors to Sentry when a DSN is set: no personal data (send_default_pii off: no user, IP, cookies
# or bodies, no query strings), the request id as a tag (core.request_log), no performance tracing.
# Frames' local variables stay home too: a view's locals hold forms, addresses and documents.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_OPTIONS = {
    "send_default_pii": False,
    "include_local_variables": False,
    "environment": env("SENTRY_ENVIRONMENT", default="production"),
    "traces_sample_rate": 0,
}
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, **SENTRY_OPTIONS)

# django-import-export (catalog and stock imports in the admin): every import is one transaction,
# importing needs the model's change permission and exporting its view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The uploaded file waits between preview and confirm in the media storage, which every web node
# shares (a local temp folder would break when the confirm reaches another node).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

# --- refunds (payments): what a shopper whose money goes back is told ------
CONSTANCE_CONFIG["REFUND_APPROVAL_BUSINESS_DAYS"] = (
    2,
    _("Business days staff take to approve a requested refund (the shopper is told)"),
    "days",
)
CONSTANCE_CONFIG["REFUND_BANK_BUSINESS_DAYS"] = (
    10,
    _("Business days a card or account may take to show a refund once made (the shopper is told)"),
    "days",
)
CONSTANCE_CONFIG_FIELDSETS += ((_("Refunds"), ("REFUND_APPROVAL_BUSINESS_DAYS", "REFUND_BANK_BUSINESS_DAYS")),)

# The waiting room (waitingroom app, docs/operations/waiting-room.md): what passes it without queueing
# (static files, uploads, health, metrics, payments' pages and webhooks, the admin), and how long a
# process keeps the room's settings before reading them again (every node follows a change within it).
WAITING_ROOM_EXEMPT_PREFIXES = [STATIC_URL, MEDIA_URL, "/admin/", "/payments/", "/metrics", "/__debug__/"]
WAITING_ROOM_EXEMPT_PATHS = ["/healthz", "/robots.txt", "/favicon.ico"]
WAITING_ROOM_STAFF_PREFIX = "/admin/"
WAITING_ROOM_STATE_SECONDS = env.float("WAITING_ROOM_STATE_SECONDS", default=1.0)
# Once the requests in flight fall back under the threshold, the room stays on this long more.
WAITING_ROOM_OVERLOAD_HOLD_SECONDS = env.float("WAITING_ROOM_OVERLOAD_HOLD_SECONDS", default=30.0)
# With a cap on the shoppers inside, a shopper counts as inside while seen within this many seconds:
# about how long the store's shoppers read a page (a minute; the mixed-load bench's, who pause under a
# second, 10). A shopper in line has left once not seen for the other: twice the waiting page's
# longest refresh (waitingroom.page.refresh_seconds: 37.5 s).
WAITING_ROOM_ACTIVE_SECONDS = env.float("WAITING_ROOM_ACTIVE_SECONDS", default=60.0)
WAITING_ROOM_GONE_FROM_LINE_SECONDS = env.float("WAITING_ROOM_GONE_FROM_LINE_SECONDS", default=75.0)
# The waiting page's estimate follows how many shoppers the line let in a second over this long.
WAITING_ROOM_PACE_SECONDS = env.float("WAITING_ROOM_PACE_SECONDS", default=15.0)

# /metrics (monitoring app, docs/operations/metrics.md): answered to scrapers inside these networks
# that reach a node directly (never through the proxy, which refuses it too), or to anyone sending
# "Authorization: Bearer <METRICS_TOKEN>" when a token is set. The Celery queues whose length it reports.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])
# A Celery worker serves its own task counters on this port when set (its processes' metrics, added up
# from PROMETHEUS_MULTIPROC_DIR); 0: not served.
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
