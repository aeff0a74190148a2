from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = _("back office")

    def ready(self) -> None:
        from orders import ports

        from .services import order_commissions_snapshot

        ports.commissions_snapshot.plug(order_commissions_snapshot)
