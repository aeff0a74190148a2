"""A product page's entries in the shared cache (catalog.listing_cache.get_or_compute_for_product):
one read back after its product's write is judged by its reading before its value is decoded, so
a render after the write does not unpickle the catalog data it is about to replace (several
milliseconds of model instances for a product with variants and pictures)."""

import pickle

import pytest
from django.core.cache import cache

from catalog import listing_cache
from catalog.catalog_version import mark_written, product_mark

pytestmark = pytest.mark.django_db

DECODED: list[str] = []


class Witness:
    """A value that says when it is unpickled."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __setstate__(self, state: dict) -> None:
        DECODED.append(state["name"])
        self.__dict__.update(state)


def _kept(name: str) -> Witness:
    return listing_cache.get_or_compute_for_product(
        "product-page:test", "silla", lambda: Witness(name), marks=lambda _value: [product_mark(7)]
    )


def test_an_entry_written_since_is_replaced_without_decoding_it():
    DECODED.clear()
    assert _kept("antes").name == "antes"
    listing_cache._read_entries.clear()  # another process: it reads the shared entry
    assert _kept("después").name == "antes"
    assert DECODED == ["antes"]
    mark_written(products=[7])
    listing_cache._read_entries.clear()
    assert _kept("después").name == "después"
    assert DECODED == ["antes"]  # the stale entry's value was never unpickled
    listing_cache._read_entries.clear()
    assert _kept("otra vez").name == "después"


def test_an_entry_of_the_earlier_format_is_a_miss():
    key = listing_cache._key("product-page:test", "silla")
    cache.set(key, (("token", 1, ()), Witness("viejo"), float("inf")))
    assert _kept("nuevo").name == "nuevo"
    assert pickle.loads(pickle.dumps(_kept("otra"))).name == "nuevo"
