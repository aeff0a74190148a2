"""Staff see every receipt with its SUNAT status, XML and CDR (downloadable as SUNAT names it,
R-<file>.xml) and the observations' codes; receipts are never edited here (a correction is a
nota). Actions: send again what SUNAT has not answered, re-issue what it rejected under a new
number, issue a nota de débito on a boleta or factura. A page lists what SUNAT has not accepted
with the days left before the legal term, overdue first."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _text
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import MoneyAdminMixin

from . import selectors, services
from .forms import DebitNoteForm
from .models import Receipt, ReceiptKind, ReceiptLine, SendStatus
from .sending import sending_configured
from .signing import certificate_configured

# Issuing (a nota de débito, a re-issue) is writing a receipt: staff allowed to add receipts.
ISSUE_PERMISSION = "receipts.add_receipt"


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
    change_list_template = "admin/receipts/receipt/change_list.html"
    change_form_template = "admin/receipts/receipt/change_form.html"
    search_fields = ["order__number", "buyer_document", "buyer_name", "=number"]
    list_select_related = ["order"]
    date_hierarchy = "issued_at"
    inlines = [ReceiptLineInline]
    actions = ["resend", "reissue", "debit_note"]

    class Media:
        css = {"all": ["css/receipts-admin.css"]}

    readonly_fields = [
        "order",
        "kind",
        "series",
        "number",
        "original",
        "reissue_of",
        "reissued_as",
        "voided_at",
        "issued_by",
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
        "send_claimed_at",
        "cdr_code",
        "cdr_message",
        "observations",
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
                    "reissue_of",
                    "reissued_as",
                    "voided_at",
                    "issued_by",
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
                    "send_claimed_at",
                    "sent_at",
                    "cdr_code",
                    "cdr_message",
                    "observations",
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
        elif obj.send_status in (SendStatus.OBSERVED, SendStatus.REJECTED) and obj.cdr_code:
            codes = (_observation_codes(obj) if obj.send_status == SendStatus.OBSERVED else []) or [obj.cdr_code]
            label = f"{label} ({', '.join(codes)})"
        return format_html('<span class="receipt-status receipt-status--{}">{}</span>', tone, label)

    @admin.display(description=_("observations"))
    def observations(self, obj):
        if not obj.cdr_observations:
            return "—"
        items = format_html_join("", "<li>{}</li>", ((note,) for note in obj.cdr_observations))
        return format_html('<ul class="receipt-observations">{}</ul>', items)

    @admin.display(description=_("re-issued as"))
    def reissued_as(self, obj):
        reissue = Receipt.objects.filter(reissue_of=obj).only("pk", "series", "number").first()
        if reissue is None:
            return "—"
        url = reverse("admin:receipts_receipt_change", args=[reissue.pk])
        return format_html('<a href="{}">{}</a>', url, reissue.full_number)

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
        if not obj.cdr_xml:
            return "—"
        return format_html(
            '<p><a class="button" href="{}" download>{} {}</a></p><pre class="receipt-xml">{}</pre>',
            reverse("admin:receipts_receipt_cdr", args=[obj.pk]),
            _("Download"),
            obj.cdr_file_name,
            obj.cdr_xml,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        receipt = Receipt.objects.filter(pk=object_id).only("kind", "send_status").first()
        can_debit_note = (
            receipt is not None
            and receipt.kind in (ReceiptKind.FACTURA, ReceiptKind.BOLETA)
            and receipt.send_status != SendStatus.REJECTED
            and request.user.has_perm(ISSUE_PERMISSION)
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "can_debit_note": can_debit_note}
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("not-accepted/", view(self.not_accepted_view), name="receipts_receipt_not_accepted"),
            path("<int:pk>/cdr/", view(self.cdr_download), name="receipts_receipt_cdr"),
            path("<int:pk>/debit-note/", view(self.debit_note_view), name="receipts_receipt_debit_note"),
            *super().get_urls(),
        ]

    def cdr_download(self, request, pk: int):
        """SUNAT's CDR of one document, as SUNAT names it (R-<file name>.xml)."""
        if not self.has_view_permission(request):
            raise Http404
        receipt = get_object_or_404(
            Receipt.objects.only("pk", "issuer_ruc", "kind", "series", "number", "cdr_xml"), pk=pk
        )
        if not receipt.cdr_xml:
            raise Http404
        response = HttpResponse(receipt.cdr_xml.encode(), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{receipt.cdr_file_name}"'
        return response

    def not_accepted_view(self, request):
        """What SUNAT has not accepted, with the days left before the legal term, overdue first."""
        if not self.has_view_permission(request):
            raise Http404
        return TemplateResponse(
            request,
            "admin/receipts/receipt/not_accepted.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("What SUNAT has not accepted"),
                "rows": selectors.documents_not_accepted(),
            },
        )

    def debit_note_view(self, request, pk: int):
        """A nota de débito on one boleta or factura: its amount with IGV and its reason."""
        if not request.user.has_perm(ISSUE_PERMISSION):
            raise Http404
        original = get_object_or_404(Receipt, pk=pk, kind__in=[ReceiptKind.FACTURA, ReceiptKind.BOLETA])
        form = DebitNoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = form.cleaned_data
                note = services.debit_note_issue(
                    original_id=original.pk,
                    amount=data["amount"],
                    reason_code=data["reason_code"],
                    reason=data["reason"],
                    actor=request.user,
                    source=f"debit:{data['token'].hex}",
                )
            except services.ReceiptError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _text("Debit note %(number)s issued.") % {"number": note.full_number})
                return redirect("admin:receipts_receipt_change", note.pk)
        return TemplateResponse(
            request,
            "admin/receipts/receipt/debit_note.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "original": original,
                "title": _text("Debit note on %(number)s") % {"number": original.full_number},
            },
        )

    @admin.action(description=_("Issue a debit note"), permissions=["issue"])
    def debit_note(self, request, queryset):
        originals = list(queryset.values_list("pk", "kind")[:2])
        if len(originals) != 1 or originals[0][1] not in (ReceiptKind.FACTURA, ReceiptKind.BOLETA):
            self.message_user(request, _("Choose one boleta or factura for a debit note."), messages.ERROR)
            return None
        return redirect("admin:receipts_receipt_debit_note", originals[0][0])

    @admin.action(description=_("Re-issue under a new number (rejected by SUNAT)"), permissions=["issue"])
    def reissue(self, request, queryset):
        for receipt_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                reissue = services.receipt_reissue(receipt_id=receipt_id, actor=request.user)
            except services.ReceiptError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                rejected = reissue.reissue_of
                assert rejected is not None  # receipt_reissue links it
                self.message_user(
                    request,
                    _text("%(rejected)s re-issued as %(number)s.")
                    % {"rejected": rejected.full_number, "number": reissue.full_number},
                    messages.SUCCESS,
                )

    def has_issue_permission(self, request):
        return request.user.has_perm(ISSUE_PERMISSION)

    @admin.action(description=_("Send again to SUNAT"), permissions=["view"])
    def resend(self, request, queryset):
        count = services.receipts_resend(receipt_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d receipt queued to send.", "%(count)d receipts queued to send.", count)
            % {"count": count},
            messages.SUCCESS,
        )


def _observation_codes(receipt: Receipt) -> list[str]:
    """The codes of a CDR's observations ("4252 - El dato ..." → 4252)."""
    return [note.split(" ", 1)[0].strip("-: ") for note in receipt.cdr_observations if note.strip()]
