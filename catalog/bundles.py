"""What a bundle is made of, for inventory and the pages: a bundle variant's units are its
components' (BundleComponent), so inventory expands a bundle into its components before it
holds, sells or returns anything."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .models import BundleComponent


def components_of(variant_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """{bundle variant id: [(component variant id, units per bundle), ...]} for the ids that are
    bundles (one query); plain variants are left out."""
    ids = [int(pk) for pk in variant_ids]
    if not ids:
        return {}
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (
        BundleComponent.objects.filter(bundle__variants__in=ids)
        .order_by("order", "pk")
        .values_list("bundle__variants__id", "component_id", "quantity")
    )
    for bundle_variant_id, component_id, quantity in rows:
        found[bundle_variant_id].append((component_id, quantity))
    return dict(found)


def expand(lines: Mapping[int, int], components: Mapping[int, list[tuple[int, int]]] | None = None) -> dict[int, int]:
    """{variant id: units} with every bundle replaced by its components' units (quantities add up
    when a component is also asked for on its own)."""
    if components is None:
        components = components_of(lines)
    expanded: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines.items():
        parts = components.get(variant_id)
        if parts is None:
            expanded[variant_id] += quantity
        else:
            for component_id, per_bundle in parts:
                expanded[component_id] += per_bundle * quantity
    return dict(expanded)


def whole_bundles(units: Mapping[int, int], parts: list[tuple[int, int]]) -> int:
    """How many whole bundles these component units make: min over components of units ÷ per bundle."""
    if not parts:
        return 0
    return min(units.get(component_id, 0) // per_bundle for component_id, per_bundle in parts)
