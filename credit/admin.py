"""Staff see store credit and its ledger; both are written only by credit.services (returns
issue it, checkout spends it, a cancelled order gives it back)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CreditUse, StoreCredit


class CreditUseInline(admin.TabularInline):
    model = CreditUse
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "order", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


@admin.register(StoreCredit)
class StoreCreditAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "amount", "balance", "expires_at", "return_request", "created_at"]
    list_filter = [("expires_at", admin.DateFieldListFilter)]
    search_fields = ["=number", "customer__email", "=return_request__number"]
    search_help_text = _("Search by credit number, customer e-mail or return number.")
    list_select_related = ["customer", "return_request"]
    fields = ["number", "customer", "return_request", "amount", "balance", "expires_at", "created_at"]
    readonly_fields = fields
    inlines = [CreditUseInline]

    def has_add_permission(self, request):
        return False  # issued when a return is resolved with store credit

    def has_delete_permission(self, request, obj=None):
        return False
