"""Probes of the parts the store needs; each answers "ok", "eager" or an error text."""

import uuid

from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app

from .resilience import redis_is_down

OK = "ok"
EAGER = "eager"


def _describe(error: Exception) -> str:
    return f"error: {type(error).__name__}: {error}"[:300]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is a state to report, not to raise
        return _describe(error)
    return OK


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return _describe(error)
    if redis_is_down():
        return "error: Redis is unavailable (the store is degrading: catalog from the database, cart closed)"
    return OK if value == "1" else "error: the cache did not return what was written"


def check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return EAGER
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:
        return _describe(error)
    return OK


def system_status() -> dict[str, str]:
    return {"database": check_database(), "cache": check_cache(), "broker": check_broker()}


def is_healthy(status: dict[str, str]) -> bool:
    return all(state in (OK, EAGER) for state in status.values())
