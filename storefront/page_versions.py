"""What catalog's cached pages show besides the catalog: the shipping estimate on the product
page (shipping's methods, zones and rates) and site settings (the store's name, the free-shipping
threshold). A change to either bumps the catalog version, so cached pages show it at once, as a
price change does (storefront.page_cache)."""

from constance.signals import config_updated
from django.db.models.signals import post_delete, post_save

from catalog.listing_cache import bump_after_write
from shipping.models import ShippingMethod, ShippingRate, ShippingZone


def pages_show_this_changed(**kwargs) -> None:
    bump_after_write()


def connect_signals() -> None:
    for model in (ShippingMethod, ShippingZone, ShippingRate):
        uid = f"storefront.page_versions.{model._meta.model_name}"
        post_save.connect(pages_show_this_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(pages_show_this_changed, sender=model, dispatch_uid=uid + ".delete")
    config_updated.connect(pages_show_this_changed, dispatch_uid="storefront.page_versions.site_settings")
