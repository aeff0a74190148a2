from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        from receipts import ports as receipts_ports

        from .selectors import return_goods_for_receipt

        receipts_ports.return_goods.plug(return_goods_for_receipt)
