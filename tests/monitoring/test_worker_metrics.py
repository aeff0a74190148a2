"""A real Celery worker (prefork, two children) counts the tasks that raised and serves the count on
WORKER_METRICS_PORT, its children's counts added up from PROMETHEUS_MULTIPROC_DIR."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from celery import Celery
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def failures_counted(url: str) -> float:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body = response.read().decode()
    except OSError:
        return -1
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "tienda_celery_tasks_failed_total" and sample.labels.get("task") == "celery.chunks"
    )


@pytest.fixture
def worker():
    redis_server = shutil.which("redis-server")
    assert redis_server, "redis-server is missing: `make test-deps` installs it"
    folder = Path(tempfile.mkdtemp(prefix="tienda-worker-metrics-"))
    redis_port, metrics_port = free_port(), free_port()
    redis = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    broker = f"redis://127.0.0.1:{redis_port}/1"
    log = folder / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
        "DATABASE_URL": f"sqlite:///{folder}/empty.sqlite3",  # the failing task needs no database
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{redis_port}/2",
        "FAULT_DIR": str(folder),
        "WORKER_METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "--loglevel=INFO",
         "-n", "metrics@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield {"broker": broker, "metrics": f"http://127.0.0.1:{metrics_port}/metrics", "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_worker_counts_failed_tasks_and_serves_them(worker, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment over the broker it is given (CI exports
    # one): without this the tasks went to CI's broker, not this worker's.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    deadline = time.monotonic() + 60
    while failures_counted(worker["metrics"]) < 0:  # the port opens once the worker is ready
        assert time.monotonic() < deadline, worker["log"].read_text()[-3000:]
        time.sleep(0.3)
    assert failures_counted(worker["metrics"]) == 0
    # Not the current app: shared tasks (core.tasks.ping) follow the current app, and later tests in
    # this process would send theirs to this worker's broker, gone by then.
    publisher = Celery(broker=worker["broker"], set_as_current=False)
    for _ in range(4):
        # Celery's own task called without its arguments: it raises in the worker (a TypeError).
        publisher.send_task("celery.chunks", args=[])
    while failures_counted(worker["metrics"]) < 4:
        assert time.monotonic() < deadline, worker["log"].read_text()[-3000:]
        time.sleep(0.3)
    assert failures_counted(worker["metrics"]) == 4
