"""Keeps ProductOptionValue equal to the option values of each product's active variants,
with the product's category.

Every ORM path that changes them refreshes the products concerned: saving or deleting a
variant, changing its option values, QuerySet.update(is_active=...) on variants (see
price_history.VariantPriceQuerySet), saving a product or QuerySet.update(category=...) on
products (sync_categories), and bulk loads call refresh_all()."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Product, ProductOptionValue, Variant

_SELECT_ROWS = """
    SELECT DISTINCT v.product_id, vov.optionvalue_id, p.category_id
    FROM catalog_variant v
    JOIN catalog_variant_option_values vov ON vov.variant_id = v.id
    JOIN catalog_product p ON p.id = v.product_id
    WHERE v.is_active
"""


def refresh(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if not ids:
        return
    with transaction.atomic():
        ProductOptionValue.objects.filter(product_id__in=ids).delete()
        rows = (
            Variant.option_values.through.objects.filter(variant__product_id__in=ids, variant__is_active=True)
            .values_list("variant__product_id", "optionvalue_id", "variant__product__category_id")
            .distinct()
        )
        ProductOptionValue.objects.bulk_create(
            [ProductOptionValue(product_id=product_id, option_value_id=value_id, category_id=category_id)
             for product_id, value_id, category_id in rows]
        )


def sync_categories(product_ids: Iterable[int]) -> None:
    """Copy the products' current category onto their rows (after a category change)."""
    ids = sorted(set(product_ids))
    if ids:
        ProductOptionValue.objects.filter(product_id__in=ids).exclude(
            category_id=Subquery(Product.objects.filter(pk=OuterRef("product_id")).values("category_id"))
        ).update(category_id=Subquery(Product.objects.filter(pk=OuterRef("product_id")).values("category_id")))


def refresh_all() -> None:
    """Rebuild the whole table in two set-based statements (after bulk loads)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_productoptionvalue")
        cursor.execute(
            f"INSERT INTO catalog_productoptionvalue (product_id, option_value_id, category_id) {_SELECT_ROWS}"
        )


@receiver([post_save, post_delete], sender=Variant, dispatch_uid="catalog.option_index.variant")
def _variant_changed(sender, instance: Variant, **kwargs) -> None:
    refresh([instance.product_id])


@receiver(post_save, sender=Product, dispatch_uid="catalog.option_index.product")
def _product_saved(sender, instance: Product, created: bool, **kwargs) -> None:
    if not created:
        ProductOptionValue.objects.filter(product_id=instance.pk).exclude(category_id=instance.category_id).update(
            category_id=instance.category_id
        )


@receiver(m2m_changed, sender=Variant.option_values.through, dispatch_uid="catalog.option_index.values")
def _values_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        refresh([instance.product_id])
    else:  # option_value.variants.add(...): instance is the OptionValue
        refresh(Variant.objects.filter(pk__in=pk_set or []).values_list("product_id", flat=True))
