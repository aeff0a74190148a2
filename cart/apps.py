from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cart"
    verbose_name = _("Cart")

    def ready(self) -> None:
        from core import session_store

        from . import signals  # noqa: F401  (the login merge)
        from .selectors import read_cart_with_session

        session_store.read_with_session(read_cart_with_session)
