"""ProductOptionValue, the facet index: the option values of each product's active variants,
with the product's category. catalog.services keeps it equal to them in the same transaction
as each write that changes them (a variant saved, deleted, (de)activated or given other option
values; a product moved to another category; a bulk load)."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

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
            [
                ProductOptionValue(product_id=product_id, option_value_id=value_id, category_id=category_id)
                for product_id, value_id, category_id in rows
            ]
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
