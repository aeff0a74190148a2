from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_last_app(sender, **kwargs) -> None:
    # post_migrate fires once per app that has models; every app's permissions
    # exist only after the last of them.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from .roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Customers and sellers")

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401
            user_cache,
        )

        user_cache.connect_signals()

        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="accounts.roles_sync")
