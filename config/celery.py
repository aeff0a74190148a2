import logging
import os

from celery import Celery, Task
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


app = Celery("tienda", task_cls=BrokerResilientTask)
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
