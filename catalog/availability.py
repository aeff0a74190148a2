"""How many units the storefront can sell: catalog's pages show it, but stock is inventory's,
and inventory sits above catalog. The storefront app (above both) plugs inventory's reads in
at start-up (storefront.apps), so catalog never imports inventory."""

from collections.abc import Callable, Iterable

from django.db.models import Q

_reads: dict[str, Callable] = {}


def availability_provide(*, by_variant: Callable[[Iterable[int]], dict[int, int]],
                         bundles: Callable[[Iterable[int]], dict[int, int]], in_stock: Callable[[], Q]) -> None:
    _reads.update(by_variant=by_variant, bundles=bundles, in_stock=in_stock)


def availability_by_variant(variant_ids: Iterable[int]) -> dict[int, int]:
    """{variant id: units available}, every asked id present (0 when none)."""
    return _reads["by_variant"](variant_ids)


def bundle_availability(variant_ids: Iterable[int]) -> dict[int, int]:
    """{bundle variant id: whole bundles available} for the ids that are bundles."""
    return _reads["bundles"](variant_ids)


def product_in_stock() -> Q:
    """A condition on Product: it has a unit to sell (a bundle: each of its parts has one)."""
    return _reads["in_stock"]()
