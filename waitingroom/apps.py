from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitingRoomConfig(AppConfig):
    """The waiting room for drops and overload: shoppers queue in arrival order on a light page and
    are let in at the rate the store can serve. Core-level: its middleware runs before anything
    reads the database, and its live state is in Redis, shared by every web node."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "waitingroom"
    verbose_name = _("Waiting room")
