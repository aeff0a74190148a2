"""Settings are read at start-up, so each case runs in a fresh interpreter with its own environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARS = (
    "DATABASE_URL",
    "DATABASE_POOLER",
    "DATABASE_PREPARE_THRESHOLD",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "MONGO_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
)

PRINT_SETTINGS = """
import json, sys, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "transaction_mode": db.get("OPTIONS", {}).get("transaction_mode"),
    "server_side_binding": db.get("OPTIONS", {}).get("server_side_binding"),
    "prepare_threshold": db.get("OPTIONS", {}).get("prepare_threshold"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_DELIVERY_BACKEND,  # what core.request_log.RequestIdEmailBackend hands the mail to
    "mongo": settings.MONGO_URL,
    "time_zone": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "hasher": settings.PASSWORD_HASHERS[0],
    "started_with_fpdf": "fpdf" in sys.modules,
}))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith("DJANGO_")}
    # An empty .env path keeps a developer's local .env out of these checks.
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(**env: str) -> dict:
    result = run(["-c", PRINT_SETTINGS], DJANGO_SETTINGS_MODULE="config.settings.base", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults_with_no_environment():
    s = settings_under()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["transaction_mode"] == "IMMEDIATE"
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["eager"] is True
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["mongo"] == ""
    assert (s["time_zone"], s["language"]) == ("America/Lima", "es-pe")
    assert s["hasher"].endswith("Argon2PasswordHasher")
    # fpdf2 is a fifth of a process' start and most processes never print: core.pdf_text loads it.
    assert s["started_with_fpdf"] is False


def test_a_sqlite_url_is_the_embedded_database_in_that_file(tmp_path):
    # It used to get PostgreSQL's connection options, which SQLite refuses at the first query.
    path = tmp_path / "other.sqlite3"
    query = "import django; django.setup(); from django.db import connection; connection.cursor().execute('SELECT 1')"
    result = run(["-c", query], DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert path.exists()
    s = settings_under(DATABASE_URL=f"sqlite:///{path}")
    assert (s["engine"], s["transaction_mode"]) == ("django.db.backends.sqlite3", "IMMEDIATE")


def test_each_variable_switches_its_part_to_the_real_service():
    s = settings_under(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tienda",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
        MONGO_URL="mongodb://127.0.0.1:27017/tienda",
        EMAIL_URL="smtp+tls://user:secret@mail.example.pe:587",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["server_side_binding"], s["prepare_threshold"]) == (True, 5)
    assert s["cache"] == "core.cache.DegradingRedisCache"
    assert s["eager"] is False
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["mongo"] == "mongodb://127.0.0.1:27017/tienda"


def test_behind_pgbouncer_no_statement_is_prepared_unless_told_it_keeps_them():
    """Debian's pgbouncer 1.18 runs a client's next transaction on any server connection, where a
    statement prepared on another is unknown; 1.21 and later carry them (max_prepared_statements)."""
    pooled = {"DATABASE_URL": "postgres://postgres@127.0.0.1:6432/tienda", "DATABASE_POOLER": "pgbouncer"}
    s = settings_under(**pooled)
    assert (s["server_side_binding"], s["prepare_threshold"]) == (True, None)
    s = settings_under(**pooled, DATABASE_PREPARE_THRESHOLD="5")
    assert s["prepare_threshold"] == 5


def test_a_query_run_again_on_a_connection_is_planned_no_more(db):
    """After its fifth run a query is prepared on the connection: PostgreSQL keeps its plan
    (docs/performance.md). On PostgreSQL, the database CI tests."""
    from django.db import connection

    from catalog.models import Product

    if connection.vendor != "postgresql":
        pytest.skip("checked on PostgreSQL")
    for _ in range(6):
        list(Product.objects.filter(slug="una-que-no-existe").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ['%"slug" = $1%'])
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 1 and prepared[0].startswith('SELECT "catalog_product"."id"'), prepared


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "tienda.example.pe",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tienda",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
}


def test_production_passes_check_deploy(tmp_path):
    # What collectstatic leaves behind (the deploy check looks for the manifest; see
    # tests/core/test_static_files.py for the real collection and the check failing without it).
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(64),
        STATIC_ROOT=str(tmp_path),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run(["manage.py", "check"], **PRODUCTION_ENV)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_the_development_key():
    result = run(["manage.py", "check"], SECRET_KEY="dev-only-insecure-key-do-not-use-in-production", **PRODUCTION_ENV)

    assert result.returncode != 0
    assert "SECRET_KEY is too short or is the development key" in result.stderr


def _reads_constance_directly(path: Path) -> bool:
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module in ("constance", "constance.utils")
            and any(alias.name in ("config", "get_values_for_keys") for alias in node.names)
        ):
            return True
    return False


def test_site_settings_are_read_through_one_cached_reader():
    # constance's config.X writes a missing key's default on first read (a settings write: the
    # catalog version moves and the page cache empties) and hands an awaitable inside an event
    # loop; core.site_settings reads every key in one cached read. The demo writes settings.
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in {".venv", "tests", "demo", "bench", "config"}
        and "migrations" not in path.parts
        and path.name != "site_settings.py"
        and _reads_constance_directly(path)
    )
    assert offenders == []
