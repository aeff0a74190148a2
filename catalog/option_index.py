"""ProductOptionValue, the facet index: the option values of each product's active variants,
with the product's category. catalog.services keeps it equal to them in the same transaction
as each write that changes them (a variant saved, deleted, (de)activated or given other option
values; a product moved to another category; a bulk load)."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from .models import Product, ProductOptionValue

_SELECT_ROWS = """
    SELECT DISTINCT v.product_id, vov.optionvalue_id, p.category_id
    FROM catalog_variant v
    JOIN catalog_variant_option_values vov ON vov.variant_id = v.id
    JOIN catalog_product p ON p.id = v.product_id
    WHERE v.is_active
"""


def refresh(product_ids: Iterable[int]) -> None:
    """Rebuild these products' rows in two statements (it runs at every variant save)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        ProductOptionValue.objects.filter(product_id__in=ids).delete()
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            "INSERT INTO catalog_productoptionvalue (product_id, option_value_id, category_id) "
            f"{_SELECT_ROWS} AND v.product_id IN ({placeholders})",
            ids,
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
