from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FavouritesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "favourites"
    verbose_name = _("Favourites")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a guest's favourites join the account at sign-in, as the cart does)
