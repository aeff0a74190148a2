from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DespatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "despatch"
    verbose_name = _("Despatch guides")

    def ready(self) -> None:
        """Shipping asks despatch whether a leg may leave (shipping.ports.shipment_may_leave): a leg
        the law says needs a guía de remisión leaves only with it (docs/sunat.md)."""
        from core import jobs
        from shipping import ports as shipping

        from . import pending, services, tasks

        shipping.shipment_may_leave.plug(services.shipment_may_leave)
        shipping.shipment_may_split.plug(services.shipment_may_split)
        jobs.register(
            jobs.PendingWork(
                name="despatch.send",
                label=_("Guías de remisión to send to SUNAT"),
                overdue=pending.guias_to_send,
                since="issued_at",
                enqueue=tasks.send_guia.delay,
            )
        )
