from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "receipts"
    verbose_name = _("Electronic receipts")

    def ready(self) -> None:
        """Receipts answer where money moves below them (core.ports): each answer enqueues the
        receipt or nota de crédito after commit (receipts.enqueue)."""
        from credit import ports as credit
        from orders import ports as orders
        from payments import ports as payments

        from . import enqueue

        orders.receipt_issue.plug(enqueue.receipt_issue)
        orders.cancellation_credit_note_issue.plug(enqueue.cancellation_credit_note_issue)
        payments.refund_credit_note_issue.plug(enqueue.refund_credit_note_issue)
        credit.return_credit_note_issue.plug(enqueue.return_credit_note_issue)
        self._register_pending_work()

    @staticmethod
    def _register_pending_work() -> None:
        """Receipts to issue, send and e-mail whose task was lost are re-enqueued by core.jobs."""
        from core import jobs

        from . import pending, tasks

        jobs.register(
            jobs.PendingWork(
                name="receipts.issue",
                label=_("Paid orders without their receipt"),
                overdue=pending.orders_without_receipt,
                since="paid_at",
                sweep=tasks.issue_missing_receipts,
                every=15 * 60,
            )
        )
        jobs.register(
            jobs.PendingWork(
                name="receipts.send",
                label=_("Receipts to send to SUNAT"),
                overdue=pending.receipts_to_send,
                since="issued_at",
                enqueue=tasks.submit_to_sunat.delay,
            )
        )
        jobs.register(
            jobs.PendingWork(
                name="receipts.email",
                label=_("Receipts to e-mail"),
                overdue=pending.receipts_to_email,
                since="issued_at",
                enqueue=tasks.email_receipt.delay,
            )
        )
