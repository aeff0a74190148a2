"""The facet counts of each category, kept in the database (catalog.models.CategoryCounts), so that an
unfiltered category or family listing reads a few rows instead of counting its products: on 500,000
products the biggest category's facet pass and option counts took 25 ms of SQL, growing with it, a cost
its listing paid whenever its cached counts were gone (a write of one of its products, a cache loss).

A category's counts are current exactly when `counted` equals `written`: every write of its products
raises `written` in the write's own transaction (catalog.catalog_version.contents_written) and enqueues a
refresh; a refresh reads `written`, counts, and stores what it counted only if `written` has not moved
meanwhile (a write then left it to its own refresh). A listing whose categories are not all current, or
past a collection's start or end in them (a launch reveals prices), counts live, as it always could; the
beat's run every minute counts again whatever is left behind, and every category at least hourly (a
write no signal announces, raw SQL)."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from . import catalog_version
from .listing import FacetStats, ListingParams, facet_stats_of, stats_rows
from .models import Category, CategoryCounts, CollectionItem, Product, ProductOptionValue

# Counted again at least this often, whatever their writes said.
MAX_AGE = timedelta(hours=1)
_PRICES = ("low", "high")


def refresh(category_ids: list[int] | None = None) -> int:
    """Count these categories again (None: every category), those not current only; how many were."""
    now = timezone.now()
    wanted = Category.objects.all() if category_ids is None else Category.objects.filter(pk__in=category_ids)
    ids = sorted(wanted.values_list("pk", flat=True))
    if not ids:
        return 0
    catalog_version.counted_again()
    # A row for each (a writer's open transaction holding one makes this wait for its commit).
    CategoryCounts.objects.bulk_create([CategoryCounts(category_id=pk) for pk in ids], ignore_conflicts=True)
    due = dict(
        CategoryCounts.objects.filter(category_id__in=ids)
        .filter(
            ~Q(counted=F("written"))
            | Q(valid_until__lte=now)
            | Q(refreshed_at__isnull=True)
            | Q(refreshed_at__lte=now - MAX_AGE)
        )
        .values_list("category_id", "written")
    )
    if not due:
        return 0
    stats, options, valid_until = _count(sorted(due), now)
    refreshed = 0
    for category_id, written in due.items():
        refreshed += CategoryCounts.objects.filter(category_id=category_id, written=written).update(
            counted=written,
            stats=stats.get(category_id, []),
            options=options.get(category_id, {}),
            valid_until=valid_until.get(category_id),
            refreshed_at=now,
        )
    return refreshed


def _count(category_ids: list[int], now) -> tuple[dict, dict, dict]:
    """The categories' facet rows, option counts and next collection moments, in three queries."""
    products = Product.objects.filter(status=Product.Status.ACTIVE, category_id__in=category_ids)
    stats: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in stats_rows(products, ListingParams(), None):
        stats[row["category_id"]].append({k: str(v) if k in _PRICES and v is not None else v for k, v in row.items()})
    options: dict[int, dict[str, int]] = defaultdict(dict)
    counted = (
        ProductOptionValue.objects.filter(category_id__in=category_ids, product__in=products.values("pk"))
        .values_list("category_id", "option_value_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for category_id, value_id, n in counted:
        options[category_id][str(value_id)] = n
    valid_until: dict[int, Any] = {}
    moments = CollectionItem.objects.filter(collection__is_active=True, product__category_id__in=category_ids).filter(
        Q(collection__starts_at__gt=now) | Q(collection__ends_at__gt=now)
    )
    for category_id, starts_at, ends_at in moments.values_list(
        "product__category_id", "collection__starts_at", "collection__ends_at"
    ):
        for moment in (starts_at, ends_at):
            if moment is not None and moment > now:
                valid_until[category_id] = min(valid_until.get(category_id, moment), moment)
    return stats, options, valid_until


def kept(category_ids: list[int], tree) -> tuple[FacetStats, dict[int, int]] | None:
    """An unfiltered listing's facet counts over these categories (visible ones, of the catalog tree) from
    their kept rows, in one query; None when any of them is not current (or a brand is hidden: the
    option counts are not kept per brand), for the listing to count live."""
    if tree.hidden_brand_ids or not category_ids:
        return None
    now = timezone.now()
    rows = list(
        CategoryCounts.objects.filter(category_id__in=category_ids).values_list(
            "written", "counted", "valid_until", "refreshed_at", "stats", "options"
        )
    )
    if len(rows) < len(set(category_ids)):
        return None
    stats: list[dict[str, Any]] = []
    options: dict[int, int] = defaultdict(int)
    for written, counted, valid_until, refreshed_at, category_stats, category_options in rows:
        if counted != written or (valid_until is not None and valid_until <= now):
            return None
        if refreshed_at is None or refreshed_at <= now - MAX_AGE:
            return None
        for row in category_stats:
            stats.append({k: Decimal(v) if k in _PRICES and v is not None else v for k, v in row.items()})
        for value_id, n in category_options.items():
            options[int(value_id)] += n
    return facet_stats_of(stats, ListingParams(), tree), dict(options)
