"""Listing pages (family, category, search) share one filter, facet and sort engine.

Filters live in the query string so a filtered page can be shared: `brand` (repeatable),
`min_price`, `max_price`, one parameter per option code (`size`, `color`, ... repeatable),
`in_stock`, `rating` (4: four stars and up), `sort`, `page`, `per_page`. Anything unknown or malformed is dropped, never an error.
"""

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypedDict
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.compiled_query import CompiledQuery, InSlot, OneOf
from core.query_moment import QueryMoment

from . import listing_cache
from .models import AwaitingLaunch, Product, ProductImage, ProductOptionValue, ProductQuerySet, launch_awaited
from .ports import product_in_stock

PAGE_SIZES = (24, 48)
FOUR_STARS = Decimal("4")
MAX_PRICE = Decimal("99999999.99")

SORTS = {
    "relevance": _("Most relevant"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "newest": _("Newest"),
    "rating": _("Best rated"),
    "best_selling": _("Best selling"),
}
ORDERINGS = {
    "relevance": ("-is_featured", "-units_sold", "-pk"),
    # sale_price: the price the shopper pays (after the best running automatic discount).
    "price_asc": ("sale_price", "pk"),
    "price_desc": ("-sale_price", "-pk"),
    "newest": ("-created_at", "-pk"),
    "rating": ("-rating_average", "-rating_count", "-pk"),
    "best_selling": ("-units_sold", "-pk"),
}
PRICE_BUCKETS = [
    (Decimal("0"), Decimal("100")),
    (Decimal("100"), Decimal("500")),
    (Decimal("500"), Decimal("1500")),
    (Decimal("1500"), Decimal("5000")),
    (Decimal("5000"), None),
]


def _price(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        return None
    return value.quantize(Decimal("0.01"))


@dataclass
class ListingParams:
    brands: list[str] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    four_stars: bool = False  # rated 4 stars or more
    sort: str = "relevance"
    page: str = "1"
    per_page: int = PAGE_SIZES[0]

    @classmethod
    def from_query(cls, query, *, option_codes: list[str], default_sort: str = "relevance") -> "ListingParams":
        def values(name: str) -> list[str]:
            return sorted({v.strip()[:80] for v in query.getlist(name) if v and v.strip()})[:20]

        low, high = _price(query.get("min_price")), _price(query.get("max_price"))
        if low is not None and high is not None and low > high:
            low, high = high, low  # an inverted range means the shopper swapped the boxes
        sort = query.get("sort", default_sort)
        try:
            per_page = int(query.get("per_page", PAGE_SIZES[0]))
        except (TypeError, ValueError):
            per_page = PAGE_SIZES[0]
        return cls(
            brands=values("brand"),
            options={code: values(code) for code in option_codes if values(code)},
            min_price=low,
            max_price=high,
            in_stock=query.get("in_stock") == "1",
            four_stars=query.get("rating") == "4",
            sort=sort if sort in SORTS else default_sort,
            page=query.get("page", "1"),
            per_page=per_page if per_page in PAGE_SIZES else PAGE_SIZES[0],
        )

    def is_filtered(self) -> bool:
        return bool(
            self.brands
            or self.options
            or self.in_stock
            or self.four_stars
            or self.min_price is not None
            or self.max_price is not None
        )

    def filters_key(self) -> str:
        """What the facet counts depend on (not the sort or the page)."""
        options = ";".join(f"{code}={','.join(slugs)}" for code, slugs in sorted(self.options.items()))
        return f"{','.join(self.brands)}|{options}|{self.min_price}|{self.max_price}|{self.in_stock}|{self.four_stars}"

    def query_items(self, **overrides) -> list[tuple[str, str]]:
        """The query string as (name, value) pairs, with overrides (None removes)."""
        data: dict[str, list[str]] = {"brand": list(self.brands), **{k: list(v) for k, v in self.options.items()}}
        if self.min_price is not None:
            data["min_price"] = [str(self.min_price)]
        if self.max_price is not None:
            data["max_price"] = [str(self.max_price)]
        if self.in_stock:
            data["in_stock"] = ["1"]
        if self.four_stars:
            data["rating"] = ["4"]
        if self.sort != "relevance":
            data["sort"] = [self.sort]
        if self.per_page != PAGE_SIZES[0]:
            data["per_page"] = [str(self.per_page)]
        for key, value in overrides.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value if isinstance(value, list) else [value]
        return [(k, v) for k, vs in data.items() for v in vs]


def toggled(params: ListingParams, name: str, value: str, extra: list[tuple[str, str]]) -> str:
    """The URL query that adds or removes one facet value (and goes back to page 1)."""
    current = params.brands if name == "brand" else params.options.get(name, [])
    new = [v for v in current if v != value] if value in current else [*current, value]
    return "?" + urlencode(extra + params.query_items(**{name: new or None}))


def apply_filters(products: QuerySet, params: ListingParams, tree, *, skip: tuple[str, ...] = ()) -> QuerySet:
    """Narrow products by every filter except those named in skip (facets count without their own).
    Brand and option slugs become ids through the cached catalog tree, so no join is needed."""
    if params.brands and "brand" not in skip:
        products = products.filter(brand_id__in=tree.brand_ids(params.brands))
    if "price" not in skip:
        products = products.filter(_price_condition(params))
    if params.in_stock and "stock" not in skip:
        products = products.filter(product_in_stock())
    if params.four_stars and "rating" not in skip:
        products = products.filter(rating_average__gte=FOUR_STARS)
    if "options" not in skip:
        for code, slugs in params.options.items():
            products = products.filter(
                Exists(
                    ProductOptionValue.objects.filter(
                        product=OuterRef("pk"), option_value_id__in=tree.option_value_ids(code, slugs)
                    )
                )
            )
    return products


def _price_condition(params: ListingParams) -> Q:
    condition = _price_range(params)
    if condition:
        condition &= _price_shown()  # a price range would tell a secret price (one of a single cent)
    return condition


def _price_range(params: ListingParams) -> Q:
    condition = Q()
    if params.min_price is not None:
        condition &= Q(sale_price__gte=params.min_price)
    if params.max_price is not None:
        condition &= Q(sale_price__lte=params.max_price)
    return condition


def _price_shown() -> Q:
    """Products whose price shoppers may see (Product.price_is_secret is false)."""
    return ~Q(AwaitingLaunch())


@dataclass
class FacetValue:
    value: str
    label: str
    count: int | None  # None: a toggle, not counted
    selected: bool
    url: str
    swatch: str = ""


@dataclass
class Facet:
    code: str
    name: str
    values: list[FacetValue]


@dataclass
class PriceFacet:
    low: Decimal | None
    high: Decimal | None
    buckets: list[dict]


class _Facets(TypedDict):
    brand_facet: Facet | None
    stock_facet: Facet | None
    rating_facet: Facet | None
    option_facets: list[Facet]


@dataclass
class Listing:
    page: Page  # of Product
    params: ListingParams
    brand_facet: Facet | None
    stock_facet: Facet | None
    rating_facet: Facet | None
    option_facets: list[Facet]
    price_facet: PriceFacet
    sorts: list[dict]
    total: int
    page_links: list[dict]
    # Names the rendered filter groups by everything they show (values, counts, links), so
    # their HTML is cached with nothing to invalidate: they are most of a listing's markup.
    facets_key: str = ""


@functools.cache
def _card_pictures() -> CompiledQuery[ProductImage]:
    """The products' (the slot `ids`) own pictures, in a card's order."""
    return CompiledQuery(
        ProductImage.objects.filter(InSlot("product_id", "ids"), variant__isnull=True).order_by("order", "pk")
    )


def cards_pictured(products: Sequence[Product]) -> None:
    """Each product's `card_images`, its own pictures (not a variant's) in a card's order, in one query
    compiled once per process: a prefetch's query is built and compiled on every read."""
    pictures: dict[int, list[ProductImage]] = {product.pk: [] for product in products}
    if pictures:
        for picture in _card_pictures().all(ids=list(pictures)):
            pictures[picture.product_id].append(picture)
    for product in products:
        product.card_images = pictures[product.pk]  # type: ignore[attr-defined]  # what the card templates read


def card_columns(products: ProductQuerySet) -> ProductQuerySet:
    """A card's columns (CARD_FIELDS) and its price reveal judged when the query runs (QueryMoment):
    card rows compiled once (core.compiled_query), their pictures added by cards_pictured."""
    return products.select_related("brand").with_price_reveal(QueryMoment()).only(*CARD_FIELDS)


def card_rows(products: QuerySet) -> QuerySet:
    """What a product card needs but its pictures (with price_reveal_at, so a card asks
    Product.price_is_secret without a query of its own): cards_read and cards_page add the pictures,
    cards_pictured those of rows read otherwise (several lists of one page together)."""
    return products.select_related("brand").annotate(price_reveal_at=launch_awaited(OuterRef("pk")))


def cards_read(products: QuerySet) -> list[Product]:
    """The products as their cards show them (card_rows), with their pictures (cards_pictured): two
    queries whatever their number."""
    rows = list(card_rows(products))
    cards_pictured(rows)
    return rows


def cards_page(page: Page) -> Page:
    """A page of card_rows read now, as the paginator sliced them, with their pictures."""
    page.object_list = list(page.object_list)
    cards_pictured(page.object_list)
    return page


# The fields a product card shows (and the page query therefore reads).
CARD_FIELDS = (
    "id",
    "name",
    "slug",
    "brand_id",
    "base_price",
    "promo_percent",
    "promo_amount",
    "promo_badge",
    "compare_at_price",
    "is_new",
    "rating_average",
    "rating_count",
    "brand__name",
    "brand__slug",
)


@dataclass
class FacetStats:
    """Count, brand and price facets of a listing, from one GROUP BY over the products in scope."""

    total: int
    brand_counts: dict[int, int]
    low: Decimal | None
    high: Decimal | None
    bucket_counts: list[int]
    category_ids: list[int]  # categories with products in scope (narrows the option facet)


def facet_stats(base: QuerySet, params: ListingParams, tree) -> FacetStats:
    """One pass over the scope grouped by (brand, category, whether the price is shown): the brand
    facet counts without the brand filter, the price facet without the price filter, and the total
    with every filter. The price range and buckets leave out secret prices (a bound or a count
    would tell them), and so does a price filter: grouped by it, the launches they wait for are
    read once, not once per figure."""
    return facet_stats_of(stats_rows(base, params, tree), params, tree)


def facet_stats_of(rows: list[dict], params: ListingParams, tree) -> FacetStats:
    """facet_stats from its groups (stats_rows' rows, counted now or kept: catalog.category_counts)."""
    selected = set(tree.brand_ids(params.brands)) if params.brands else None
    brand_counts: dict[int, int] = {}
    for row in rows:
        brand_counts[row["brand_id"]] = brand_counts.get(row["brand_id"], 0) + row["n"]
    chosen = [row for row in rows if selected is None or row["brand_id"] in selected]
    priced = [row for row in chosen if row["shown"]]
    return FacetStats(
        total=sum(row["n"] for row in chosen),
        brand_counts=brand_counts,
        low=min((row["low"] for row in priced if row["low"] is not None), default=None),
        high=max((row["high"] for row in priced if row["high"] is not None), default=None),
        bucket_counts=[sum(row[f"b{i}"] for row in priced) for i in range(len(PRICE_BUCKETS))],
        category_ids=sorted({row["category_id"] for row in rows}),
    )


def stats_rows(base: QuerySet, params: ListingParams, tree) -> list[dict]:
    """facet_stats' groups: each with its products (`n`, in the price filter's range and shown when
    there is one), its lowest and highest price and its count per price bucket."""
    price = _price_range(params)
    aggregates = {
        "n": Count("pk", filter=price) if price else Count("pk"),
        "low": Min("sale_price"),
        "high": Max("sale_price"),
    }
    for index, (low, high) in enumerate(PRICE_BUCKETS):
        condition = Q(sale_price__gte=low) & (Q(sale_price__lt=high) if high is not None else Q())
        aggregates[f"b{index}"] = Count("pk", filter=condition)
    rows = list(
        apply_filters(base, params, tree, skip=("brand", "price"))
        .values("brand_id", "category_id", shown=ExpressionWrapper(_price_shown(), output_field=BooleanField()))
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        if price and not row["shown"]:
            row["n"] = 0
    return rows


def _brand_facet(stats: FacetStats, params: ListingParams, tree, extra) -> Facet | None:
    rows = sorted(
        (
            (tree.brands[brand_id], count)
            for brand_id, count in stats.brand_counts.items()
            if count and brand_id in tree.brands
        ),
        key=lambda pair: (-pair[1], pair[0].name),
    )[:30]
    values = [
        FacetValue(
            value=brand.slug,
            label=brand.name,
            count=count,
            selected=brand.slug in params.brands,
            url=toggled(params, "brand", brand.slug, extra),
        )
        for brand, count in rows
    ]
    return Facet(code="brand", name=str(_("Brand")), values=values) if values else None


def option_counts(base: QuerySet, params: ListingParams, tree, category_ids: list[int] | None) -> dict[int, int]:
    """Products per option value, counted without the option filters."""
    scoped = apply_filters(base, params, tree, skip=("options",))
    counts = ProductOptionValue.objects.filter(product__in=scoped.values("pk"))
    if category_ids is not None:
        # The derived table carries the product's category: its index finds the scope's rows
        # without probing the index once per product.
        counts = counts.filter(category_id__in=category_ids)
    # Group by the integer id only; labels and order come from the cached catalog tree. COUNT(*), not
    # of the id: the category index holds every column read, so the rows are never fetched.
    return dict(counts.values_list("option_value_id").annotate(n=Count("*")).order_by())


def _stock_facet(stats: FacetStats, params: ListingParams, extra) -> Facet | None:
    """A toggle without a count: counting stock per product costs more than the rest of the
    facets together on a big category, while filtering by it is paid only when asked for."""
    if not stats.total and not params.in_stock:
        return None
    url = "?" + urlencode(extra + params.query_items(in_stock=None if params.in_stock else "1"))
    value = FacetValue(value="1", label=str(_("In stock only")), count=None, selected=params.in_stock, url=url)
    return Facet(code="in_stock", name=str(_("Availability")), values=[value])


def _rating_facet(stats: FacetStats, params: ListingParams, extra) -> Facet | None:
    """ "4 stars and up" as a toggle, like the stock one."""
    if not stats.total and not params.four_stars:
        return None
    url = "?" + urlencode(extra + params.query_items(rating=None if params.four_stars else "4"))
    value = FacetValue(value="4", label=str(_("4 stars and up")), count=None, selected=params.four_stars, url=url)
    return Facet(code="rating", name=str(_("Customer rating")), values=[value])


def _option_facets(counts: dict[int, int], params: ListingParams, tree, extra) -> list[Facet]:
    values_by_id = tree.option_values
    rows = sorted(
        ((values_by_id[value_id], n) for value_id, n in counts.items() if value_id in values_by_id),
        key=lambda pair: (pair[0].option_order, pair[0].option_code, pair[0].order, pair[0].value),
    )
    facets: dict[str, Facet] = {}
    for value, count in rows:
        facet = facets.setdefault(value.option_code, Facet(code=value.option_code, name=value.option_name, values=[]))
        facet.values.append(
            FacetValue(
                value=value.slug,
                label=value.value,
                count=count,
                selected=value.slug in params.options.get(value.option_code, []),
                url=toggled(params, value.option_code, value.slug, extra),
                swatch=value.swatch,
            )
        )
    return list(facets.values())


def _price_facet(stats: FacetStats, params: ListingParams, extra) -> PriceFacet:
    buckets = []
    for (low, high), count in zip(PRICE_BUCKETS, stats.bucket_counts):
        if not count:
            continue
        selected = params.min_price == low and params.max_price == (high - Decimal("0.01") if high else None)
        query = params.query_items(
            min_price=None if selected else str(low),
            max_price=None if selected or high is None else str(high - Decimal("0.01")),
        )
        buckets.append(
            {"low": low, "high": high, "count": count, "selected": selected, "url": "?" + urlencode(extra + query)}
        )
    return PriceFacet(low=stats.low, high=stats.high, buckets=buckets)


def _page_links(page, params: ListingParams, extra) -> list[dict]:
    if page.paginator.num_pages <= 1:
        return []
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    links: list[dict[str, object]] = []
    for number in numbers:
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append(
                {
                    "number": number,
                    "current": number == page.number,
                    # Page 1 is the bare URL, so a listing has one address for its first page.
                    "url": "?" + urlencode(extra + params.query_items(page=str(number) if number > 1 else None)),
                }
            )
    return links


MAX_RANKED = 4800  # 200 pages of 24: deeper pages of a broad search are ranked by SQL


class RankedRows:
    """A search's pages read by id from its cached ranking: PostgreSQL ranks every match (thousands
    for a broad word) once per catalog version instead of on every page view. Rows are still read
    from the database, so prices and visibility are current; pages past the cached ranking fall
    back to the ranked query."""

    def __init__(self, ranked_ids: list[int], rows: QuerySet):
        self.ranked_ids = ranked_ids
        self.rows = rows

    def __getitem__(self, window: slice) -> list:
        complete = len(self.ranked_ids) < MAX_RANKED
        if not complete and (window.stop is None or window.stop > len(self.ranked_ids)):
            return list(self.rows[window])
        wanted = self.ranked_ids[window]
        found = {row.pk: row for row in self.rows.filter(OneOf("pk", wanted)).order_by()}
        return [found[pk] for pk in wanted if pk in found]


# Up to this many products in scope (a search's, catalog.search.MAX_MATCHES), their option values are
# read product by product; narrowed by category instead, a search for a thousand products would read
# the option values of every product of their categories (hundreds of thousands on a large catalog).
READ_BY_PRODUCT = 1000


def _facet_counts(base: QuerySet, params: ListingParams, tree, category_ids: list[int] | None):
    stats = facet_stats(base, params, tree)
    if category_ids is None and not params.options and stats.total > READ_BY_PRODUCT:
        category_ids = stats.category_ids  # without option filters the pass saw the whole scope
    return stats, option_counts(base, params, tree, category_ids)


# Counts of a listing filtered by stock count the products with units, and a sale does not move the
# catalog version: they are kept no longer than the stock a page shows (the page cache's FRESH_SECONDS).
STOCK_COUNTS_FRESH_SECONDS = 5


def _stock_counts_deadline() -> datetime:
    return timezone.now() + timedelta(seconds=STOCK_COUNTS_FRESH_SECONDS)


def build_listing(
    base: QuerySet,
    params: ListingParams,
    *,
    tree,
    scope: str | None = None,
    category_ids: list[int] | None = None,
    extra: list[tuple[str, str]] | None = None,
    ordering: tuple | None = None,
    ranked: list[int] | None = None,
    marks: list[str] | None = None,
    kept_counts: Callable[[], tuple[FacetStats, dict[int, int]] | None] | None = None,
) -> Listing:
    """base: the visible products in scope (a category, a family, search matches); scope: a key
    naming that set ("category:12", "search:silla"), which lets the facet counts be cached;
    category_ids: the categories of that scope when known (listings), else read from the facets;
    marks: what the scope's products are marked written with (a category's listing: its
    categories' contents), to keep its counts while other products are written; ranked: base's ids in
    `ordering`'s order when already read (a search's, catalog.search.SearchResult.ranked); kept_counts: the
    unfiltered scope's counts as the database keeps them, or None (catalog.category_counts.kept)."""
    extra = extra or []

    def counted() -> tuple[FacetStats, dict[int, int]]:
        found = kept_counts() if kept_counts is not None and not params.is_filtered() else None
        return found if found is not None else _facet_counts(base, params, tree, category_ids)

    if scope is None:
        stats, counts = counted()
    elif marks is not None:
        stats, counts = listing_cache.get_or_compute_for_product(
            scope,
            params.filters_key(),
            counted,
            marks=lambda _counts: marks,
            until=_stock_counts_deadline if params.in_stock else None,
        )
    else:
        stats, counts = listing_cache.get_or_compute(
            scope,
            params.filters_key(),
            counted,
            until_collection_change=True,
            until=_stock_counts_deadline if params.in_stock else None,
        )
    filtered = apply_filters(base, params, tree)
    order = ordering if ordering is not None and params.sort == "relevance" else ORDERINGS[params.sort]
    queryset = card_rows(filtered.order_by(*order)).only(*CARD_FIELDS)
    rows: QuerySet | RankedRows = queryset
    if ordering is not None and scope is not None and params.sort == "relevance" and not params.is_filtered():
        # A search as typed: its ranking is the same for every shopper until the catalog changes.
        ranking = listing_cache.get_or_compute(
            scope,
            "ranked",
            lambda: (
                ranked[:MAX_RANKED]
                if ranked is not None
                else list(base.order_by(*ordering).values_list("pk", flat=True)[:MAX_RANKED])
            ),
        )
        rows = RankedRows(ranking, queryset)
    # RankedRows is only sliced (the count is set below), less than the stubs' protocol asks.
    paginator = Paginator(rows, params.per_page)  # type: ignore[arg-type]
    paginator.count = stats.total  # already counted by the facet pass: no COUNT(*) query
    page = cards_page(paginator.get_page(params.page))  # bad or out-of-range pages: the first or last page
    sorts = [
        {
            "value": key,
            "label": label,
            "selected": key == params.sort,
            "url": "?" + urlencode(extra + params.query_items(sort=None if key == "relevance" else key)),
        }
        for key, label in SORTS.items()
    ]
    facets: _Facets = {
        "brand_facet": _brand_facet(stats, params, tree, extra),
        "stock_facet": _stock_facet(stats, params, extra),
        "rating_facet": _rating_facet(stats, params, extra),
        "option_facets": _option_facets(counts, params, tree, extra),
    }
    return Listing(
        page=page,
        params=params,
        **facets,
        price_facet=_price_facet(stats, params, extra),
        sorts=sorts,
        total=stats.total,
        page_links=_page_links(page, params, extra),
        facets_key=hashlib.sha1(repr(facets).encode()).hexdigest(),
    )
