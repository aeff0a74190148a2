from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    """The shopper's pages, above the apps they compose: the home page and the catalog's pages
    (with the product's reviews), cached whole for anonymous shoppers with their own cart count
    (storefront.page_cache). The stock that catalog's listings filter and show is inventory's:
    this app plugs inventory's reads into catalog.ports at start-up (the stock
    figures pages show, inventory.shown_stock). Shipping rate and
    site-setting changes renew the cached pages (storefront.page_versions)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "storefront"

    def ready(self) -> None:
        from catalog import ports as catalog
        from inventory import selectors as stock
        from inventory import shown_stock

        from . import page_versions

        catalog.availability_by_variant.plug(shown_stock.available_shown)
        catalog.bundle_availability.plug(shown_stock.bundle_available_shown)
        catalog.product_in_stock.plug(stock.product_in_stock)
        page_versions.connect_signals()
