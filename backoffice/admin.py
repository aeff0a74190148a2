from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import SellerScopedAdminMixin
from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin

from .models import CategoryCommission, LineCommission


@admin.register(CategoryCommission)
class CategoryCommissionAdmin(admin.ModelAdmin):
    list_display = ["category", "seller_or_everyone", "rate"]
    list_filter = ["category__family"]
    list_select_related = ["category", "seller"]
    search_fields = ["category__name", "seller__store_name"]
    autocomplete_fields = ["category", "seller"]

    @admin.display(description=_("seller"), ordering="seller__store_name")
    def seller_or_everyone(self, obj):
        return obj.seller or _("every seller")


@admin.register(LineCommission)
class LineCommissionAdmin(MoneyAdminMixin, ReadOnlyAdminMixin, SellerScopedAdminMixin, admin.ModelAdmin):
    money_fields = ("base", "amount")
    list_display = ["order_number", "sku", "seller", "rate", "source", "base", "amount", "created_at"]
    list_filter = ["source", "seller", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["order_line__order", "seller"]
    search_fields = ["order_line__order__number", "order_line__sku"]
    date_hierarchy = "created_at"

    @admin.display(description=_("order"), ordering="order_line__order__number")
    def order_number(self, obj):
        return obj.order_line.order.number

    @admin.display(description=_("SKU"), ordering="order_line__sku")
    def sku(self, obj):
        return obj.order_line.sku
