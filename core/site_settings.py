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
