"""The category tree is cached in Redis and, per process, by its version: a request reads the
version (a few bytes), not the whole tree, and a change to the tree shows on the next request."""

import pytest
from django.core.cache import cache

from catalog import tree as tree_module
from catalog.models import Category
from catalog.tree import catalog_tree
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_a_request_reads_the_tree_s_version_not_the_tree_once_read(monkeypatch):
    CategoryFactory(slug="polos")
    first = catalog_tree()
    read = []
    original = cache.get

    def recording(key, *args, **kwargs):
        read.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", recording)
    assert catalog_tree() is first
    assert read == [tree_module.VERSION_KEY]


def test_a_category_change_shows_in_the_next_tree():
    catalog_tree()
    CategoryFactory(slug="casacas")
    assert "casacas" in catalog_tree().by_slug
    Category.objects.get(slug="casacas").delete()
    assert "casacas" not in catalog_tree().by_slug


def test_a_tree_stored_without_its_version_is_built_again():
    CategoryFactory(slug="polos")
    stale = catalog_tree()
    cache.delete(tree_module.VERSION_KEY)  # as an earlier release stored it
    Category.objects.filter(slug="polos").update(slug="polos-nazca")  # no signal
    fresh = catalog_tree()
    assert fresh is not stale and "polos-nazca" in fresh.by_slug


def test_without_redis_each_request_builds_the_tree(monkeypatch):
    CategoryFactory(slug="polos")
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "set_many", lambda *args, **kwargs: [])
    assert "polos" in catalog_tree().by_slug
    Category.objects.filter(slug="polos").update(slug="polos-nazca")
    assert "polos-nazca" in catalog_tree().by_slug
