"""Every catalog write that matters, keyword-only, one transaction each.

products: products and variants created and edited (back office, imports, demo, other apps),
    with their price history and the facet index kept in step;
scheduled_prices: price changes from a start to an optional end, applied once by beat;
figures: what other apps report back (ratings, units sold, running discounts, sellers)."""

from .figures import (
    RatingSummary,
    product_line_rating_store,
    product_promo_badges_set,
    product_promotions_set,
    product_rating_store,
    products_assign_seller,
    products_units_sold_add,
    products_units_sold_set,
)
from .products import (
    product_facets_rebuild,
    product_prices_set,
    product_save,
    products_set_category,
    products_set_status,
    seller_statuses,
    variant_save,
    variants_create,
    variants_set_active,
)
from .scheduled_prices import scheduled_price_cancel, scheduled_price_save, scheduled_prices_run

__all__ = [
    "RatingSummary",
    "product_facets_rebuild",
    "product_line_rating_store",
    "product_prices_set",
    "product_promo_badges_set",
    "product_promotions_set",
    "product_rating_store",
    "product_save",
    "products_assign_seller",
    "products_set_category",
    "products_set_status",
    "products_units_sold_add",
    "products_units_sold_set",
    "scheduled_price_cancel",
    "scheduled_price_save",
    "scheduled_prices_run",
    "seller_statuses",
    "variant_save",
    "variants_create",
    "variants_set_active",
]
