import logging
import os

from celery import Celery, Task
from celery.worker.consumer import Consumer
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

logger = logging.getLogger("tienda.resilience")


class BrokerResilientTask(Task):
    """Enqueuing never breaks the page that enqueues: while the broker is away the task runs
    here and now instead (every task is idempotent, acks_late), and a failure of it is logged,
    not raised. The outage is logged once, and recovery needs no restart."""

    def apply_async(self, args=None, kwargs=None, **options):
        from core.resilience import broker_outage

        if broker_outage.should_try():
            try:
                result = super().apply_async(args, kwargs, **options)
            except OperationalError as error:
                broker_outage.failed(error)
            else:
                broker_outage.succeeded()
                return result
        try:
            return self.apply(args, kwargs, **options)
        except Exception:
            logger.exception("Task %s failed while run inline with the broker away", self.name)
            return None


class ReconnectingConsumer(Consumer):
    """The worker's consumer, which reconnects after any broker loss instead of exiting.

    When Redis goes away while the consumer waits in a BRPOP, kombu's channel close raises on the
    dead socket before it marks the channel closed. Celery then collects the connection (which
    detaches its transport) and closes it: the half-closed channel is closed a second time and
    tries to put its unacknowledged messages back through a transport without a client, raising
    AttributeError ('NoneType' object has no attribute 'hostname'). That is not one of the
    connection errors Celery ignores while tearing down, so the worker stopped for good. The
    messages it held stay in Redis' unacked set (restored after the visibility timeout), and the
    sweeps re-enqueue anything overdue, so giving up on that cleanup loses nothing."""

    def on_connection_error_after_connected(self, exc):
        try:
            super().on_connection_error_after_connected(exc)
        except Exception:  # any failure to tear down a dead connection: reconnect all the same
            logger.warning("Closing the lost broker connection failed; reconnecting anyway", exc_info=True)
            self.connection = None


app = Celery("tienda", task_cls=BrokerResilientTask)
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records its heartbeat while connected and sweeps overdue work when it reconnects.
app.steps["consumer"].add("core.heartbeats:WorkerHeartbeat")
