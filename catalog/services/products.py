"""Products and variants written by the back office, imports, the demo and other apps: each
write keeps in the same transaction what depends on it, where a reader sees it:

- the price history: a row per variant whose effective price (the product's base price + the
  variant's modifier) a write changed, with who did it (catalog.price_history);
- the facet index: the option values of each product's active variants, with the product's
  category (catalog.option_index).

The listing caches hear of every write by themselves (catalog.listing_cache). A form or import
validates first (full_clean); these functions store what they are given."""

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import category_counts, option_index, price_history
from ..models import OptionValue, Product, Variant

if TYPE_CHECKING:
    from core.actors import AnyUser


def product_save(*, product: Product, actor: "AnyUser | None" = None) -> Product:
    """Create or edit a product. A base price that changed is recorded for each of its
    variants; a category that changed moves its rows in the facet index."""
    with transaction.atomic():
        stored = None
        if not product._state.adding:
            stored = (
                Product.objects.select_for_update()
                .filter(pk=product.pk)
                .values_list("base_price", "category_id")
                .first()
            )
        product.save()
        if stored is not None:
            old_base, old_category_id = stored
            price_history.record_base_prices(
                {product.pk: (old_base, product.base_price)}, source="product", actor=actor
            )
            if old_category_id != product.category_id:
                option_index.sync_categories([product.pk])
    return product


def variant_save(
    *, variant: Variant, option_values: Iterable[OptionValue] | None = None, actor: "AnyUser | None" = None
) -> Variant:
    """Create or edit a variant, and set its option values when given. Its price is recorded
    when it is new or its modifier changed; the facet index follows its option values, its
    being active and its product."""
    with transaction.atomic():
        stored = None
        if not variant._state.adding:
            stored = (
                Variant.objects.select_for_update(of=("self",))
                .filter(pk=variant.pk)
                .values_list("price_modifier", "product__base_price", "is_active", "product_id")
                .first()
            )
        variant.save()
        if option_values is not None:
            variant.option_values.set(option_values)
        base = Product.objects.values_list("base_price", flat=True).get(pk=variant.product_id)
        if stored is None:
            price_history.record([(variant.pk, None, base + variant.price_modifier)], source="variant", actor=actor)
            option_index.refresh([variant.product_id])
            return variant
        old_modifier, old_base, was_active, old_product_id = stored
        price_history.record(
            [(variant.pk, old_base + old_modifier, base + variant.price_modifier)], source="variant", actor=actor
        )
        if option_values is not None or was_active != variant.is_active or old_product_id != variant.product_id:
            option_index.refresh({old_product_id, variant.product_id})
    return variant


def variants_create(
    *, variants: list[Variant], actor: "AnyUser | None" = None, source: str = "created"
) -> list[Variant]:
    """Create many variants in one statement (bulk loads), each with its first price in the
    history. Their option values are set by the caller, who then rebuilds the facet index
    (product_facets_rebuild)."""
    with transaction.atomic():
        created = Variant.objects.bulk_create(variants)
        bases = dict(Product.objects.filter(pk__in={v.product_id for v in created}).values_list("pk", "base_price"))
        price_history.record(
            ((v.pk, None, bases[v.product_id] + v.price_modifier) for v in created), source=source, actor=actor
        )
    return created


def variants_set_active(*, variant_ids: Iterable[int], active: bool) -> int:
    """Put variants on sale or take them off it; the facet index follows. How many changed."""
    ids = sorted(set(variant_ids))
    with transaction.atomic():
        variants = Variant.objects.filter(pk__in=ids).exclude(is_active=active)
        product_ids = list(variants.values_list("product_id", flat=True).distinct())
        changed = variants.update(is_active=active)
        option_index.refresh(product_ids)
    return changed


def products_set_category(*, product_ids: Iterable[int], category_id: int) -> int:
    """Move products to another category; their facet rows move with them. How many moved."""
    ids = sorted(set(product_ids))
    with transaction.atomic():
        moved = Product.objects.filter(pk__in=ids).exclude(category_id=category_id).update(category_id=category_id)
        option_index.sync_categories(ids)
    return moved


def product_prices_set(*, prices: dict[int, Decimal], actor: "AnyUser | None" = None, source: str = "bulk") -> int:
    """Set products' base prices ({product id: price}, IGV included): each variant's change is
    recorded, and a list price left below its new price is dropped (it no longer is one). Rows
    are locked in primary-key order; a fixed number of queries however many products. A
    negative price is a ValidationError, with nothing written. How many changed."""
    new = {pk: Decimal(price) for pk, price in prices.items()}
    if any(not price.is_finite() or price < 0 for price in new.values()):
        raise ValidationError(_("A price cannot be negative."))
    with transaction.atomic():
        products = list(
            Product.objects.select_for_update()
            .filter(pk__in=sorted(new))
            .order_by("pk")
            .only("pk", "base_price", "compare_at_price")
        )
        changed, moved = [], {}
        for product in products:
            if product.base_price == new[product.pk]:
                continue
            moved[product.pk] = (product.base_price, new[product.pk])
            product.base_price = new[product.pk]
            if product.compare_at_price is not None and product.compare_at_price < product.base_price:
                product.compare_at_price = None
            changed.append(product)
        if changed:
            Product.objects.bulk_update(changed, ["base_price", "compare_at_price"], batch_size=500)
            price_history.record_base_prices(moved, source=source, actor=actor)
    return len(changed)


def product_facets_rebuild() -> None:
    """Rebuild the whole facet index from the variants, and every category's kept counts (after a bulk load)."""
    option_index.refresh_all()
    category_counts.refresh()


def seller_statuses(*, current: str | None) -> list[str]:
    """The statuses a seller may give their own product. When the store reviews sellers' products
    (site setting SELLER_PRODUCTS_NEED_REVIEW) a seller submits it ("in review") and staff publish it;
    a product staff already approved may stay active."""
    from core.site_settings import site_setting

    if not site_setting("SELLER_PRODUCTS_NEED_REVIEW"):
        return [Product.Status.DRAFT, Product.Status.ACTIVE, Product.Status.INACTIVE]
    statuses: list[str] = [Product.Status.DRAFT, Product.Status.REVIEW, Product.Status.INACTIVE]
    return [*statuses, Product.Status.ACTIVE] if current == Product.Status.ACTIVE else statuses


def products_set_status(
    *,
    product_ids: Iterable[int],
    status: str,
    from_statuses: Iterable[str] | None = None,
    actor: "AnyUser | None" = None,
) -> int:
    """Move products to a status (only those now in from_statuses, when given), each saved with its
    history entry and who did it. How many moved."""
    with transaction.atomic():
        products = Product.objects.select_for_update().filter(pk__in=sorted(set(product_ids))).exclude(status=status)
        if from_statuses is not None:
            products = products.filter(status__in=list(from_statuses))
        moved = 0
        for product in products.order_by("pk"):
            product.status = status
            product._history_user = actor  # type: ignore[attr-defined]  # read by simple-history on save
            product.save(update_fields=["status", "updated_at"])
            moved += 1
    return moved
