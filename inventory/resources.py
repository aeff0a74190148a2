"""CSV/XLSX rows of stock levels (django-import-export, see accounts.admin_importing). The
on_hand column is a count: the difference goes through the ledger (stock_count_set), never
into the row directly; minimum, maximum and bin are the row's own settings."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from accounts.admin_importing import ScopedForeignKeyWidget, ScopedModelResource, WholeNumberWidget
from catalog.models import Variant

from .exceptions import InventoryError
from .models import StockLevel, Warehouse
from .services.stock import stock_count_set


class StockLevelResource(ScopedModelResource):
    seller_lookup = "warehouse__seller"
    # Only the seller's variants, in the seller's warehouses.
    seller_scopes = {"variant": lambda seller: Q(product__seller=seller), "warehouse": lambda seller: Q(seller=seller)}
    variant = fields.Field(
        attribute="variant",
        column_name="sku",
        widget=ScopedForeignKeyWidget(Variant, "sku", label=gettext_lazy("variant")),
    )
    warehouse = fields.Field(
        attribute="warehouse",
        column_name="warehouse",
        widget=ScopedForeignKeyWidget(Warehouse, "code", label=gettext_lazy("warehouse")),
    )
    on_hand = fields.Field(attribute="on_hand", column_name="on_hand", widget=WholeNumberWidget())

    class Meta:
        model = StockLevel
        name = gettext_lazy("Stock levels")
        import_id_fields = ["variant", "warehouse"]
        fields = ["variant", "warehouse", "on_hand", "minimum", "maximum", "bin_location"]

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute != "on_hand":
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        if field.column_name not in row:
            instance.counted = None
            return
        counted = field.clean(row, **kwargs)
        if counted is None or counted < 0:
            raise ValueError(_("On hand must be a whole number, zero or more."))
        instance.counted = instance.on_hand = counted  # in memory, for the preview's diff; saved by the ledger

    def do_instance_save(self, instance, is_create):
        """The row's settings, then the count through the ledger; the dry run does the same inside
        the transaction that the preview rolls back."""
        if is_create:
            StockLevel.objects.get_or_create(
                variant=instance.variant,
                warehouse=instance.warehouse,
                defaults={
                    "minimum": instance.minimum,
                    "maximum": instance.maximum,
                    "bin_location": instance.bin_location,
                },
            )
        else:
            instance.save(update_fields=["minimum", "maximum", "bin_location"])
        if getattr(instance, "counted", None) is not None:
            try:
                stock_count_set(
                    variant=instance.variant,
                    warehouse=instance.warehouse,
                    on_hand=instance.counted,
                    reason=_("Count imported from a file"),
                    actor=self.actor,
                )
            except InventoryError as error:
                raise ValidationError({"on_hand": str(error)}) from None
        stored = StockLevel.objects.get(variant=instance.variant, warehouse=instance.warehouse)
        instance.pk, instance.on_hand = stored.pk, stored.on_hand
