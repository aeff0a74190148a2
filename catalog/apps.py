from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

# pg_trgm's default (0.6) misses one-letter typos in short words ("lenvo" → "lenovo"
# scores 0.5); 0.45 still keeps unrelated words out. Set per connection so the
# %> operator, and with it the trigram GIN index, does the filtering.
WORD_SIMILARITY_THRESHOLD = 0.45


def _tune_trigram_threshold(sender, connection, **kwargs) -> None:
    # Behind pgbouncer (transaction mode) a SET would stay on whichever server connection ran it:
    # there the servers' own configuration sets the threshold (deploy/, scripts/cluster).
    if connection.vendor == "postgresql" and not (
        settings.DATABASE_POOLER and connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
            )


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from . import listing_cache, option_index, renditions, tree  # noqa: F401  (signal receivers)
        from .sqlite_search import drop_triggers, install_triggers_and_rebuild

        listing_cache.connect_signals()
        renditions.connect_signals()
        pre_migrate.connect(drop_triggers, sender=self, dispatch_uid="catalog.sqlite_search.drop")
        post_migrate.connect(install_triggers_and_rebuild, sender=self, dispatch_uid="catalog.sqlite_search.install")
        connection_created.connect(_tune_trigram_threshold, dispatch_uid="catalog.trigram_threshold")
