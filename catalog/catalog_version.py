"""The catalog version: a token every cached page, page content, facet count and catalog-data
entry carries (core.cache_layers, "catalog version"). Every catalog write gives it a new value, so
an entry from before the write is never served after it.

Kept apart from catalog.listing_cache so the models' bulk updates can announce themselves
without importing the cache that reads the models (no import circle)."""

import uuid

from django.core.cache import cache
from django.db import transaction

from core import request_reads
from core.db_router import replica_hold

VERSION_KEY = request_reads.shared("catalog:listing-version")


def _new_version() -> str:
    return uuid.uuid4().hex[:16]


def bump() -> None:
    version = _new_version()
    cache.set(VERSION_KEY, version, None)
    request_reads.remember(VERSION_KEY, version)
    # Pages rendered under the new version must not read a replica that has not replayed it yet.
    replica_hold()


def bump_after_write() -> None:
    """Now (readers inside this transaction) and again at commit (readers who ran meanwhile)."""
    bump()
    transaction.on_commit(bump)


def version_or_new(version: str | None) -> str:
    """The catalog version read with an entry, or a new one when none is set yet (first use, flush)."""
    if version is None:
        version = _new_version()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
        request_reads.remember(VERSION_KEY, version)
    return version
