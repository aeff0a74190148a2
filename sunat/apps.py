from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SunatConfig(AppConfig):
    """SUNAT's daily paperwork beyond the receipt: resúmenes diarios (RC) of the boletas and their
    notas, comunicaciones de baja (RA) of facturas, the sales register and the export."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sunat"
    verbose_name = _("SUNAT paperwork")

    def ready(self) -> None:
        """Summaries to send and tickets to ask about whose task was lost are re-enqueued by core.jobs;
        receipts asks whether a receipt is voided (receipts.ports.receipt_voided)."""
        from core import jobs
        from receipts import ports as receipts_ports

        from . import pending, selectors, tasks

        receipts_ports.receipt_voided.plug(selectors.receipt_voided)

        jobs.register(
            jobs.PendingWork(
                name="sunat.send",
                label=_("SUNAT summaries to send"),
                overdue=pending.summaries_to_send,
                since="created_at",
                enqueue=tasks.send_summary.delay,
            )
        )
        jobs.register(
            jobs.PendingWork(
                name="sunat.poll",
                label=_("SUNAT tickets to ask about"),
                overdue=pending.summaries_to_poll,
                since="sent_at",
                enqueue=tasks.poll_summary.delay,
            )
        )
