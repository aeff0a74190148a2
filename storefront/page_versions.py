"""What catalog's cached pages show besides the catalog: the shipping estimate on the product
page (shipping's methods, zones and rates), site settings (the store's name, the free-shipping
threshold), the seller a product page names (read with the product, core.cache_layers "catalog
data") and stock that comes back (a receipt, a return put back on the shelf: a sold-out size
becomes buyable). A change to any bumps the catalog version, so cached pages show it at once, as
a price change does (storefront.page_cache); stock that comes back marks its product written
(catalog.catalog_version), so its pages and the listings show it, not every other product's page. Stock that goes down (sales, holds) does not: pages
follow it within their freshness, as the page cache says, so a sale never empties the cache."""

from constance.signals import config_updated
from django.db.models.signals import post_delete, post_save

from catalog.catalog_version import bump_after_write, mark_after_write
from catalog.models import Variant
from core import cache_layers
from inventory.models import Movement


def pages_show_this_changed(**kwargs) -> None:
    bump_after_write()


def stock_came_back(sender, instance, created, **kwargs) -> None:
    # Movements are append-only: a new one with units in is on_hand rising (inventory.services).
    # Only that product's pages show it (and listings filtered by stock: every listing's token).
    if created and instance.quantity > 0:
        rows = list(
            Variant.objects.filter(stock_levels__pk=instance.stock_level_id).values_list(
                "product_id", "product__category_id", "product__brand_id"
            )
        )
        mark_after_write(
            products=[product for product, *_ in rows],
            contents=[category for _, category, _ in rows],
            brands=[brand for *_, brand in rows],
            counts=False,  # the listings' kept counts hold no stock
        )


def connect_signals() -> None:
    """The models core.cache_layers says renew the pages ("page versions"), and stock coming back."""
    for model in cache_layers.models(cache_layers.PAGE_VERSIONS):
        uid = f"storefront.page_versions.{model._meta.model_name}"
        post_save.connect(pages_show_this_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(pages_show_this_changed, sender=model, dispatch_uid=uid + ".delete")
    config_updated.connect(pages_show_this_changed, dispatch_uid="storefront.page_versions.site_settings")
    post_save.connect(stock_came_back, sender=Movement, dispatch_uid="storefront.page_versions.stock_came_back")
