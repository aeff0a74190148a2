from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """The virtual Libro de Reclamaciones (Ley 29571 arts. 150-152, D.S. 011-2011-PCM): numbered
    sheets a consumer files from any page, optionally about one of their orders, answered by staff
    within 15 business days, kept with the history of every change."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Libro de Reclamaciones")
