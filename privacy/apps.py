from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal-data rights (Ley 29733, ARCO): the requests customers file and staff answer within
    the law's terms, closing an account (personal data erased, what tax and consumer law keep
    kept), and the retention terms that drop what nothing needs any more."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Personal data (ARCO)")
