from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from orders import ports

        from .services.attempts import payment_attempts_close_for_cancelled_order
        from .services.refunds import order_cancel_refunds_request

        ports.cancel_refunds_request.plug(order_cancel_refunds_request)
        ports.cancel_payment_attempts_close.plug(payment_attempts_close_for_cancelled_order)
        self._register_pending_work()
        self._renew_offered_names()

    @staticmethod
    def _renew_offered_names() -> None:
        """The footer's list of methods (payments.selectors.payment_method_names_offered) is kept
        in the cache: a method saved or deleted drops it."""
        from django.db.models.signals import post_delete, post_save

        from .models import PaymentMethod
        from .selectors import forget_offered_names

        post_save.connect(forget_offered_names, sender=PaymentMethod, dispatch_uid="payments.offered_names.save")
        post_delete.connect(forget_offered_names, sender=PaymentMethod, dispatch_uid="payments.offered_names.delete")

    @staticmethod
    def _register_pending_work() -> None:
        """Webhook events and approved refunds whose task was lost are re-enqueued by core.jobs."""
        from core import jobs

        from . import tasks
        from .services.refunds import refunds_overdue
        from .services.webhooks import webhook_events_overdue

        jobs.register(
            jobs.PendingWork(
                name="payments.webhook_events",
                label=_("Gateway webhook events to apply"),
                overdue=webhook_events_overdue,
                since="next_attempt_at",
                enqueue=tasks.process_webhook_event.delay,
            )
        )
        jobs.register(
            jobs.PendingWork(
                name="payments.refunds",
                label=_("Approved refunds not made at the gateway"),
                overdue=refunds_overdue,
                since="approved_at",
                enqueue=tasks.execute_refund.delay,
            )
        )
