import json

from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from orders.admin import OrderAdmin

from .gateway_log import gateway_log_entries
from .models import GatewayLogEntry, Payment, PaymentMethod, Provider

# How much of a body the payment page shows per entry (the full body is in the store).
BODY_PREVIEW_CHARS = 2000


def pretty_body(body, limit: int = BODY_PREVIEW_CHARS) -> str:
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "\n…"


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


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
    readonly_fields = [*(field.name for field in Payment._meta.fields), "gateway_log"]
    fieldsets = [
        (None, {"fields": [field.name for field in Payment._meta.fields if field.name != "id"]}),
        (_("Gateway log"), {"fields": ["gateway_log"]}),
    ]

    @admin.display(description=_("Gateway log entries"))
    def gateway_log(self, obj):
        """This attempt's requests, responses and webhooks (redacted), newest first, from
        whichever store is active."""
        entries = gateway_log_entries(payment_id=obj.pk) if obj and obj.pk else []
        if not entries:
            return _("No gateway log entries.")
        rows = format_html_join("", (
            '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            '<td><pre style="white-space: pre-wrap; margin: 0">{}</pre></td></tr>'
        ), (
            (date_format(timezone.localtime(entry["created_at"]), "d/m/Y H:i:s"), _label(Provider, entry["provider"]),
             _label(GatewayLogEntry.Direction, entry["direction"]), entry["kind"],
             entry["status_code"] if entry["status_code"] is not None else "—", pretty_body(entry["body"]))
            for entry in entries
        ))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Time"), _("Provider"), _("Direction"), _("Kind"), _("Status code"), _("Body"), rows,
        )


@admin.register(GatewayLogEntry)
class GatewayLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The SQL gateway log (used when no MongoDB is configured); written by the gateways only."""

    list_display = ["created_at", "provider", "direction", "kind", "status_code", "order_id", "payment_id",
                    "duration_ms"]
    list_filter = ["provider", "direction", "created_at"]
    search_fields = ["kind", "url"]
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in GatewayLogEntry._meta.fields if field.name not in ("id", "body")),
                       "pretty"]
    exclude = ["body"]

    @admin.display(description=_("body"))
    def pretty(self, obj):
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', pretty_body(obj.body, limit=100_000))

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            number = int(search_term.strip())
            queryset |= self.model.objects.filter(order_id=number) | self.model.objects.filter(payment_id=number)
        return queryset, distinct


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
