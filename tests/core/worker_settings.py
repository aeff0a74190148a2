"""Settings of a worker that a fault test starts (tests/core/test_worker_faults.py, bench): the test
settings, but tasks go through the broker, e-mails are appended to a file the test reads, and
retries, heartbeats and sweeps are in seconds so an outage plays out within the test's time."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.core.worker_settings_mail.LineEmailBackend"
WEBHOOK_RETRY_BASE_SECONDS = 1
WORKER_HEARTBEAT_SECONDS = 1
SCHEDULER_HEARTBEAT_SECONDS = 1
JOBS_OVERDUE_GRACE_SECONDS = 2
JOBS_SWEEP_SECONDS = 2
# Only the sweep: the other periodic jobs would only add noise to what the test counts.
CELERY_BEAT_SCHEDULE = {"core-sweep-overdue": {"task": "core.sweep_overdue", "schedule": JOBS_SWEEP_SECONDS}}
CELERY_BEAT_SCHEDULE_FILENAME = os.path.join(os.environ.get("FAULT_DIR", "/tmp"), "celerybeat-schedule")
