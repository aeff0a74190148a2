"""Tasks for the worker fault tests only: a worker started by a test loads them with -I.
Each run appends a line to a file in FAULT_TASKS_DIR, so the test counts runs and completions
without a shared database or the Redis it kills."""

import os
from pathlib import Path

from celery import shared_task


def _log(key: str, line: str) -> None:
    with open(Path(os.environ["FAULT_TASKS_DIR"]) / f"{key}.log", "a") as handle:
        handle.write(line + "\n")


@shared_task(name="tests.fault.flaky", bind=True, max_retries=None)
def flaky(self, key: str, failures: int, countdown: float) -> str:
    """Fails `failures` times (retried after `countdown` seconds each), then completes."""
    if self.request.retries < failures:
        _log(key, f"try {self.request.retries}")
        raise self.retry(countdown=countdown)
    _log(key, "done")
    return key
