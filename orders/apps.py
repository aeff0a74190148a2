from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        """Orders answers what the apps below it ask of an order (core.ports)."""
        from promotions import selectors as promotions
        from shipping import ports as shipping

        from . import selectors, services

        shipping.order_lock.plug(services.order_lock)
        shipping.order_follow_shipments.plug(services.order_follow_shipments)
        promotions.buyer_has_ordered.plug(selectors.buyer_has_ordered)
