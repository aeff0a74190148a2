"""A Redis server of a test's own, on a free port, that the test may stop and start again."""

import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

import redis
from django.conf import settings

from tests.servers import free_port


class OwnRedis:
    def __init__(self, *, persistent: bool = False):
        # persistent: an append-only file synced on every write, as docker-compose.yml runs Redis.
        self.persistent = persistent
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `make test-deps`")
        self.binary = binary
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="tienda-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> "OwnRedis":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                self.dir,
                "--appendonly",
                "yes" if self.persistent else "no",
                "--appendfsync",
                "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if client.ping():
                    return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def cache_settings(self, db: int = 0) -> dict:
        return {
            "default": {
                "BACKEND": "core.cache.DegradingRedisCache",
                "LOCATION": f"{self.url}/{db}",
                "KEY_PREFIX": "faults",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
            },
            "fragments": settings.CACHES["fragments"],  # the layout's, per process (templates name it)
        }


@contextmanager
def publishing_to(broker_url: str):
    """This process sends tasks to `broker_url` (not inline) until the block ends."""
    from config.celery import app as celery_app

    conf = celery_app.conf
    previous = conf.broker_url, conf.broker_write_url, conf.task_always_eager
    conf.broker_url = conf.broker_write_url = broker_url
    conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.broker_write_url, conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@contextmanager
def caching_in(server: OwnRedis):
    """This process caches in `server`'s Redis until the block ends, the site settings included.

    django-constance keeps one backend per `LazyConfig` (constance's own `config`, and the ones of its
    admin, forms and utils), each with the cache object it was built with, each listening for saves of
    a setting. Every one is built here first, on the suite's cache, then pointed at the cache proxy for
    the block and given its own cache back after. (One first built inside the block kept this Redis
    after it was gone: every later test that saved a setting took the cache for down.)"""
    import constance
    import constance.admin
    import constance.forms
    import constance.utils
    from django.core.cache import cache
    from django.test import override_settings

    backends = {
        id(backend): backend
        for backend in (
            lazy._backend
            for lazy in (constance.config, constance.admin.config, constance.forms.config, constance.utils.config)
        )
    }.values()
    kept = [(backend, getattr(backend, "_cache", None)) for backend in backends]
    with override_settings(CACHES=server.cache_settings(), REDIS_RETRY_SECONDS=0):
        for backend, own in kept:
            if own is not None:
                backend._cache = cache
        try:
            yield
        finally:
            for backend, own in kept:
                if own is not None:
                    backend._cache = own
