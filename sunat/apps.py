from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SunatConfig(AppConfig):
    """SUNAT's daily paperwork beyond the receipt: resúmenes diarios (RC) of the boletas and their
    notas, comunicaciones de baja (RA) of facturas, the sales register and the export."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sunat"
    verbose_name = _("SUNAT paperwork")
