"""A listing's facet counts (total, brands, price buckets, option values) are cached per scope
and filters for a few minutes: they cost the most SQL on a big category or a broad search, and
every shopper opening the same page needs the same numbers. The catalog data of the home page
and of a product page are cached the same way (catalog.selectors): a page the whole-page cache
does not serve (a shopper with a message, the first visit after a stock change) is rendered
without their queries.

Every write to a catalog model bumps a version that each cached entry carries, so counts from
before a change are never served; the facet counts also end when a collection next starts or ends
(a launch reveals prices the price facet leaves out before it); the time limit bounds what no
signal announces (stock that comes and goes, raw SQL)."""

import hashlib
import math
import pickle
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import cache_layers, request_reads
from core.process_memo import ProcessMemo

# The catalog's versions live in their own module (the models announce bulk updates to it); named here too.
from . import catalog_version
from .catalog_version import VERSION_KEY, bump_after_write, version_or_new
from .catalog_version import bump as bump
from .models import Product, scheduled_changes

# Read with the request's other shared keys: a page rendered cold asks it once for its content and again for
# each entry it fills (a product page's catalog data and content), each a round trip of its own.
NEXT_CHANGE_KEY = request_reads.shared("catalog:next-scheduled-changes")
TTL_SECONDS = 5 * 60


def _key(scope: str, filters: str) -> str:
    return "catalog:facets:" + hashlib.sha1(f"{scope}|{filters}".encode()).hexdigest()


# Entries a process read last, by key, for get_or_compute(in_process=True): while the catalog
# version names them, a request reads that version alone instead of the whole entry.
_read_entries = ProcessMemo(256)

T = TypeVar("T")


def get_or_compute(
    scope: str,
    filters: str,
    compute: Callable[[], T],
    *,
    until_collection_change: bool = False,
    until: Callable[[], datetime | None] | None = None,
    in_process: bool = False,
) -> T:
    """compute()'s value for (scope, filters), from the cache while the catalog is unchanged
    (and, with until_collection_change, until a collection next starts or ends: for values that
    show prices, which a launch reveals; with `until`, not past the moment it names either).
    in_process: the value is also kept in this process and shared by the requests that read it
    (for values nobody changes once built)."""
    key = _key(scope, filters)
    if in_process:
        version = request_reads.read(VERSION_KEY)
        entry = _read_entries.get(key)
        if entry is None or entry[0] != version:
            entry = cache.get(key)
    else:
        found = cache.get_many([VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY), found.get(key)
    if version is not None and entry is not None and entry[0] == version and time.time() < _valid_until(entry):
        if in_process:
            _read_entries.put(key, entry)
        return entry[1]
    version = version_or_new(version)
    # Read before computing, like the version: a launch meanwhile ends the entry at once.
    valid_until = next_collection_change() if until_collection_change else math.inf
    if until is not None and (moment := until()) is not None:
        valid_until = min(valid_until, moment.timestamp())
    # The entry's time limit read like its other ends, in this process' clock, not only as the cache's
    # expiry: what no write announces (stock on a listing filtered by it) ends by it (core.cache_layers).
    valid_until = min(valid_until, time.time() + TTL_SECONDS)
    value = compute()
    cache.set(key, (version, value, valid_until), TTL_SECONDS)
    if in_process:
        _read_entries.put(key, (version, value, valid_until))
    return value


def get_or_compute_for_product(
    scope: str,
    filters: str,
    compute: Callable[[], T],
    *,
    marks: Callable[[T], Iterable[str]],
    built_from: Iterable[catalog_version.Reading] = (),
    until: Callable[[], datetime | None] | None = None,
    fresh_seconds: float = TTL_SECONDS,
) -> T:
    """compute()'s value for (scope, filters), a product page's, from the cache while the product
    pages' token is unchanged and none of `marks(value)` (the products it shows: catalog.
    catalog_version) is written since, and until a collection next starts or ends (or `until`),
    kept in this process too. `built_from`: the readings of the entries compute() renders from,
    read before it (those it reads itself are noted): it holds no longer than they do. The reading
    it holds under is noted for the page around it. A category's listing is kept the same way
    (catalog_version.listing_marks)."""
    key = _key(scope, filters)
    entry = _read_entries.get(key)
    if entry is None or not catalog_version.holds(catalog_version.as_reading(entry[0])):
        entry = _unpacked(cache.get(key))
    reading = catalog_version.as_reading(entry[0]) if entry is not None else None
    if entry is not None and reading is not None and catalog_version.holds(reading) and time.time() < entry[2]:
        _read_entries.put(key, entry)
        catalog_version.note(reading)
        return entry[1]
    token, number = catalog_version.reading_start()
    valid_until = min(next_collection_change(), time.time() + fresh_seconds)
    if until is not None and (moment := until()) is not None:
        valid_until = min(valid_until, moment.timestamp())
    with catalog_version.noting() as inner:  # the entries compute() reads: it holds no longer than they do
        value = compute()
    reading = catalog_version.combined(token, number, [*built_from, *inner], marks(value))
    cache.set(key, (tuple(reading), pickle.dumps(value, pickle.HIGHEST_PROTOCOL), valid_until, _PACKED), TTL_SECONDS)
    _read_entries.put(key, (tuple(reading), value, valid_until))
    catalog_version.note(reading)
    return value


# A product page's entry in the shared cache carries its value pickled on its own, beside its reading and
# time limit: one read back after its product's write is judged before its value is decoded (a product's
# catalog data, model instances with their variants and pictures, costs milliseconds to unpickle, for
# nothing when it is about to be replaced). Another length than the earlier format's, so neither release
# serves the other's entries.
_PACKED = "packed"


def _unpacked(stored) -> tuple | None:
    """A shared entry as (reading, value, valid until), its value decoded only while its reading holds
    and its time limit is ahead; None otherwise (missing, stale, or of another format)."""
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[3] == _PACKED):
        return None
    reading, packed, valid_until, _format = stored
    if time.time() >= valid_until or not catalog_version.holds(catalog_version.as_reading(reading)):
        return None
    return reading, pickle.loads(packed), valid_until


def marks_kept(scope: str, filters: str) -> frozenset[str]:
    """The marks this process' copy of get_or_compute_for_product's (scope, filters) entry holds
    under (none without a copy): what a request will read to serve it, to read ahead."""
    entry = _read_entries.get(_key(scope, filters))
    reading = catalog_version.as_reading(entry[0]) if entry is not None else None
    return frozenset(reading.marks) if reading is not None else frozenset()


def value_kept(scope: str, filters: str):
    """This process' copy of get_or_compute_for_product's (scope, filters) value, held or not (None
    without a copy): what a request will likely read from it, to read ahead."""
    entry = _read_entries.get(_key(scope, filters))
    return entry[1] if entry is not None else None


def _valid_until(entry) -> float:
    return entry[2] if len(entry) > 2 else math.inf  # an entry of an earlier release: no bound


def _next_changes() -> dict[str, float]:
    """When an active collection, and an active banner, next starts or ends (timestamps, inf when
    none is ahead), read in one query at most once per collection or banner write or passing
    moment: the fill of every cached page and facet count asks it, and a catalog version bump (any
    product edit) leaves it true."""
    now = time.time()
    cached = request_reads.read(NEXT_CHANGE_KEY)
    if isinstance(cached, dict) and now < min(cached.values()):
        return cached
    moments = {
        name: moment.timestamp() if moment is not None else math.inf for name, moment in scheduled_changes().items()
    }
    # Bounded by the TTL too: a collection or banner edited by raw SQL announces nothing.
    cache.set(NEXT_CHANGE_KEY, moments, TTL_SECONDS)
    request_reads.remember(NEXT_CHANGE_KEY, moments)
    return moments


def next_collection_change() -> float:
    """When an active collection next starts or ends (a timestamp, inf when none is ahead)."""
    return _next_changes()["collections"]


def next_banner_change() -> datetime | None:
    """When an active banner next starts or ends: the home page's carousel holds until then."""
    moment = _next_changes()["banners"]
    return datetime.fromtimestamp(moment, tz=UTC) if moment != math.inf else None


def _on_schedule_write(sender, **kwargs) -> None:
    cache.delete(NEXT_CHANGE_KEY)
    request_reads.forget(NEXT_CHANGE_KEY)
    transaction.on_commit(lambda: cache.delete(NEXT_CHANGE_KEY))


def _product_of_variant(variant_id: int) -> set[int]:
    from .models import Variant

    return set(Variant.objects.filter(pk=variant_id).values_list("product_id", flat=True))


def _collection_products(collection_id: int) -> set[int] | None:
    """A drop's products (its start, end, name show on their pages and cards); None when there are
    more than catalog_version.MARKED_AT_MOST: every page is renewed instead."""
    from .models import CollectionItem

    products = CollectionItem.objects.filter(collection_id=collection_id).values_list("product_id", flat=True)
    found = set(products[: catalog_version.MARKED_AT_MOST + 1])
    return found if len(found) <= catalog_version.MARKED_AT_MOST else None


# The products a write of each per-product model (core.cache_layers "product versions") touched; None:
# not one product's (a category's scheduled price, a drop of too many products).
_PRODUCTS_OF: dict[str, Callable[..., set[int] | None]] = {
    "catalog.Collection": lambda row: _collection_products(row.pk),
    "catalog.Product": lambda row: {row.pk},
    "catalog.Variant": lambda row: {row.product_id},
    "catalog.ProductImage": lambda row: {row.product_id},
    "catalog.BundleComponent": lambda row: {row.bundle_id},
    "catalog.CollectionItem": lambda row: {row.product_id},
    "catalog.ProductOptionValue": lambda row: {row.product_id},
    "catalog.PriceHistory": lambda row: _product_of_variant(row.variant_id),
    "catalog.ScheduledPrice": lambda row: _product_of_variant(row.variant_id) if row.variant_id else None,
}


def _listed_in(products: set[int] | None) -> tuple[set[int | None], set[int | None]]:
    """The categories and brands of these products (their rows' writes mark those listings), read
    for the rows that name their product alone."""
    rows = list(Product.objects.filter(pk__in=products).values_list("category_id", "brand_id")) if products else []
    return {category for category, _brand in rows}, {brand for _category, brand in rows}


def _moved(row, kwargs) -> tuple[set[int | None], set[int | None]]:
    """The categories whose members a product's save or delete changed, and the brand it left
    (catalog.models.Product: its membership as loaded)."""
    now = row.membership()
    loaded = getattr(row, "_loaded_membership", None)
    row._loaded_membership = now
    if kwargs.get("created") or "created" not in kwargs or loaded != now:  # created, deleted or moved
        return {now[1], loaded[1] if loaded else None} - {None}, {loaded[2] if loaded else None} - {None}
    return set(), set()


def _on_home(row, kwargs) -> bool:
    """Whether a product's save or delete may change the home page's rows: it is featured or new, or
    was as loaded (catalog.models.Product.may_show_on_home; not known: yes)."""
    now = row.may_show_on_home()
    loaded = False if kwargs.get("created") else row.__dict__.get("_loaded_on_home")
    row._loaded_on_home = now
    return now is not False or loaded is not False


def _m2m_products(sender, kwargs) -> set[int] | None:
    """The products an m2m change touched: a variant's option values, a collection's products;
    None for others (or a collection emptied)."""
    from .models import Collection, Variant

    row, pk_set = kwargs["instance"], kwargs.get("pk_set")
    if isinstance(row, Variant):
        return {row.product_id}
    if isinstance(row, Product):
        return {row.pk}
    if isinstance(row, Collection) and kwargs.get("model") is Product and pk_set is not None:
        return set(pk_set)
    return None


def _on_catalog_write(sender, **kwargs) -> None:
    """A catalog write renews what its scope says (core.cache_layers): one product's marks and the
    listings' token for a per-product model, the listings' token alone for what product pages do
    not show (a banner), every catalog version otherwise."""
    label = sender._meta.label
    products: set[int] | None = None
    categories: set[int | None] = set()
    slugs: set[str] = set()
    contents: set[int | None] = set()
    brands: set[int | None] = set()
    home = False
    if "action" in kwargs:
        products = _m2m_products(sender, kwargs)
        contents, brands = _listed_in(products)
    elif label in cache_layers.layer(cache_layers.PRODUCT_VERSIONS).per_product:
        row = kwargs["instance"]
        products = _PRODUCTS_OF[label](row)
        if label == "catalog.Product":
            categories, brands_left = _moved(row, kwargs)
            contents, brands, slugs = {row.category_id}, {row.brand_id, *brands_left}, {row.slug}
            home = _on_home(row, kwargs)
        elif label == "catalog.Collection":  # its products' pages, and the home page's drops row
            contents, brands = _listed_in(products)
            home = True
        elif label == "catalog.ProductOptionValue":
            # The index is written only with its product's or variants' write, which marks the brand.
            contents = {row.category_id}
        else:
            contents, brands = _listed_in(products)
    if products is not None:
        catalog_version.mark_after_write(
            products=products, categories=categories, slugs=slugs, contents=contents, brands=brands, home=home
        )
    elif cache_layers.is_told(cache_layers.PRODUCT_VERSIONS, label):
        bump_after_write()
    else:
        catalog_version.bump_listings_after_write()


def connect_signals() -> None:
    """The models core.cache_layers says end these entries: the schedule's, and every catalog model's."""
    for model in cache_layers.models(cache_layers.SCHEDULE, "catalog"):
        uid = f"catalog.listing_cache.next_change.{model.__name__}"
        post_save.connect(_on_schedule_write, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_schedule_write, sender=model, dispatch_uid=uid + ".delete")
    for model in cache_layers.models(cache_layers.CATALOG_VERSION, "catalog"):
        uid = f"catalog.listing_cache.{model._meta.model_name}"
        post_save.connect(_on_catalog_write, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_catalog_write, sender=model, dispatch_uid=uid + ".delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_catalog_write, sender=field.remote_field.through, dispatch_uid=uid + "." + field.name
            )
