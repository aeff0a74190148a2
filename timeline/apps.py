from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timeline"
    verbose_name = _("Order timeline")

    def ready(self) -> None:
        """The order pages (in orders, below the apps whose rows make the timeline) ask for it
        through orders.ports.order_timeline."""
        from orders import ports as orders

        from . import selectors

        orders.order_timeline.plug(selectors.order_timeline)
