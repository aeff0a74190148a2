from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from orders import ports

        from .services.refunds import order_cancel_refunds_request

        ports.cancel_refunds_request.plug(order_cancel_refunds_request)
        self._register_pending_work()

    @staticmethod
    def _register_pending_work() -> None:
        """Webhook events and approved refunds whose task was lost are re-enqueued by core.jobs."""
        from core import jobs

        from . import tasks
        from .services.refunds import refunds_overdue
        from .services.webhooks import webhook_events_overdue

        jobs.register(jobs.PendingWork(
            name="payments.webhook_events", label=_("Gateway webhook events to apply"),
            overdue=webhook_events_overdue, since="next_attempt_at", enqueue=tasks.process_webhook_event.delay))
        jobs.register(jobs.PendingWork(
            name="payments.refunds", label=_("Approved refunds not made at the gateway"),
            overdue=refunds_overdue, since="approved_at", enqueue=tasks.execute_refund.delay))
