from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    """The store's policies (terms, privacy, returns, shipping) as versioned pages staff edit, and
    the consents shoppers give to them (Ley 29733): below accounts and checkout, which record them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "legal"
    verbose_name = _("Policies and consent")
