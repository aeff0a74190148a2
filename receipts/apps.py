from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "receipts"
    verbose_name = _("Electronic receipts")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the order_paid and refund_succeeded receivers

        self._register_pending_work()

    @staticmethod
    def _register_pending_work() -> None:
        """Receipts to issue, send and e-mail whose task was lost are re-enqueued by core.jobs."""
        from core import jobs

        from . import pending, tasks

        jobs.register(jobs.PendingWork(
            name="receipts.issue", label=_("Paid orders without their receipt"), overdue=pending.orders_without_receipt,
            since="paid_at", sweep=tasks.issue_missing_receipts, every=15 * 60))
        jobs.register(jobs.PendingWork(
            name="receipts.send", label=_("Receipts to send to SUNAT"), overdue=pending.receipts_to_send,
            since="issued_at", enqueue=tasks.send_receipt.delay))
        jobs.register(jobs.PendingWork(
            name="receipts.email", label=_("Receipts to e-mail"), overdue=pending.receipts_to_email,
            since="issued_at", enqueue=tasks.email_receipt.delay))
