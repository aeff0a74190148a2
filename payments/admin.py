from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin
from orders.admin import OrderAdmin

from .models import Payment, PaymentMethod, Refund, WebhookEvent


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


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refunds proposed by the store (late payments) and those the gateways report."""

    list_display = ["payment", "amount", "status", "reason", "gateway_reference", "created_at"]
    list_filter = ["status", "payment__provider", "created_at"]
    search_fields = ["payment__order__number", "gateway_reference"]
    list_select_related = ["payment", "payment__order"]
    readonly_fields = [field.name for field in Refund._meta.fields]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Gateway notifications as received; a failed one can be processed again."""

    list_display = ["event_id", "provider", "event_type", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["provider", "status", "event_type", "received_at"]
    search_fields = ["event_id", "event_type"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]
    actions = ["reprocess"]

    def has_reprocess_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_webhookevent")

    @admin.action(description=_("Process the selected failed events again"), permissions=["reprocess"])
    def reprocess(self, request, queryset):
        from .tasks import process_webhook_event

        ids = list(queryset.filter(status=WebhookEvent.Status.FAILED).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(lambda pk=pk: process_webhook_event.delay(pk), robust=True)
        self.message_user(request, ngettext("%(count)d event queued for processing.",
                                            "%(count)d events queued for processing.", len(ids)) % {"count": len(ids)})
