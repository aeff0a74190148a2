"""Staff see every receipt with its SUNAT status, XML and CDR; receipts are never edited here
(a correction is a credit note). A resend action puts failed ones back in the send queue."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import MoneyAdminMixin

from . import services
from .models import Receipt, ReceiptLine, SendStatus
from .sending import sending_configured
from .signing import certificate_configured


class ReceiptLineInline(MoneyAdminMixin, admin.TabularInline):
    model = ReceiptLine
    extra = 0
    can_delete = False
    money_fields = ("unit_price", "discount", "taxable_amount", "igv", "total")
    fields = (  # a tuple: its type then fits readonly_fields too
        "position",
        "sku",
        "description",
        "unit_code",
        "quantity",
        "unit_value_shown",
        "unit_price",
        "discount",
        "taxable_amount",
        "igv",
        "total",
    )
    readonly_fields = fields

    @admin.display(description=_("unit value (without IGV)"))
    def unit_value_shown(self, obj):
        # The decimals the row's arithmetic needs, as the printed receipt (the XML keeps all ten).
        return obj.unit_value_printed

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(MoneyAdminMixin, admin.ModelAdmin):
    money_fields = ("taxable_total", "igv_total", "discount_total", "total")
    list_display = ["number_display", "kind", "order", "buyer", "total", "status_badge"]
    list_filter = ["send_status", "kind", "series", "issue_date"]
    search_fields = ["order__number", "buyer_document", "buyer_name", "=number"]
    list_select_related = ["order"]
    date_hierarchy = "issued_at"
    inlines = [ReceiptLineInline]
    actions = ["resend"]

    class Media:
        css = {"all": ["css/receipts-admin.css"]}

    readonly_fields = [
        "order",
        "kind",
        "series",
        "number",
        "original",
        "reason_code",
        "reason",
        "source",
        "issued_at",
        "issue_date",
        "issuer_ruc",
        "issuer_name",
        "issuer_address",
        "buyer_document_type",
        "buyer_document",
        "buyer_name",
        "buyer_address",
        "currency",
        "taxable_total",
        "igv_total",
        "discount_total",
        "total",
        "amount_in_words",
        "digest",
        "signed",
        "sending_note",
        "send_status",
        "send_attempts",
        "sent_at",
        "cdr_code",
        "cdr_message",
        "emailed_at",
        "xml_view",
        "cdr_view",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "order",
                    "kind",
                    "series",
                    "number",
                    "issued_at",
                    "issue_date",
                    "original",
                    "reason_code",
                    "reason",
                    "source",
                ]
            },
        ),
        (
            _("Issuer and buyer"),
            {
                "fields": [
                    "issuer_ruc",
                    "issuer_name",
                    "issuer_address",
                    "buyer_document_type",
                    "buyer_document",
                    "buyer_name",
                    "buyer_address",
                ]
            },
        ),
        (
            _("Amounts"),
            {"fields": ["currency", "taxable_total", "igv_total", "discount_total", "total", "amount_in_words"]},
        ),
        (
            _("SUNAT"),
            {
                "fields": [
                    "signed",
                    "sending_note",
                    "send_status",
                    "send_attempts",
                    "sent_at",
                    "cdr_code",
                    "cdr_message",
                    "digest",
                    "emailed_at",
                ]
            },
        ),
        (_("Documents"), {"classes": ["collapse"], "fields": ["xml_view", "cdr_view"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj):
        return obj.full_number

    @admin.display(description=_("Customer"), ordering="buyer_document")
    def buyer(self, obj):
        if obj.buyer_name and obj.buyer_document:
            return format_html(
                '{}<br><span class="receipt-buyer-document">{}</span>', obj.buyer_name, obj.buyer_document
            )
        return obj.buyer_name or obj.buyer_document or "—"

    @admin.display(description=_("SUNAT status"), ordering="send_status")
    def status_badge(self, obj):
        label, tone = obj.get_send_status_display(), obj.send_tone
        if obj.send_status == SendStatus.PENDING and not obj.is_signed:
            # An unsigned document is not a receipt SUNAT would take: say so, not "pending".
            label, tone = _("Not signed: no certificate"), "danger"
        elif obj.send_status == SendStatus.PENDING and not sending_configured():
            label = _("Pending to send (sending not configured)")
        return format_html('<span class="receipt-status receipt-status--{}">{}</span>', tone, label)

    @admin.display(description=_("signature"), boolean=True)
    def signed(self, obj):
        return obj.is_signed

    @admin.display(description=_("Sending"))
    def sending_note(self, obj):
        if not sending_configured():
            return _("Sending to SUNAT is not configured (SUNAT_SEND_URL): this receipt stays pending to send.")
        if not certificate_configured():
            return _("No signing certificate is configured (SUNAT_CERT_PATH): receipts cannot be sent.")
        return _("Sent by the send task; failed receipts can be resent with the list's action.")

    @admin.display(description=_("XML"))
    def xml_view(self, obj):
        if not obj.is_signed:
            return format_html(
                '<p class="receipt-status receipt-status--danger">{}</p><pre class="receipt-xml">{}</pre>',
                _("Not signed: no signing certificate was configured when it was issued."),
                obj.xml or "—",
            )
        return format_html('<pre class="receipt-xml">{}</pre>', obj.xml)

    @admin.display(description=_("CDR"))
    def cdr_view(self, obj):
        return format_html('<pre class="receipt-xml">{}</pre>', obj.cdr_xml or "—")

    @admin.action(description=_("Send again to SUNAT"), permissions=["view"])
    def resend(self, request, queryset):
        count = services.receipts_resend(receipt_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d receipt queued to send.", "%(count)d receipts queued to send.", count)
            % {"count": count},
            messages.SUCCESS,
        )
