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

    When Redis goes away, Celery tears the lost connection down: it collects it, which detaches its
    transport (transport.client = None), then closes it. Two things still use that transport
    afterwards and then raised AttributeError ('NoneType' object has no attribute 'hostname'), which is
    not one of the connection errors Celery ignores, so the worker stopped for good:

    - closing the channel a second time, when kombu's first close raised on the dead socket of its
      BRPOP before marking the channel closed (it then tries to put its unacknowledged messages back);
    - acknowledging a task that was running during the outage (acks_late) once it finishes: its
      message belongs to the old channel.

    So the teardown's failures are logged, not raised, and the old transport gets its connection
    details back: a task that finishes after Redis is back acknowledges its message (no second
    delivery once the visibility timeout passes), and one that finishes while Redis is still away logs
    "Couldn't ack" and is delivered again later (every task is idempotent). Tasks the worker held for a
    later retry (countdown/ETA) are dropped with the connection; the sweep (core.jobs) re-enqueues
    them when they are overdue, and the worker asks for a sweep as soon as it has reconnected."""

    def on_connection_error_after_connected(self, exc):
        lost = self.connection
        transport = getattr(lost, "_transport", None)
        try:
            super().on_connection_error_after_connected(exc)
        except Exception:  # any failure to tear down a dead connection: reconnect all the same
            logger.warning("Closing the lost broker connection failed; reconnecting anyway", exc_info=True)
            self.connection = None
        if transport is not None and transport.client is None and lost is not None:
            transport.client = lost.clone()


app = Celery("tienda", task_cls=BrokerResilientTask)
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker records its heartbeat while connected and sweeps overdue work when it reconnects.
app.steps["consumer"].add("core.heartbeats:WorkerHeartbeat")
