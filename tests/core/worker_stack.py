"""A Redis of a test's own and a real Celery worker (prefork, 2 children, with its beat) consuming
from it, on the test's database: for the fault tests and the recovery bench."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.core.redis_server import OwnRedis, caching_in, publishing_to

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, *, timeout: float, what: str, every: float = 0.25, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    tail = log.read_text()[-6000:] if log is not None and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Stack:
    """The test's Redis, a worker (with beat) on it, and this process pointed at it."""

    def __init__(self, tmp_path: Path):
        self.dir = tmp_path
        self.redis = OwnRedis(persistent=True).start()
        self.worker: subprocess.Popen | None = None
        self.log = tmp_path / "worker.log"

    def start_worker(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": f"{self.redis.url}/0",
            "CELERY_BROKER_URL": f"{self.redis.url}/1",
            "CELERY_RESULT_BACKEND": f"{self.redis.url}/2",
            "FAULT_DIR": str(self.dir),
            "CACHE_KEY_PREFIX": "faults",
        }
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "--concurrency=2",
                "--loglevel=INFO",
                "-n",
                f"faults-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def mail_lines(self) -> list[str]:
        path = self.dir / "mail.log"
        return path.read_text().splitlines() if path.exists() else []

    def worker_output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    @contextmanager
    def used_here(self):
        """This process publishes to the stack's Redis (tasks no longer run inline) and caches in it."""
        from core.resilience import broker_outage, redis_outage

        try:
            with publishing_to(f"{self.redis.url}/1"), caching_in(self.redis):
                yield self
        finally:
            redis_outage.reset()
            broker_outage.reset()

    def stop(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.redis.stop()
