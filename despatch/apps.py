from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DespatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "despatch"
    verbose_name = _("Despatch guides")
