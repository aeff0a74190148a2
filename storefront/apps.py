from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    """The shopper's front pages that need more than one app below: the home page, and the
    stock that catalog's pages show (inventory's reads, handed to catalog.availability)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "storefront"

    def ready(self) -> None:
        from catalog.availability import availability_provide
        from inventory.selectors import availability_by_variant, bundle_availability, product_in_stock

        availability_provide(by_variant=availability_by_variant, bundles=bundle_availability, in_stock=product_in_stock)
