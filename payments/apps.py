from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from orders import ports

        from .services.refunds import order_cancel_refunds_request

        ports.cancel_refunds_request.plug(order_cancel_refunds_request)
