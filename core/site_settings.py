"""Site settings (django-constance) read from plain sync code, all keys in one cached read.

constance's own cache keeps only the keys an administrator has saved, so every key still at its
default would cost a database query per read; here the whole set (defaults included) is one
cache entry, dropped whenever a setting is saved. Reading `config.X` inside an event loop hands
back an awaitable; this module never does that."""

from constance import settings as constance_settings
from constance.signals import config_updated
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import request_reads

CACHE_KEY = request_reads.shared("site-settings:v1")
CACHE_SECONDS = 300


def _load() -> dict:
    from constance.utils import get_values

    return get_values()


def site_settings() -> dict:
    values = request_reads.read(CACHE_KEY)
    if values is None:
        values = _load()
        cache.set(CACHE_KEY, values, CACHE_SECONDS)
        request_reads.remember(CACHE_KEY, values)
    return values


def site_setting(key: str):
    """One setting's value (its default from CONSTANCE_CONFIG until an administrator changes it)."""
    if key not in constance_settings.CONFIG:
        raise KeyError(key)
    return site_settings()[key]


def forget_site_settings(**kwargs) -> None:
    _drop()
    # Again once the change is committed: a reader in between may have cached the old values.
    transaction.on_commit(_drop)


def _drop() -> None:
    cache.delete(CACHE_KEY)
    request_reads.forget(CACHE_KEY)


config_updated.connect(forget_site_settings, dispatch_uid="core.site_settings.updated")


@receiver(post_save, sender="constance.Constance", dispatch_uid="core.site_settings.saved")
@receiver(post_delete, sender="constance.Constance", dispatch_uid="core.site_settings.deleted")
def _constance_row_changed(**kwargs) -> None:
    forget_site_settings()


def create_settings_content_type(*, using: str, **kwargs) -> None:
    """constance's admin logs each change under the content type of its settings page, a class the
    app registry does not hold, so migrate never made it: the first change made it, inside that
    change's transaction. Were that transaction rolled back, the process kept the row's id in
    Django's content type cache and the next change's log entry named a row that was gone (a 500).
    Made at migrate beside the other content types, the row is there before any change."""
    from constance.admin import Config
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.db_manager(using).get_or_create(app_label=Config._meta.app_label, model=Config._meta.model_name)
