from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from . import estimates  # noqa: F401 (its signal receivers forget cached shipping rates)
