"""Reads shared by storefront pages, with their joins and prefetches applied."""

import functools
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Collection as AnyCollection
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, Exists, Model, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from core.compiled_query import CompiledQuery, InSlot, Slot, prefetched
from core.db_router import primary_reads, reading_from_replica
from core.query_moment import QueryMoment, at_moment

from . import catalog_version, listing_cache
from .listing import card_columns, cards_pictured, cards_read
from .models import (
    Banner,
    Brand,
    BundleComponent,
    Category,
    Collection,
    CollectionItem,
    Kit,
    KitItem,
    Option,
    OptionValue,
    Product,
    ProductImage,
    ProductLine,
    ProductQuerySet,
    Variant,
    launch_awaited,
)
from .ports import availability_by_variant, bundle_availability
from .tree import Tree, catalog_tree

log = logging.getLogger(__name__)


def visible_products(tree: Tree | None = None) -> ProductQuerySet:
    """What shoppers may see: active products outside hidden categories and brands. The hidden
    ids come from the cached catalog tree (usually none), so no join checks is_active per row."""
    tree = tree or catalog_tree()
    return _visible_outside(tuple(tree.hidden_category_ids), tuple(tree.hidden_brand_ids))


def _visible_outside(hidden_category_ids: tuple[int, ...], hidden_brand_ids: tuple[int, ...]) -> ProductQuerySet:
    products = Product.objects.filter(status=Product.Status.ACTIVE)
    if hidden_category_ids:
        products = products.exclude(category_id__in=hidden_category_ids)
    if hidden_brand_ids:
        products = products.exclude(brand_id__in=hidden_brand_ids)
    return products


def admin_product_search(products: QuerySet[Product], search_term: str) -> QuerySet[Product]:
    """The admin's product search: every word (a quoted phrase is one) in the name, the base SKU, the
    model number or a variant's SKU, as the admin's `icontains` search over those fields would find,
    each field through its trigram index on PostgreSQL (catalog migration 0017), OR-ed in one bitmap:
    the variants' matching products as an array the product's primary key is looked up in (an
    `IN (subquery)` beside an OR would be checked row by row, over the whole catalog)."""
    for bit in smart_split(search_term):
        if bit[:1] in "\"'" and len(bit) > 1 and bit[-1] == bit[0]:
            bit = unescape_string_literal(bit)
        words = Q(name__icontains=bit) | Q(base_sku__icontains=bit) | Q(model_number__icontains=bit)
        if connection.vendor == "postgresql":
            pattern = f"%{connection.ops.prep_for_like_query(bit)}%"
            in_variants = RawSQL(
                f'"{Product._meta.db_table}"."id" = ANY(ARRAY(SELECT v.product_id FROM {Variant._meta.db_table} v'
                " WHERE UPPER(v.sku::text) LIKE UPPER(%s)))",
                (pattern,),
                output_field=BooleanField(),
            )
            products = products.filter(words | Q(in_variants))
        else:
            products = products.filter(
                words | Q(pk__in=Variant.objects.filter(sku__icontains=bit).values("product_id"))
            )
    return products


def active_brand(slug: str) -> Brand | None:
    """The brand behind /marca/<slug>/, or None when unknown or hidden."""
    return Brand.objects.filter(slug=slug, is_active=True).only("pk", "name", "slug", "description").first()


# --- home ------------------------------------------------------------------------


@dataclass
class HomeSections:
    banners: list[Banner]
    featured: list[Product]
    new_arrivals: list[Product]
    live_drops: list[Collection]
    upcoming_drops: list[Collection]
    kits: list[Kit]

    def marks(self) -> list[str]:
        """What the rows are kept under: the home page's mark and their products'."""
        shown = {product.pk for product in (*self.featured, *self.new_arrivals)}
        return [catalog_version.HOME_MARK, *(catalog_version.product_mark(pk) for pk in sorted(shown))]


@functools.cache
def _rows_shape() -> str:
    """Names the catalog models' fields and those of the entries holding them: the home page's and
    product pages' cached entries hold model instances in dataclasses, so a release that changes a
    model or an entry's shape reads none written by the one before."""
    models = (
        Banner,
        Brand,
        BundleComponent,
        Category,
        Collection,
        Kit,
        OptionValue,
        Product,
        ProductImage,
        ProductLine,
        Variant,
        cast("type[Model]", Product._meta.get_field("seller").related_model),  # accounts.Seller
    )
    fields = [f"{model.__name__}.{field.attname}" for model in models for field in model._meta.concrete_fields]
    fields += [
        f"{entry.__name__}.{kept.name}"
        for entry in (HomeSections, _ProductCatalogData)
        for kept in dataclass_fields(entry)
    ]
    return hashlib.sha1("|".join(fields).encode()).hexdigest()[:12]


def home_sections(*, now: datetime | None = None) -> HomeSections:
    """The home page's rows; without `now`, from the cache while none of their products is written,
    nor a featured or new product, nor a banner (catalog.catalog_version.HOME_MARK), and no collection
    or banner has started or ended since (catalog.listing_cache)."""
    if now is not None:
        return _home_sections(now)
    return listing_cache.get_or_compute_for_product(
        "home:" + _rows_shape(),
        "",
        lambda: _home_sections(timezone.now()),
        marks=lambda sections: sections.marks(),
        until=listing_cache.next_banner_change,
    )


@dataclass(frozen=True)
class _HomeQueries:
    """The home page's reads, compiled once per process for each set of hidden ids (_home_queries):
    built and compiled on every read, they cost more than the database's answers. Each judges its time
    windows at the moment it runs (QueryMoment)."""

    featured: CompiledQuery[Product]  # cards, by sales
    new_arrivals: CompiledQuery[Product]  # cards, newest first
    drops: CompiledQuery[Collection]  # not ended, by start
    banners: CompiledQuery[Banner]
    kits: CompiledQuery[Kit]


@functools.lru_cache(maxsize=4)
def _home_queries(hidden_category_ids: tuple[int, ...], hidden_brand_ids: tuple[int, ...]) -> _HomeQueries:
    visible = _visible_outside(hidden_category_ids, hidden_brand_ids)
    return _HomeQueries(
        featured=CompiledQuery(card_columns(visible.filter(is_featured=True).order_by("-units_sold", "-pk"))[:8]),
        new_arrivals=CompiledQuery(card_columns(visible.filter(is_new=True).order_by("-created_at", "-pk"))[:8]),
        drops=CompiledQuery(
            Collection.objects.filter(is_active=True)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=QueryMoment()))
            .order_by("starts_at")[:8]
        ),
        banners=CompiledQuery(Banner.objects.live(QueryMoment()).order_by("order", "pk")[:6]),
        kits=CompiledQuery(Kit.objects.filter(is_active=True).order_by("name")[:4]),
    )


def _home_sections(now: datetime) -> HomeSections:
    tree = catalog_tree()
    queries = _home_queries(tuple(tree.hidden_category_ids), tuple(tree.hidden_brand_ids))
    with at_moment(now):
        drops, featured, new_arrivals = queries.drops.all(), queries.featured.all(), queries.new_arrivals.all()
        banners = queries.banners.all()
    cards_pictured(featured + new_arrivals)  # both rows' pictures in one read
    return HomeSections(
        banners=banners,
        featured=featured,
        new_arrivals=new_arrivals,
        live_drops=[c for c in drops if c.starts_at <= now],
        upcoming_drops=[c for c in drops if c.starts_at > now],
        kits=queries.kits.all(),
    )


# --- product page -------------------------------------------------------------------


@dataclass
class OptionChoice:
    slug: str
    label: str
    swatch: str
    selected: bool
    available: bool  # some active variant has it together with the other selected values
    query: str
    sold_out: bool = False  # such variants exist, but none has a unit to sell


@dataclass
class OptionGroup:
    code: str
    name: str
    choices: list[OptionChoice]


@dataclass
class ProductPage:
    product: Product
    variant: Variant | None
    variants: list[Variant]
    option_groups: list[OptionGroup]
    images: list[ProductImage]
    specs: list[tuple[str, str]]
    related: list[Product]
    upcoming_drop: Collection | None  # not buyable until it starts
    ended_drop: Collection | None
    availability: dict[int, int] = field(default_factory=dict)  # units to sell per variant id
    components: list[BundleComponent] = field(default_factory=list)  # a bundle's BundleComponent rows
    # Names the catalog data it shows (_ProductCatalogData.reading) and the product pages' token it was
    # read under (a catalog-wide write renews it: site settings, shipping rates, a brand).
    catalog_reading: str = ""
    content_reading: str = ""  # the same but its prices (_ProductCatalogData.reading_but_prices)
    # What its catalog entries were read under (catalog.catalog_version): what is built from it holds no longer.
    readings: list[catalog_version.Reading] = field(default_factory=list)
    related_readings: list[catalog_version.Reading] = field(default_factory=list)  # those of `related`

    # Below this many units the page says how many are left ("Quedan 3").
    FEW_LEFT = 5

    def content_shown(self) -> str:
        """Names all the content around its buy box shows of the catalog: its catalog data but its
        prices, the product pages' token (`content_reading`) and the reading its related products were
        kept under (renewed when one of them is written). Stock and the clock are not in it."""
        return f"{self.content_reading}:{self.related_readings!r}"

    @property
    def units_left(self) -> int:
        return self.availability.get(self.variant.pk, 0) if self.variant else 0

    @property
    def sold_out(self) -> bool:
        return self.variant is None or self.units_left <= 0

    @property
    def few_left(self) -> bool:
        return 0 < self.units_left <= self.FEW_LEFT


# What a product page shows of its product and variants only in its buy box and structured data
# (storefront.views._stock_parts): a change of these alone leaves the content around them as it was
# (tests/storefront/test_cold_product.py changes each and compares that content).
PRICES: dict[type[Model], frozenset[str]] = {
    Product: frozenset(
        {
            "base_price",
            "compare_at_price",
            "promo_percent",
            "promo_amount",
            "promo_badge",
            "sale_price",
            "price_reveal_at",
        }
    ),
    Variant: frozenset({"price_modifier"}),
}


def rows_names(values: object, *, apart: Mapping[type[Model], AnyCollection[str]]) -> tuple[str, str]:
    """Names for what model instances hold as read: each one's fields and annotations, and the
    instances it holds in turn (its related rows, its prefetched ones), walked in order. The same rows
    read again have the same names; any value that differs gives others. The first names everything,
    the second everything but the fields `apart` names for each model. Fields set on every save
    (`auto_now`) are left out of both: they tell when a row was saved, which no page shows."""
    whole, rest = hashlib.blake2b(digest_size=16), hashlib.blake2b(digest_size=16)
    seen: set[int] = set()

    def update(data: bytes) -> None:
        whole.update(data)
        rest.update(data)

    def walk(value: object) -> None:
        if isinstance(value, Model):
            if id(value) in seen:
                update(b"<again>")
                return
            seen.add(id(value))
            state = value.__dict__
            skipped, set_apart = _not_named(type(value)), apart.get(type(value), ())
            # Its own values in one repr (a call per value would cost more than the rest of the walk).
            own: list[tuple[str, object]] = []
            apart_values: list[tuple[str, object]] = []
            nested: list[tuple[str, object]] = []
            for name, item in state.items():
                if name in skipped:
                    continue
                if isinstance(item, _NESTED):
                    nested.append((name, item))
                else:
                    (apart_values if name in set_apart else own).append((name, item))
            update(repr(own).encode())
            whole.update(repr(apart_values).encode())
            for name, item in nested:
                update(f"{name}=".encode())
                walk(item)
            for related, instance in state["_state"].fields_cache.items():
                update(f"{related}=".encode())
                walk(instance)
            for related, instances in state.get("_prefetched_objects_cache", {}).items():
                update(f"{related}=".encode())
                walk(list(instances))
        elif isinstance(value, list | tuple):
            update(b"[")
            for item in value:
                walk(item)
            update(b"]")
        else:
            update(repr(value).encode())

    walk(values)
    return whole.hexdigest(), rest.hexdigest()


_NESTED = (Model, list, tuple)  # walked on their own; a tuple: isinstance reads it faster than a union


@functools.cache
def _not_named(model: type[Model]) -> frozenset[str]:
    """What rows_names leaves out of a model's instance: its state and prefetched rows (walked on their
    own), the fields set on every save."""
    saved_moments = {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
    return frozenset({"_state", "_prefetched_objects_cache", *saved_moments})


# An option value as a product page lists it: (option order, option code, option name, value order,
# value slug, value label, swatch).
OptionValueRow = tuple[int, str, str, int, str, str, str]


@dataclass
class _ProductCatalogData:
    """What a product page shows of the catalog (no stock) but its related products: cached while
    none of the products it shows is written (catalog.catalog_version)."""

    product: Product
    variants: list[Variant]
    components: list[BundleComponent]
    # Names what it holds (rows_names): what is rendered from it may be kept under this name, and a
    # reading after a write that changed none of it (a save as it was, a price history row) has the same
    # one. The second leaves its prices out (PRICES): what the page shows around the buy box.
    reading: str = field(init=False)
    reading_but_prices: str = field(init=False)

    # What every render reads of the variants' option values, worked out once when the entry is filled
    # and kept with it: each access to a variant's option_values makes a related manager (15 µs).
    options_of: dict[int, dict[str, str]] = field(init=False)  # {option code: value slug} by variant id
    option_values: list[OptionValueRow] = field(init=False)  # every one a variant has, in the page's order

    def __post_init__(self) -> None:
        values_of = {variant.pk: list(variant.option_values.all()) for variant in self.variants}
        self.options_of = {pk: {value.option.code: value.slug for value in values} for pk, values in values_of.items()}
        self.option_values = sorted(
            {
                (val.option.order, val.option.code, val.option.name, val.order, val.slug, val.value, val.swatch)
                for values in values_of.values()
                for val in values
            }
        )
        self.reading, self.reading_but_prices = rows_names([self.product, self.variants, self.components], apart=PRICES)

    def marks(self) -> list[str]:
        """The marks of the products it shows: its own (and its address'), its bundle parts'."""
        shown = {self.product.pk, *(part.component.product_id for part in self.components)}
        return [catalog_version.slug_mark(self.product.slug), *(catalog_version.product_mark(pk) for pk in shown)]


@functools.lru_cache(maxsize=4)
def _page_products(hidden_category_ids: tuple[int, ...], hidden_brand_ids: tuple[int, ...]) -> CompiledQuery[Product]:
    """The product page's product query (the slot `slug`), compiled once per process for each set of
    hidden ids (the catalog tree's, nearly always the same): building and compiling its launch and
    collection subqueries is a fifth of a product page rendered after the product's write. Judged at
    the moment it runs (core.query_moment)."""
    products = (
        _visible_outside(hidden_category_ids, hidden_brand_ids)
        .with_price_reveal(QueryMoment())
        .select_related("brand", "category", "line", "seller")
        .defer("search_vector", "search_name")  # the search's own columns: kept and named for nothing
        # Most products are in no collection: their drops are read only when they are.
        .annotate(
            in_collections=Exists(CollectionItem.objects.filter(product=OuterRef("pk"), collection__is_active=True))
        )
        .filter(slug=Slot("slug"))
    )
    return CompiledQuery(products)


def _on_sale() -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True)


@functools.cache
def _page_variants() -> CompiledQuery[Variant]:
    """A product's (the slot `product`) variants on sale, in their order."""
    return CompiledQuery(_on_sale().filter(product_id=Slot("product")))


@functools.cache
def _page_images() -> CompiledQuery[ProductImage]:
    """A product's (the slot `product`) pictures, in their order."""
    return CompiledQuery(ProductImage.objects.filter(product_id=Slot("product")))


# What a variant's option values are read with: the value's own columns, then its option's, each
# starting with its id.
_VALUE_COLUMNS = ("id", *(f.attname for f in OptionValue._meta.concrete_fields if f.attname != "id"))
_OPTION_COLUMNS = ("id", *(f.attname for f in Option._meta.concrete_fields if f.attname != "id"))


@functools.cache
def _option_value_links() -> "CompiledQuery[Any]":
    """The variants' (the slot `ids`) option values, one row a variant's value: the variant's id, then
    the value's and its option's columns, in the option values' own order."""
    links = (
        Variant.option_values.through.objects.filter(InSlot("variant_id", "ids"))
        .order_by(*(f"optionvalue__{name}" for name in OptionValue._meta.ordering or ()))
        .values_list(
            "variant_id",
            *(f"optionvalue__{name}" for name in _VALUE_COLUMNS),
            *(f"optionvalue__option__{name}" for name in _OPTION_COLUMNS),
        )
    )
    return CompiledQuery(links)


def option_values_prefetched(variants: Sequence[Variant]) -> None:
    """Each variant's `option_values.all()` answered (with their option) as after Django's prefetch, in
    one query compiled once per process: Django builds and compiles a prefetch's query on every run,
    which cost most of a cart's pricing and a third of reading a product page's catalog data. A value
    that several variants share (a size, a colour) is one instance, its option too: the demo hoodie's
    ten variants of three values each were ninety model instances and are eleven, and its catalog
    data, kept in Redis, pickles each once."""
    values_of: dict[int, list[OptionValue]] = {variant.pk: [] for variant in variants}
    if values_of:
        db = Variant.option_values.through.objects.db  # the alias the query reads from
        values: dict[int, OptionValue] = {}
        options: dict[int, Option] = {}
        split = 1 + len(_VALUE_COLUMNS)
        for row in _option_value_links().all(ids=list(values_of)):
            value_row, option_row = row[1:split], row[split:]
            value = values.get(value_row[0])
            if value is None:
                value = values[value_row[0]] = OptionValue.from_db(db, _VALUE_COLUMNS, value_row)
                option = options.get(option_row[0])
                if option is None:
                    option = options[option_row[0]] = Option.from_db(db, _OPTION_COLUMNS, option_row)
                value.option = option
            values_of[row[0]].append(value)
    for variant in variants:
        prefetched(variant, "option_values", values_of[variant.pk])


def _product_catalog_data(slug: str) -> _ProductCatalogData | None:
    tree = catalog_tree()
    products = _page_products(tuple(tree.hidden_category_ids), tuple(tree.hidden_brand_ids))
    with at_moment(timezone.now()):
        product = next(iter(products.all(slug=slug)), None)
    if product is None and reading_from_replica():
        # A "not found" is kept until a product is written at this address, and the replica may not have
        # replayed that write yet (its writer set no hold, or the hold lapsed first): the primary has the
        # last word, for one query more on an address nobody sells.
        with primary_reads():
            found = _product_catalog_data(slug)
        if found is not None:
            log.warning("The replica has no product at %s yet; the primary has it", slug)
        return found
    if product is None:
        return None
    # The variants, their option values and the pictures read as Django's prefetches would, by queries
    # compiled once.
    variants = _page_variants().all(product=product.pk)
    images = _page_images().all(product=product.pk)
    # As Django's prefetch leaves them: no query for their product.
    for variant in variants:
        variant.product = product
    for image in images:
        image.product = product
    option_values_prefetched(variants)
    prefetched(product, "variants", variants, _on_sale())
    prefetched(product, "images", images)
    if product.in_collections:  # type: ignore[attr-defined]  # the annotation above
        prefetch_related_objects([product], Prefetch("collections", queryset=Collection.objects.filter(is_active=True)))
    else:
        prefetched(product, "collections", [])
    return _ProductCatalogData(
        product=product,
        variants=variants,
        components=bundle_components(product) if product.product_type == Product.Type.BUNDLE else [],
    )


@functools.lru_cache(maxsize=4)
def _related_rows(hidden_category_ids: tuple[int, ...], hidden_brand_ids: tuple[int, ...]) -> CompiledQuery[Product]:
    """The best-selling products of the slot `category` but the slot `product`, a card's columns each,
    compiled once per process for each set of hidden ids (as _page_products)."""
    others = (
        _visible_outside(hidden_category_ids, hidden_brand_ids)
        .filter(category_id=Slot("category"))
        .exclude(pk=Slot("product"))
        .order_by("-units_sold", "-pk")
    )
    return CompiledQuery(card_columns(others)[:8])


def _related(product: Product) -> list[Product]:
    """The product page's related products: the best-selling others of its category (cards)."""
    tree = catalog_tree()
    related = _related_rows(tuple(tree.hidden_category_ids), tuple(tree.hidden_brand_ids)).all(
        category=product.category_id, product=product.pk
    )
    cards_pictured(related)
    return related


def _related_marks(product: Product) -> Callable[[list[Product]], list[str]]:
    """Its related products' marks and its category's members' (one joining may be among them)."""
    return lambda related: [
        catalog_version.members_mark(product.category_id),
        *(catalog_version.product_mark(card.pk) for card in related),
    ]


def _selected_variant(
    variants: list[Variant], options_of: dict[int, dict[str, str]], selection: dict[str, str]
) -> Variant | None:
    """The first variant whose option values contain the whole selection (values no variant has
    are ignored); the first variant when nothing matches."""
    known = {code: value for code, value in selection.items() if any(o.get(code) == value for o in options_of.values())}
    return next((v for v in variants if known.items() <= options_of[v.pk].items()), variants[0] if variants else None)


def _option_choice(
    code: str,
    value_slug: str,
    label: str,
    swatch: str,
    *,
    chosen: dict[str, str],
    options_of: dict[int, dict[str, str]],
    availability: dict[int, int],
) -> OptionChoice:
    wanted = {**chosen, code: value_slug}
    others = {c: s for c, s in chosen.items() if c != code}
    # Offered only when a real variant has this value together with the other chosen values.
    matching = [
        pk
        for pk, o in options_of.items()
        if o.get(code) == value_slug and all(o.get(c) == s for c, s in others.items())
    ]
    return OptionChoice(
        slug=value_slug,
        label=label,
        swatch=swatch,
        selected=chosen.get(code) == value_slug,
        available=bool(matching),
        query="&".join(f"{c}={s}" for c, s in sorted(wanted.items())),
        sold_out=bool(matching) and not any(availability.get(pk, 0) > 0 for pk in matching),
    )


def _option_groups(
    option_values: list[OptionValueRow],
    options_of: dict[int, dict[str, str]],
    chosen: dict[str, str],
    availability: dict[int, int],
) -> list[OptionGroup]:
    groups: dict[str, OptionGroup] = {}
    for _order, code, name, _value_order, value_slug, label, swatch in option_values:
        groups.setdefault(code, OptionGroup(code=code, name=name, choices=[])).choices.append(
            _option_choice(
                code, value_slug, label, swatch, chosen=chosen, options_of=options_of, availability=availability
            )
        )
    return list(groups.values())


def _variant_images(
    product: Product, variant: Variant | None, variants: list[Variant], options_of: dict[int, dict[str, str]]
) -> list[ProductImage]:
    """The selected variant's photos, then the product's general ones. Photos belong to a look
    (usually a colour), not to one size: those of every variant sharing the selected variant's
    colour are used when it has none of its own."""
    all_images = list(product.images.all())
    chosen = options_of[variant.pk] if variant else {}
    own = [image for image in all_images if variant is not None and image.variant_id == variant.pk]
    if not own and variant is not None and "color" in chosen:
        same_colour = {v.pk for v in variants if options_of[v.pk].get("color") == chosen["color"]}
        own = [image for image in all_images if image.variant_id in same_colour]
    general = [image for image in all_images if image.variant_id is None]
    return own + general or all_images


def _specs(product: Product) -> list[tuple[str, str]]:
    """The line's base specs, overridden and extended by the product's own."""
    specs_source = {**(product.line.base_specs if product.line else {}), **(product.specs or {})}
    return [(str(k), str(v)) for k, v in specs_source.items()]


def _drops(product: Product, now: datetime) -> tuple[Collection | None, Collection | None]:
    """(the drop it waits for, the drop that ended), as catalog.models.launch_awaited decides: it
    waits for its earliest collection ahead unless a live one sells it already; a product whose
    drop ended is closed unless another live collection still sells it."""
    collections = list(product.collections.all())
    live = any(c.is_live(now) for c in collections)
    upcoming = (
        None if live else min((c for c in collections if c.starts_at > now), key=lambda c: c.starts_at, default=None)
    )
    ended = (
        None
        if live
        else next((c for c in collections if c.collection_type == Collection.Type.DROP and c.has_ended(now)), None)
    )
    return upcoming, ended


def product_page_variants_kept(slug: str) -> list[int]:
    """The variants whose stock the product page at `slug` shows, as this process' copy of its
    catalog data has them (none without a copy): for its view to read their figures ahead."""
    data = listing_cache.value_kept("product-page:" + _rows_shape(), slug)
    return list(data.options_of) if data is not None else []


def product_page(*, slug: str, selection: dict[str, str], now: datetime | None = None) -> ProductPage:
    """The product page's data: its catalog part from the cache while the catalog is unchanged and
    no collection has started or ended (catalog.listing_cache), its stock as inventory shows it
    (catalog.ports: a figure read again after every stock write)."""
    now = now or timezone.now()
    with catalog_version.noting() as readings:
        data = listing_cache.get_or_compute_for_product(
            "product-page:" + _rows_shape(),
            slug,
            lambda: _product_catalog_data(slug),
            # Not found: held until a product written has this address.
            marks=lambda found: found.marks() if found is not None else [catalog_version.slug_mark(slug)],
        )
        if data is None:
            raise Http404
        with catalog_version.noting() as related_readings:
            related = listing_cache.get_or_compute_for_product(
                "product-related:" + _rows_shape(),
                str(data.product.pk),
                lambda: _related(data.product),
                marks=_related_marks(data.product),
            )
    product, variants = data.product, data.variants
    tokens = ",".join(sorted({reading.token for reading in readings}))
    options_of = data.options_of
    availability = availability_by_variant(options_of)
    if product.product_type == Product.Type.BUNDLE:
        availability.update(bundle_availability(options_of))
    variant = _selected_variant(variants, options_of, selection)
    chosen = options_of[variant.pk] if variant else {}
    option_groups = _option_groups(data.option_values, options_of, chosen, availability)
    images = _variant_images(product, variant, variants, options_of)
    upcoming, ended = _drops(product, now)
    return ProductPage(
        product=product,
        variant=variant,
        variants=variants,
        option_groups=option_groups,
        images=images,
        specs=_specs(product),
        related=related,
        upcoming_drop=upcoming,
        ended_drop=ended,
        availability=availability,
        components=data.components,
        catalog_reading=f"{data.reading}:{tokens}",
        content_reading=f"{data.reading_but_prices}:{tokens}",
        readings=readings,
        related_readings=related_readings,
    )


def bundle_components(product: Product) -> list[BundleComponent]:
    """A bundle's components with their variant and product, for its page (one query)."""
    return list(
        BundleComponent.objects.filter(bundle=product)
        .select_related("component__product__brand")
        .order_by("order", "pk")
    )


# --- kits, collections, product lines -------------------------------------------------


@dataclass(frozen=True)
class KitFilter:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class KitBrowse:
    kits: list[Kit]
    rooms: list[KitFilter]
    styles: list[KitFilter]
    room: str
    style: str


def _kit_url(room: str, style: str) -> str:
    query = urlencode([(key, value) for key, value in (("room", room), ("style", style)) if value])
    return reverse("catalog:kits") + (f"?{query}" if query else "")


def _kit_room_filters(kits_in_style: list[Kit], *, room: str, style: str) -> list[KitFilter]:
    """The room types the kits of the chosen style cover, with their counts."""
    return [
        KitFilter(value, str(label), count, value == room, _kit_url("" if value == room else value, style))
        for value, label in Kit.Room.choices
        if (count := sum(1 for kit in kits_in_style if kit.room_type == value))
    ]


def _kit_style_filters(kits_in_room: list[Kit], tags: list[str], *, room: str, style: str) -> list[KitFilter]:
    """The style tags of the kits of the chosen room, with their counts."""
    return [
        KitFilter(tag, tag, count, tag == style, _kit_url(room, "" if tag == style else tag))
        for tag in tags
        if (count := sum(1 for kit in kits_in_room if tag in kit.style_tags))
    ]


def kits_browse(*, room: str = "", style: str = "") -> KitBrowse:
    """Active kits filtered by room type and one style tag, with the counts of each filter.
    One query: kits are a curated set (dozens), so the style tags (a JSON list, which SQLite
    cannot search) are counted and matched in Python. Unknown filters are ignored."""
    kits = list(Kit.objects.filter(is_active=True).order_by("name"))
    room = room if room in dict(Kit.Room.choices) else ""
    tags = sorted({tag for kit in kits for tag in kit.style_tags if isinstance(tag, str)}, key=str.casefold)
    style = style if style in tags else ""
    in_style = [kit for kit in kits if not style or style in kit.style_tags]
    in_room = [kit for kit in kits if not room or kit.room_type == room]
    shown = [kit for kit in in_room if not style or style in kit.style_tags]
    return KitBrowse(
        kits=shown,
        rooms=_kit_room_filters(in_style, room=room, style=style),
        styles=_kit_style_filters(in_room, tags, room=room, style=style),
        room=room,
        style=style,
    )


def kits_matching(query: str, *, limit: int = 4) -> list[Kit]:
    """Active kits whose name, or one of whose style tags, contains the search words (the
    "Kits" strip of the search results). One query over the curated kits."""
    words = query.casefold().split()
    if not words:
        return []
    found = []
    for kit in Kit.objects.filter(is_active=True).order_by("name"):
        text = " ".join([kit.name, kit.get_room_type_display(), *map(str, kit.style_tags)]).casefold()
        if all(word in text for word in words):
            found.append(kit)
            if len(found) == limit:
                break
    return found


@dataclass
class KitPage:
    """A kit with a choice for each item: the variant asked for, else the first one in stock.
    Pricing is the cart's (cart.selectors.kit_priced), so the page charges what the cart will."""

    kit: Kit
    required: list[KitItem]
    optional: list[KitItem]
    unavailable_reason: str = ""  # why adding the kit would be refused whatever the shopper picks

    @property
    def price_is_secret(self) -> bool:
        """A required item awaits its launch: the kit's total would tell its price."""
        return any(item.awaits_launch for item in self.required)

    @property
    def items(self) -> list[KitItem]:
        return self.required + self.optional

    @property
    def quantities(self) -> dict[int, int]:
        """{variant id: units}: what adding the kit with these choices puts in the cart."""
        wanted: dict[int, int] = {}
        for item in self.items:
            if item.chosen is not None and (not item.is_optional or item.ticked):
                wanted[item.chosen.pk] = wanted.get(item.chosen.pk, 0) + item.quantity
        return wanted


# A variant, or one a queryset annotated: what goes in comes back out as it was.
AnyVariant = TypeVar("AnyVariant", bound=Variant)


def first_in_stock(options: Sequence[AnyVariant], available: dict[int, int], quantity: int) -> AnyVariant | None:
    """A kit item's default option: the first with `quantity` units to sell, else the first."""
    return next((v for v in options if available.get(v.pk, 0) >= quantity), options[0] if options else None)


def kit_item_availability(variants: Sequence[Variant]) -> dict[int, int]:
    """{variant id: units to sell} for kit items' options (a bundle's: whole bundles)."""
    available = availability_by_variant([v.pk for v in variants])
    bundles = [v.pk for v in variants if v.product.product_type == Product.Type.BUNDLE]
    if bundles:
        available.update(bundle_availability(bundles))
    return available


def kit_page(
    *, slug: str, choices: dict[int, str] | None = None, optional_item_ids: AnyCollection[int] = frozenset()
) -> KitPage:
    """The kit behind /kits/<slug>/ with each item's options marked in stock or sold out.
    choices: {kit item id: SKU} the shopper picked; optional_item_ids: the extras ticked."""
    kit = get_object_or_404(
        Kit.objects.filter(is_active=True).prefetch_related(
            Prefetch(
                "items",
                queryset=KitItem.objects.filter(product__in=visible_products())
                .select_related("product__brand")
                .annotate(product_reveal_at=launch_awaited(OuterRef("product_id")))
                .prefetch_related(
                    Prefetch(
                        "product__images",
                        queryset=ProductImage.objects.filter(variant__isnull=True),
                        to_attr="card_images",
                    ),
                    Prefetch(
                        "product__variants",
                        queryset=Variant.objects.filter(is_active=True)
                        .order_by("order", "pk")
                        .select_related("product")
                        .prefetch_related("option_values"),
                    ),
                ),
            )
        ),
        slug=slug,
    )
    items = list(kit.items.all())
    available = kit_item_availability([v for item in items for v in item.product.variants.all()])
    choices = choices or {}
    for item in items:
        # What Product.price_is_secret reads; annotated by the prefetch above, which the plugin cannot follow.
        item.product.price_reveal_at = item.product_reveal_at  # type: ignore[attr-defined]
        options = list(item.product.variants.all())
        # The options a shopper may pick, labelled by their option values, sold-out ones marked.
        item.choices = [
            SimpleNamespace(sku=v.sku, label=v.option_label or v.sku, in_stock=available.get(v.pk, 0) >= item.quantity)
            for v in options
        ]
        item.sold_out = not any(choice.in_stock for choice in item.choices)
        asked = next((v for v in options if v.sku == choices.get(item.pk)), None)
        item.chosen = asked or first_in_stock(options, available, item.quantity)
        # An item awaiting its launch can be neither bought nor priced yet (its price is secret).
        item.awaits_launch = item.product.price_is_secret
        item.ticked = item.is_optional and item.pk in optional_item_ids and not item.sold_out and not item.awaits_launch
    required = [item for item in items if not item.is_optional]
    optional = [item for item in items if item.is_optional]
    return KitPage(kit=kit, required=required, optional=optional, unavailable_reason=_kit_unavailable(required))


def _kit_unavailable(required: list[KitItem]) -> str:
    """Why adding the kit would be refused whatever the shopper picks: a required item with no
    option in stock, or more units of one than a customer may buy."""
    launching = next((item for item in required if item.awaits_launch), None)
    if launching is not None:
        return _("%(name)s goes on sale on %(date)s; the kit can be bought from then on.") % {
            "name": launching.product.name,
            "date": date_format(timezone.localtime(launching.product.price_reveal_at), "DATETIME_FORMAT"),
        }
    missing = next((item for item in required if item.sold_out), None)
    if missing is not None:
        return _("%(name)s is sold out, so the kit cannot be bought right now.") % {"name": missing.product.name}
    over = next((item for item in required if item.product.exceeds_purchase_limit(held=0, adding=item.quantity)), None)
    if over is not None:
        return _("The kit has %(count)d units of %(name)s, more than one customer may buy (%(limit)d).") % {
            "count": over.quantity,
            "name": over.product.name,
            "limit": over.product.purchase_limit,
        }
    return ""


def collection_page(*, slug: str) -> tuple[Collection, list[Product]]:
    collection = get_object_or_404(Collection.objects.filter(is_active=True), slug=slug)
    visible = visible_products()
    item_products = (
        CollectionItem.objects.filter(collection=collection, product__in=visible)
        .order_by("order", "pk")
        .values_list("product_id", flat=True)
    )
    ids = list(item_products)
    by_id = {p.pk: p for p in cards_read(visible.filter(pk__in=ids))}
    return collection, [by_id[pk] for pk in ids if pk in by_id]


def line_page(*, slug: str) -> tuple[ProductLine, list[Product], list[str]]:
    line = get_object_or_404(ProductLine.objects.filter(is_active=True).select_related("category"), slug=slug)
    products = cards_read(visible_products().filter(line=line).order_by("sale_price", "pk"))
    spec_keys: list[str] = []
    for product in products:
        for key in product.specs or {}:
            if key not in spec_keys:
                spec_keys.append(key)
    return line, products, spec_keys
