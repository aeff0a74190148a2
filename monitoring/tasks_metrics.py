"""Celery's own signals count task failures and retries in the worker's processes, and let the worker
serve those counts. Celery offers no other hook for "this task raised" short of wrapping every task;
these handlers only count (the house rule "signals only for caches" is about the store's writes)."""

import os
import shutil
from typing import Any

from celery.signals import task_failure, task_retry, worker_init, worker_process_shutdown, worker_ready
from django.conf import settings

from .instruments import TASKS_FAILED, TASKS_RETRIED


def _task_name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or "unknown")


def _count_failure(sender: Any = None, **kwargs: Any) -> None:
    TASKS_FAILED.labels(task=_task_name(sender)).inc()


def _count_retry(sender: Any = None, **kwargs: Any) -> None:
    TASKS_RETRIED.labels(task=_task_name(sender)).inc()


def _empty_metrics_folder(**kwargs: Any) -> None:
    """Before the pool starts: the counters of a previous run of this worker are not this run's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def _serve_worker_metrics(**kwargs: Any) -> None:
    """The worker's main process serves its pool's counters (prefork children write them to
    PROMETHEUS_MULTIPROC_DIR) on WORKER_METRICS_PORT, for Prometheus inside the network."""
    if not settings.WORKER_METRICS_PORT:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry(auto_describe=False)
        multiprocess.MultiProcessCollector(registry)
    start_http_server(settings.WORKER_METRICS_PORT, registry=registry)


def _forget_dead_child(pid: int | None = None, **kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def connect_task_metrics() -> None:
    task_failure.connect(_count_failure, weak=False, dispatch_uid="monitoring.task_failure")
    task_retry.connect(_count_retry, weak=False, dispatch_uid="monitoring.task_retry")
    worker_init.connect(_empty_metrics_folder, weak=False, dispatch_uid="monitoring.worker_init")
    worker_ready.connect(_serve_worker_metrics, weak=False, dispatch_uid="monitoring.worker_ready")
    worker_process_shutdown.connect(_forget_dead_child, weak=False, dispatch_uid="monitoring.child_exit")
