"""CSV/XLSX rows of products, their prices and variants (django-import-export, see
accounts.admin_importing). Each row is saved through catalog.services, which records every price
change in the price history and keeps the facet index in step."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from accounts.admin_importing import AmountWidget, ScopedForeignKeyWidget, ScopedModelResource
from accounts.models import Seller

from .models import Brand, Category, Product, Variant
from .services import product_save, variant_save


class SavedThroughServicesResource(ScopedModelResource):
    def do_instance_save(self, instance, is_create):
        if isinstance(instance, Variant):
            variant_save(variant=instance, actor=self.actor)
        else:
            product_save(product=instance, actor=self.actor)


class ProductResource(SavedThroughServicesResource):
    seller_scopes = {"seller": lambda seller: Q(pk=seller.pk)}  # a seller lists products under their own name only
    brand = fields.Field(
        attribute="brand",
        column_name="brand",
        widget=ScopedForeignKeyWidget(Brand, "slug", label=gettext_lazy("brand")),
    )
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=ScopedForeignKeyWidget(Category, "slug", label=gettext_lazy("category")),
    )
    seller = fields.Field(
        attribute="seller",
        column_name="seller",
        widget=ScopedForeignKeyWidget(Seller, "slug", label=gettext_lazy("seller")),
    )

    class Meta:
        model = Product
        name = gettext_lazy("Products")
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "base_sku",
            "brand",
            "category",
            "seller",
            "status",
            "base_price",
            "compare_at_price",
            "warranty_months",
            "description",
        ]

    def before_save_instance(self, instance, row, **kwargs):
        if self.seller is not None:
            instance.seller = self.seller
        super().before_save_instance(instance, row, **kwargs)


class ProductPriceResource(SavedThroughServicesResource):
    """Only prices, of products that exist (a price list from a spreadsheet)."""

    name = fields.Field(attribute="name", column_name="name", readonly=True)

    class Meta:
        model = Product
        name = gettext_lazy("Prices")
        import_id_fields = ["slug"]
        fields = ["slug", "name", "base_price", "compare_at_price"]

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            raise ValidationError(
                _("There is no product “%(slug)s”: prices are imported for existing products only.")
                % {"slug": row.get("slug")}
            )
        super().after_init_instance(instance, new, row, **kwargs)


class VariantResource(SavedThroughServicesResource):
    seller_lookup = "product__seller"
    seller_scopes = {"product": lambda seller: Q(seller=seller)}  # a variant goes only under the seller's own products
    product = fields.Field(
        attribute="product",
        column_name="product",
        widget=ScopedForeignKeyWidget(Product, "slug", label=gettext_lazy("product")),
    )
    price = fields.Field(attribute="price", column_name="price", readonly=True, widget=AmountWidget())

    class Meta:
        model = Variant
        name = gettext_lazy("Variants")
        import_id_fields = ["sku"]
        fields = ["sku", "product", "price_modifier", "price", "is_active", "order"]
