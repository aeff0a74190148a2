from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = _("Shopper alerts")

    def ready(self) -> None:
        """Stock that comes back in inventory (core.ports) tells whoever waits for it, after commit."""
        from inventory import ports as inventory

        from . import services

        inventory.stock_replenished.plug(services.stock_replenished)
