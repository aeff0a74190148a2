from django.contrib import admin

from core.admin import MoneyAdminMixin

from .models import Favourite


@admin.register(Favourite)
class FavouriteAdmin(MoneyAdminMixin, admin.ModelAdmin):
    """Read-only: customers keep their own lists; staff may look (e.g. which products are wanted)."""

    money_fields = ("saved_price",)

    list_display = ("user", "product", "saved_price", "created_at")
    list_select_related = ("user", "product")
    search_fields = ("user__email", "product__name")
    raw_id_fields = ("user", "product")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
