"""What catalog asks of the apps above it (core.ports): how many units the storefront can
sell. Catalog's pages show it, but stock is inventory's, and inventory sits above catalog. The
storefront app (above both) plugs inventory's reads in at start-up (storefront.apps), so
catalog never imports inventory."""

from collections.abc import Iterable

from django.db.models import Q

from core.ports import port


@port
def availability_by_variant(variant_ids: Iterable[int], /) -> dict[int, int]:
    """{variant id: units available} as pages show them (never for a decision: adding to the cart
    reads the stock itself), every asked id present (0 when none)."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def bundle_availability(variant_ids: Iterable[int], /) -> dict[int, int]:
    """{bundle variant id: whole bundles available} for the ids that are bundles."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def product_in_stock() -> Q:
    """A condition on Product: it has a unit to sell (a bundle: each of its parts has one)."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in
