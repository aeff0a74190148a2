from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconciliationConfig(AppConfig):
    """The daily reconciliation: each configured gateway's own list of a Lima day's payments and
    refunds compared with the store's rows; what differs is listed for staff, nothing is changed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reconciliation"
    verbose_name = _("Payment reconciliation")
