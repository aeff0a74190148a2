"""The stock a product page shows, read from the cache while it is still true.

A product page that is rendered (not served whole from the page cache) reads every variant's
available units; at a sale most of its readers see the same numbers. Each variant's figure is
kept with the version of its stock it was read under and the moment it would change by itself
(the earliest expiry of a hold on it, since an expired hold stops counting at that instant):

- every write that can change what is available (a hold made, renewed, released or sold; a
  movement; a stock level, reservation or warehouse saved or deleted) gives the variants it
  touched a new version, in the transaction and again when it commits (`stock_changed`), so a
  figure read before the commit is never served after it;
- a figure past its moment, or older than TTL_SECONDS (what no write announces: raw SQL, a
  Redis that was away when the version changed), is read again.

Only a cache every process shares (Redis) is used: with a per-process cache (the embedded
default), a write in another process (a worker, a command) could not end this process's figures,
so stock is then read from the database each time. Adding to the cart and checking out always
read the database (inventory.selectors), never this.
"""

import functools
import math
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, IntegerField, Min, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Greatest
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core import request_reads
from core.compiled_query import CompiledQuery, InSlot
from core.db_router import PRIMARY
from core.query_moment import QueryMoment, at_moment

if TYPE_CHECKING:
    from .models import StockLevel

TTL_SECONDS = 60
WAREHOUSES_KEY = "stock:shown:warehouses"


def _version_key(variant_id: int) -> str:
    return f"stock:shown:version:{variant_id}"


def _figure_key(variant_id: int) -> str:
    return f"stock:shown:{variant_id}"


def _enabled() -> bool:
    return settings.STOCK_SHOWN_CACHE


def keys_read(variant_ids: Iterable[int]) -> list[str]:
    """The cache keys available_shown reads for these variants: a page that knows its variants
    early reads them ahead with its first round trip (core.request_reads.prefetch's `once`)."""
    ids = list(dict.fromkeys(int(pk) for pk in variant_ids))
    return [WAREHOUSES_KEY, *map(_version_key, ids), *map(_figure_key, ids)] if ids and _enabled() else []


def available_shown(variant_ids: Iterable[int]) -> dict[int, int]:
    """{variant id: units available} as inventory.selectors.availability_by_variant answers it,
    every asked id present; one cache round trip when every figure is still true."""
    from .selectors import availability_by_variant

    ids = list(dict.fromkeys(int(pk) for pk in variant_ids))
    if not ids or not _enabled():
        return _noted(availability_by_variant(ids))
    found = request_reads.take(keys_read(ids))
    warehouses = found.get(WAREHOUSES_KEY)
    now = time.time()
    shown, stale = {}, {}
    for variant_id in ids:
        version = (warehouses, found.get(_version_key(variant_id)))
        figure = found.get(_figure_key(variant_id))
        if figure is not None and figure[0] == version and now < figure[2]:
            shown[variant_id] = figure[1]
        else:
            stale[variant_id] = version
    if stale:
        # The versions were read before the stock: a write committed meanwhile has changed them.
        read = _available_until(stale)
        cache.set_many(
            {
                _figure_key(variant_id): (stale[variant_id], available, min(until, now + TTL_SECONDS))
                for variant_id, (available, until) in read.items()
            },
            TTL_SECONDS,
        )
        shown.update({variant_id: available for variant_id, (available, _until) in read.items()})
    if settings.STOCK_SHOWN_VERIFY:
        _verify(shown)
    return _noted(shown)


# The figures answered inside `noting()`: a variant answered twice with two figures (a write committed
# between the two reads) is noted as None, which no figure equals.
_noting: ContextVar[dict[int, int | None] | None] = ContextVar("shown_stock_noting", default=None)


@contextmanager
def noting() -> Iterator[dict[int, int | None]]:
    """Every figure available_shown answers inside the block, by variant: what a page rendered in it
    shows of stock (the page cache keeps a product page past its freshness while they still hold)."""
    noted: dict[int, int | None] = {}
    token = _noting.set(noted)
    try:
        yield noted
    finally:
        _noting.reset(token)


def _noted(shown: dict[int, int]) -> dict[int, int]:
    noted = _noting.get()
    if noted is not None:
        for variant_id, available in shown.items():
            noted[variant_id] = available if noted.get(variant_id, available) == available else None
    return shown


def bundle_available_shown(variant_ids: Iterable[int]) -> dict[int, int]:
    """{bundle variant id: whole bundles available} for the ids that are bundles, from the
    components' figures (available_shown)."""
    from catalog.bundles import components_of, whole_bundles

    parts_of = components_of(variant_ids)
    if not parts_of:
        return {}
    available = available_shown({component for parts in parts_of.values() for component, _units in parts})
    return {bundle_id: whole_bundles(available, parts) for bundle_id, parts in parts_of.items()}


@functools.cache
def _available_until_rows() -> "CompiledQuery[StockLevel]":
    """_available_until's query, compiled once per process: building its two correlated subqueries
    cost a rendered product page about 1 ms of Python, the database a tenth of that."""
    from .models import Reservation, StockLevel, reserved_subquery

    next_expiry = (
        Reservation.objects.filter(
            stock_level_id=OuterRef("pk"), status=Reservation.Status.ACTIVE, expires_at__gt=QueryMoment()
        )
        .order_by()
        .values("stock_level_id")
        .annotate(first=Min("expires_at"))
        .values("first")
    )
    # From the primary even on a page that reads the replica: a figure read from a replica that has
    # not yet replayed a sale would be kept under the sale's version, shown wrong until it lapses.
    rows = (
        StockLevel.objects.using(PRIMARY)
        .filter(InSlot("variant_id", "ids"), warehouse__is_active=True)
        .annotate(reserved_units=reserved_subquery(now=QueryMoment()), next_expiry=Subquery(next_expiry))
        .order_by()
        .values("variant_id")
        .annotate(
            units_available=Sum(Greatest(F("on_hand") - F("reserved_units"), Value(0)), output_field=IntegerField()),
            until=Min("next_expiry"),
        )
        .values_list("variant_id", "units_available", "until")
    )
    # A values_list query: CompiledQuery reads its tuples, which its model-typed signature cannot say.
    return CompiledQuery(cast("QuerySet[StockLevel]", rows))


def _available_until(variant_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """{variant id: (units available, when a hold on it next expires or inf)}, in one query."""
    ids = list(variant_ids)
    with at_moment(timezone.now()):
        rows = cast("list[tuple[int, int | None, datetime | None]]", _available_until_rows().all(ids=ids))
    read = dict.fromkeys(ids, (0, math.inf))
    read.update(
        {
            variant_id: (available or 0, until.timestamp() if until else math.inf)
            for variant_id, available, until in rows
        }
    )
    return read


def _verify(shown: dict[int, int]) -> None:
    """Tests' check that no write went unannounced: every figure shown is the database's."""
    from .selectors import availability_by_variant

    actual = availability_by_variant(shown)
    if actual != shown:
        raise AssertionError(f"stock shown from the cache is stale: shown {shown}, in the database {actual}")


def stock_changed(variant_ids: Iterable[int]) -> None:
    """The available units of these variants may have changed: their figures end now (readers
    in this transaction) and again at commit (readers who read the old stock meanwhile)."""
    if not _enabled():
        return
    ids = sorted({int(pk) for pk in variant_ids})
    if not ids:
        return
    _new_versions(ids)
    transaction.on_commit(lambda: _new_versions(ids))


def warehouses_changed() -> None:
    """A warehouse was opened, closed or removed: every figure ends."""
    if not _enabled():
        return
    _new_warehouses_version()
    transaction.on_commit(_new_warehouses_version)


def _new_versions(ids: list[int]) -> None:
    version = uuid.uuid4().hex[:12]
    # A version outlives by far every figure read under the one before it.
    cache.set_many({_version_key(variant_id): version for variant_id in ids}, 24 * 3600)
    cache.delete_many([_figure_key(variant_id) for variant_id in ids])


def _new_warehouses_version() -> None:
    cache.set(WAREHOUSES_KEY, uuid.uuid4().hex[:12], None)


def _on_level_write(sender, instance, **kwargs) -> None:
    stock_changed([instance.variant_id])


def _on_hold_write(sender, instance, **kwargs) -> None:
    if _enabled():
        from .models import StockLevel

        stock_changed(StockLevel.objects.filter(pk=instance.stock_level_id).values_list("variant_id", flat=True))


def _on_warehouse_write(sender, **kwargs) -> None:
    warehouses_changed()


def connect_signals() -> None:
    """Saves and deletes through the ORM (the admin, imports, tests) announce themselves; the
    services' set-based updates call stock_changed."""
    for name, receiver in (("StockLevel", _on_level_write), ("Reservation", _on_hold_write)):
        model = apps.get_model("inventory", name)
        post_save.connect(receiver, sender=model, dispatch_uid=f"inventory.shown_stock.{name}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"inventory.shown_stock.{name}.delete")
    warehouse = apps.get_model("inventory", "Warehouse")
    post_save.connect(_on_warehouse_write, sender=warehouse, dispatch_uid="inventory.shown_stock.warehouse.save")
    post_delete.connect(_on_warehouse_write, sender=warehouse, dispatch_uid="inventory.shown_stock.warehouse.delete")
