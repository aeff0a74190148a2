"""The catalog's versions, scoped so that a write costs only what it changes (core.cache_layers,
"catalog version" and "product versions").

- The listings' token (`VERSION_KEY`): every cached search page, its content and facet counts
  carry it; every catalog write gives it a new value.
- The product pages' token (`PRODUCT_PAGES_KEY`): every cached product page, category, family and
  brand listing, the home page, their content, counts and catalog data carry it; a catalog write
  that is not one product's or one drop's (a category, a brand, an option, site settings,
  shipping: `bump`) gives it a new value.
- Marks: a write of one product (its row, variants, pictures, bundle parts, drops' items:
  `mark_written`; a drop's row, each of its products) marks that product written with a number from one shared counter, marks its
  category's contents and its brand, and its category's membership when the product joins or
  leaves it. A product page's entry remembers the counter as it was before it read anything and
  the marks of what it shows (the product, its related products and bundle parts, the related
  products' category): it holds while none of them is marked above that number. A category's or
  a family's listing holds the same way under its categories' contents marks (`listing_marks`), a
  brand's under its brand's (`brand_mark`), the home page under the marks of the products on its
  rows and `HOME_MARK` (a featured or new product written, a banner). So a price change renews its
  own page, those that show its card and its category's and brand's listings, not every other
  product's page or listing.

Kept apart from catalog.listing_cache so the models' bulk updates can announce themselves
without importing the cache that reads the models (no import circle)."""

import contextlib
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection, transaction

from core import request_reads
from core.db_router import replica_hold

from . import enqueue

VERSION_KEY = request_reads.shared("catalog:listing-version")
PRODUCT_PAGES_KEY = request_reads.shared("catalog:product-pages-version")
# The counter marks take their numbers from; read with the request's other keys.
WRITES_KEY = request_reads.shared("catalog:writes")
MARK_PREFIX = "catalog:written:"
# A bulk update of more products than this renews every product page instead of marking each.
MARKED_AT_MOST = 1000
# How long a mark is kept: past every entry's time limit (catalog.listing_cache.TTL_SECONDS, the
# longest), so an entry read before the write is gone before its mark is.
MARK_SECONDS = 3600


def product_mark(product_id: int) -> str:
    return f"{MARK_PREFIX}product:{product_id}"


def slug_mark(slug: str) -> str:
    """Marked with the product of that address: a page that found none there holds until then."""
    return f"{MARK_PREFIX}slug:{slug}"


def members_mark(category_id: int | None) -> str:
    """Marked when a product joins or leaves the category (created, deleted, moved, shown, hidden)."""
    return f"{MARK_PREFIX}category:{category_id}"


def contents_mark(category_id: int | None) -> str:
    """Marked with every write of a product of the category (and of one that left it): a category's
    listing holds while none of its categories' marks is written (listing_marks)."""
    return f"{MARK_PREFIX}contents:{category_id}"


def brand_mark(brand_id: int | None) -> str:
    """Marked with every write of a product of the brand (and of one that left it): the brand's
    listing holds while it is not written."""
    return f"{MARK_PREFIX}brand:{brand_id}"


# Marked when what the home page lists may have changed: a write of a product that is, or was, featured
# or new (which of them make its rows), and a banner's write. The rows' own products are marked too.
HOME_MARK = f"{MARK_PREFIX}home"


def listing_marks(category_ids: Iterable[int]) -> list[str]:
    """What a listing of these categories (a category with its descendants, a family) is kept under
    besides the product pages' token: its products are theirs alone, so a write to a product of
    another category leaves it, its content and its counts warm."""
    return [contents_mark(pk) for pk in sorted(set(category_ids))]


def _new_version() -> str:
    return uuid.uuid4().hex[:16]


def _renew(*keys: str, also: dict | None = None, seconds: int | None = None) -> None:
    """New tokens for `keys`, written in one round trip with `also` (a catalog write runs this in
    every save signal: one round trip each, not one per key)."""
    versions = {key: _new_version() for key in keys}
    cache.set_many({**(also or {}), **versions}, seconds)
    for key, value in {**(also or {}), **versions}.items():
        request_reads.remember(key, value)


def bump() -> None:
    """Every cached catalog entry ends: listings' and product pages'."""
    _renew(VERSION_KEY, PRODUCT_PAGES_KEY)
    # Pages rendered under the new version must not read a replica that has not replayed it yet.
    replica_hold()


def bump_listings() -> None:
    """What searches and the home page show changed, not what product pages show (a banner)."""
    _renew(VERSION_KEY, also={HOME_MARK: _next_number()}, seconds=MARK_SECONDS)
    replica_hold()


def _counter_start() -> int:
    """Where a counter not set yet, or lost (a flush, an eviction), starts: the clock in microseconds,
    past any number taken before it was lost as long as fewer than a million writes a second were
    counted (in milliseconds a burst of writes outran the clock, and a restart in the same
    millisecond gave a number already taken)."""
    return time.time_ns() // 1000


def _next_number() -> int:
    try:
        return cache.incr(WRITES_KEY)
    except ValueError:  # not set yet, or lost
        cache.add(WRITES_KEY, _counter_start(), None)
        return cache.incr(WRITES_KEY)


def mark_written(
    *,
    products: Iterable[int] = (),
    categories: Iterable[int | None] = (),
    slugs: Iterable[str] = (),
    contents: Iterable[int | None] = (),
    brands: Iterable[int | None] = (),
    home: bool = False,
) -> None:
    """These products were written (and these categories' members changed, these addresses'
    products, these categories' contents and these brands': the written products' own and those
    they left; `home`: a product on the home page's rows, or one that left them): the product
    pages, the category and brand listings and the home page that show them end, and every
    search (the listings' token is renewed)."""
    marks = [product_mark(pk) for pk in set(products)] + [members_mark(pk) for pk in set(categories)]
    marks += [slug_mark(slug) for slug in set(slugs)] + [contents_mark(pk) for pk in set(contents)]
    marks += [brand_mark(pk) for pk in set(brands)] + ([HOME_MARK] if home else [])
    if not marks:  # no row written (an update that matched none): searches end, as with any write
        _renew(VERSION_KEY)
        replica_hold()
        return
    # The listings' token is written with the marks, so it lapses after MARK_SECONDS without a write:
    # a token found missing is replaced by a new one (version_or_new), so its entries are missed,
    # never served stale.
    _renew(VERSION_KEY, also=dict.fromkeys(marks, _next_number()), seconds=MARK_SECONDS)
    replica_hold()


def bump_after_write() -> None:
    """Now (readers inside this transaction) and again at commit (readers who ran meanwhile)."""
    bump()
    transaction.on_commit(bump)
    contents_written(None)


def contents_written(category_ids: Iterable[int | None] | None) -> None:
    """These categories' products were written in this transaction (None: any category's): the counts
    kept in the database for them (catalog.models.CategoryCounts) are no longer current, in the same
    transaction, and are counted again once it commits (catalog.category_counts). Once per transaction
    and category: a delete sends a signal per row (a product's variants, its option index). Raw SQL:
    the models import this module."""
    ids = None if category_ids is None else sorted({pk for pk in category_ids if pk is not None})
    if ids == [] or _raised_already(ids):
        return
    table = "catalog_categorycounts"
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"UPDATE {table} SET written = written + 1")
        else:
            # Upserted, in id order (writers lock the rows alike): a category counted for the first time
            # while this transaction is open waits for it (catalog.category_counts.refresh inserts its row).
            rows = ", ".join(["(%s, 1, 0, '[]', '{}')"] * len(ids))
            cursor.execute(
                f"INSERT INTO {table} (category_id, written, counted, stats, options) VALUES {rows} "
                f"ON CONFLICT (category_id) DO UPDATE SET written = {table}.written + 1",
                ids,
            )
    raised = _Raised(ids)
    transaction.on_commit(raised)
    if connection.in_atomic_block:
        connection.__dict__.setdefault(_RAISED, []).append(raised)


_RAISED = "_catalog_counts_raised"


class _Raised:
    """Categories whose kept counts this transaction made not current; at commit, their refresh is
    enqueued. Django keeps it in the connection's commit hooks while that raise stands: not after a
    commit or a rollback of the transaction, nor of the savepoint it was made in."""

    def __init__(self, ids: list[int] | None) -> None:
        self.ids, self.ran = ids, False

    def __call__(self) -> None:
        self.ran = True
        enqueue.category_counts_refresh(category_ids=self.ids)

    def stands(self) -> bool:
        return not self.ran and any(entry[1] is self for entry in connection.run_on_commit)


def counted_again() -> None:
    """The kept counts were counted again in this transaction (catalog.category_counts.refresh): a write
    after it raises its categories again, whatever was raised before."""
    connection.__dict__.pop(_RAISED, None)


def _raised_already(ids: list[int] | None) -> bool:
    if not connection.in_atomic_block:
        return False
    standing = [raised for raised in connection.__dict__.get(_RAISED, []) if raised.stands()]
    connection.__dict__[_RAISED] = standing
    if any(raised.ids is None for raised in standing):
        return True
    return ids is not None and set(ids) <= {pk for raised in standing for pk in raised.ids or ()}


def bump_listings_after_write() -> None:
    bump_listings()
    transaction.on_commit(bump_listings)


def mark_after_write(
    *,
    products: Iterable[int] = (),
    categories: Iterable[int | None] = (),
    slugs: Iterable[str] = (),
    contents: Iterable[int | None] = (),
    brands: Iterable[int | None] = (),
    home: bool = False,
    counts: bool = True,
) -> None:
    """mark_written now and again at commit: a page that read the rows before the commit took a
    number below the second mark. `contents` and `brands`: the categories and brands of the
    products written, and those they left (the categories left are among `categories`); `counts`: False when
    the write changes nothing the kept counts hold (stock coming back)."""
    product_ids, category_ids, addresses = set(products), set(categories), set(slugs)
    shown_in, brand_ids = category_ids | set(contents), set(brands)

    def mark() -> None:
        mark_written(
            products=product_ids,
            categories=category_ids,
            slugs=addresses,
            contents=shown_in,
            brands=brand_ids,
            home=home,
        )

    mark()
    transaction.on_commit(mark)
    if counts:
        contents_written(shown_in)


def version_or_new(version: str | None, key: str = VERSION_KEY) -> str:
    """The version read with an entry, or a new one when none is set yet (first use, flush)."""
    if version is None:
        version = _new_version()
        if not cache.add(key, version, None):
            version = cache.get(key, version)
        request_reads.remember(key, version)
    return version


class Reading(NamedTuple):
    """What a product page's entry was read under: it holds while the product pages' token is
    `token` and no mark in `marks` is above the number it maps to (the counter before the entry
    that shows that product began reading: this entry, or one it was built from)."""

    token: str
    marks: Mapping[str, int]

    @classmethod
    def of(cls, token: str, number: int, marks: Iterable[str]) -> "Reading":
        """Every mark under one number: an entry read from the database alone."""
        return cls(token, dict.fromkeys(marks, number))


def reading_start() -> tuple[str, int]:
    """The product pages' token and the counter now, before anything is read."""
    token = version_or_new(request_reads.read(PRODUCT_PAGES_KEY), PRODUCT_PAGES_KEY)
    number = request_reads.read(WRITES_KEY)
    if number is None:
        cache.add(WRITES_KEY, _counter_start(), None)
        number = cache.get(WRITES_KEY, 0)
        request_reads.remember(WRITES_KEY, number)
    return token, number


def as_reading(stored) -> Reading | None:
    """A reading stored as a plain tuple, or None for anything else (an entry of another release)."""
    try:
        token, marks = stored
    except (TypeError, ValueError):
        return None
    if not isinstance(marks, dict) or not all(isinstance(number, int) for number in marks.values()):
        return None
    return Reading(token, marks)


def holds(reading: Reading | None, token: str | None = None, found: dict | None = None) -> bool:
    """Whether an entry read under `reading` may be served: the token unchanged (`token`, when
    the caller read it already) and none of its marks above its number (those in `found` as the
    caller read them, the others once per request)."""
    if reading is None:
        return False
    if (token if token is not None else request_reads.read(PRODUCT_PAGES_KEY)) != reading.token:
        return False
    found = found or {}
    marks = {key: found[key] for key in reading.marks if key in found}
    if len(marks) < len(reading.marks):
        marks.update(request_reads.read_many(sorted(reading.marks.keys() - marks.keys())))
    # A mark gone (lapsed past every entry's time limit, or evicted) reads as never written.
    return all((marks.get(key) or 0) <= number for key, number in reading.marks.items())


def combined(token: str, number: int, readings: Iterable[Reading], marks: Iterable[str] = ()) -> Reading:
    """The reading of what was built, from `number` on, from other entries: it holds while each of
    them does (every mark under the lowest number it was read at) and none of its own `marks` is
    written after `number`. Not every mark under the lowest number of all: an entry built from one
    read before a product's write and one read after it would never hold again."""
    limits = dict.fromkeys(marks, number)
    for found in readings:
        for mark, limit in found.marks.items():
            limits[mark] = min(limits.get(mark, limit), limit)
    return Reading(token, limits)


_noted: ContextVar[list[Reading] | None] = ContextVar("catalog_readings", default=None)


def note(reading: Reading) -> None:
    """A product entry used while a page renders: the page's own entry is read under it too."""
    noted = _noted.get()
    if noted is not None:
        noted.append(reading)


@contextlib.contextmanager
def noting() -> Iterator[list[Reading]]:
    """The readings of the product entries used inside the block."""
    outer = _noted.get()
    readings: list[Reading] = []
    token = _noted.set(readings)
    try:
        yield readings
    finally:
        _noted.reset(token)
        if outer is not None:  # what is built around the block holds no longer than its entries
            outer.extend(readings)
