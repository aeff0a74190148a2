import pytest
from django.test import override_settings
from django.urls import reverse

from config.celery import app as celery_app
from tests.conftest import require_env

pytestmark = pytest.mark.django_db

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


@pytest.fixture
def real_broker():
    """Talk to the configured broker instead of running tasks inline."""
    require_env("CELERY_BROKER_URL")
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_ok_on_the_real_stack(client, real_broker):
    require_env("DATABASE_URL", "REDIS_URL")

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_embedded_broker_reports_eager(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["broker"] == "eager"


@override_settings(CACHES=CLOSED_PORT_CACHE)
def test_unreachable_redis_gives_503_naming_the_cache(client):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["cache"].startswith("error:")
    assert body["database"] == "ok"


def test_unreachable_broker_gives_503_naming_the_broker(client, real_broker, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["broker"].startswith("error:")


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405
