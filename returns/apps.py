from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from core import jobs
        from inventory import ports as inventory_ports
        from receipts import ports as receipts_ports

        from . import tasks
        from .selectors import return_emails_overdue, return_goods_for_receipt, return_numbers

        receipts_ports.return_goods.plug(return_goods_for_receipt)
        inventory_ports.return_numbers.plug(return_numbers)
        jobs.register(
            jobs.PendingWork(
                name="returns.emails",
                label=_("Return e-mails to send"),
                overdue=return_emails_overdue,
                since="created_at",
                enqueue=tasks.send_return_email.delay,
            )
        )
