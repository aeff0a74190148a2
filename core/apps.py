from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self) -> None:
        from django.apps import apps

        from . import checks  # noqa: F401  (registers the static manifest check)
        from .sites import sync_site_after_migrate

        # After the sites app's own handler, which creates "example.com".
        post_migrate.connect(
            sync_site_after_migrate, sender=apps.get_app_config("sites"), dispatch_uid="core.sites.sync"
        )

        from .site_settings import create_settings_content_type

        post_migrate.connect(
            create_settings_content_type,
            sender=apps.get_app_config("contenttypes"),
            dispatch_uid="core.site_settings.content_type",
        )

        from .migration_guard import refuse_part_way_through_the_old_chain

        # Before any migration runs (docs/operations/deploys.md, "Squashed migrations").
        pre_migrate.connect(refuse_part_way_through_the_old_chain, sender=self, dispatch_uid="core.migration_guard")

        from .request_log import connect_celery_signals

        connect_celery_signals()  # the request id follows the work into tasks

        from .scheduler import maybe_start

        maybe_start()  # `make run` (no broker): the beat schedule in a thread of runserver's process
