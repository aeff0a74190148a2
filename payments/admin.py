from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from orders.admin import OrderAdmin

from .models import Payment, PaymentMethod


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "provider", "kind", "commission_percent", "fixed_fee", "is_active", "order"]
    list_filter = ["provider", "kind", "is_active"]
    list_editable = ["is_active", "order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Payment attempts are written by the gateways only; staff read them."""

    list_display = ["order", "method", "amount", "status", "card_brand", "card_last4", "fee", "created_at"]
    list_filter = ["status", "provider", "method", "created_at"]
    search_fields = ["order__number", "order__email", "gateway_reference"]
    list_select_related = ["order", "method"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Payment._meta.fields]


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An order's payment attempts, read-only (gateways write them)."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["created_at", "method", "amount", "status", "card_brand", "card_last4", "fee", "gateway_reference",
              "failure_message"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("method")


# The order page shows its payments to those allowed to read payments (never to sellers).
OrderAdmin.inlines = [*OrderAdmin.inlines, PaymentInline]
