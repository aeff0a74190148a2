import os
import subprocess
import sys
import uuid
from pathlib import Path

from celery.result import allow_join_result

from config.celery import app as celery_app
from core.tasks import ping
from tests.harness import require_env

ROOT = Path(__file__).resolve().parents[2]


def test_configuration():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.timezone == "America/Lima"
    assert isinstance(conf.beat_schedule, dict)
    assert "core.ping" in celery_app.tasks  # autodiscovery found the apps' tasks


def test_the_worker_is_configured_to_survive_the_broker_going_away(settings):
    conf = celery_app.conf
    assert conf.worker_consumer == "config.celery:ReconnectingConsumer"
    assert conf.broker_connection_retry and conf.broker_connection_retry_on_startup
    assert conf.broker_connection_max_retries is None  # for ever
    assert conf.task_reject_on_worker_lost and conf.result_backend_always_retry
    assert conf.broker_transport_options["visibility_timeout"] > settings.TASK_RETRY_MAX_SECONDS
    assert "core.heartbeats:WorkerHeartbeat" in celery_app.steps["consumer"]
    assert conf.beat_schedule["core-sweep-overdue"]["task"] == "core.sweep_overdue"


def test_eager_without_broker_runs_inline():
    # Celery keeps "inside a task" in one process-wide flag that eager tasks run concurrently by
    # other tests' threads can leave set; this test is not inside a task.
    with allow_join_result():
        assert ping.delay().get(timeout=5) == "pong"


def test_round_trip_through_redis_with_a_real_worker():
    require_env("CELERY_BROKER_URL", "REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a queue of our own: no other worker steals the task
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        result = ping.apply_async(queue=queue)
        with allow_join_result():  # see test_eager_without_broker_runs_inline
            assert result.get(timeout=60) == "pong"
        assert result.successful()
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "core.ping" in output
