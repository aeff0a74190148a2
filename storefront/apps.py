from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    """The shopper's front pages that need more than one app below: the home page, and the
    stock that catalog's pages show (inventory's reads, handed to catalog.availability) and the
    cart count its cached pages fill in (cart's read, handed to catalog.page_cache); shipping rate
    and site-setting changes renew those cached pages (storefront.page_versions)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "storefront"

    def ready(self) -> None:
        from cart.context_processors import mini_cart
        from catalog.availability import availability_provide
        from catalog.page_cache import cart_units_provide
        from inventory.selectors import availability_by_variant, bundle_availability, product_in_stock

        from . import page_versions

        availability_provide(by_variant=availability_by_variant, bundles=bundle_availability, in_stock=product_in_stock)
        cart_units_provide(lambda request: mini_cart(request)["cart_units"])
        page_versions.connect_signals()
