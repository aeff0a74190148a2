"""The admin of SUNAT's daily paperwork: the summaries (RC and RA) with their lines, status,
ticket and CDR, read-only; the receipts as SUNAT's terms see them, with the boletas whose term to
reach SUNAT ends today or tomorrow flagged before they are late, and the one action that voids a
receipt the way the law allows today."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from orders.models import Order
from receipts.models import BuyerDocument, Receipt

from . import selectors, services
from .models import ReceiptTerms, Summary, SummaryLine, SummaryStatus
from .register_admin import SalesRegisterUrls


def _as_sent(document: str) -> str:
    """A document as SUNAT got it (or answered), verbatim."""
    return format_html('<pre class="receipt-xml">{}</pre>', document or "—")


class SummaryLineInline(ReadOnlyInline):
    model = SummaryLine
    fields = ("position", "receipt", "condition", "reason")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("receipt")


@admin.register(Summary)
class SummaryAdmin(SalesRegisterUrls, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["identifier", "kind", "reference_date", "line_count", "status_badge", "ticket", "answered_at"]
    list_filter = ["kind", "status", "reference_date"]
    search_fields = ["ticket", "=correlative"]
    date_hierarchy = "issue_date"
    inlines = [SummaryLineInline]
    actions = ["resend"]
    fieldsets = [
        (None, {"fields": ["kind", "identifier", "issue_date", "correlative", "reference_date", "created_at"]}),
        (_("Issuer"), {"fields": ["issuer_ruc", "issuer_name"]}),
        (
            _("SUNAT"),
            {
                "fields": [
                    "status",
                    "ticket",
                    "send_attempts",
                    "poll_attempts",
                    "sent_at",
                    "answered_at",
                    "cdr_code",
                    "cdr_message",
                    "digest",
                ]
            },
        ),
        (_("Documents"), {"classes": ["collapse"], "fields": ["xml_view", "cdr_view"]}),
    ]
    readonly_fields = [
        "kind",
        "identifier",
        "issue_date",
        "correlative",
        "reference_date",
        "created_at",
        "issuer_ruc",
        "issuer_name",
        "status",
        "ticket",
        "send_attempts",
        "poll_attempts",
        "sent_at",
        "answered_at",
        "cdr_code",
        "cdr_message",
        "digest",
        "xml_view",
        "cdr_view",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    def changelist_view(self, request, extra_context=None):
        # Before it is late: boletas (and notas) not yet reported whose term ends today or tomorrow.
        due = selectors.boletas_due().count()
        if due:
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}?due=soon">{}</a>',
                    ngettext(
                        "%(count)d boleta or nota must reach SUNAT by tomorrow at the latest.",
                        "%(count)d boletas or notas must reach SUNAT by tomorrow at the latest.",
                        due,
                    )
                    % {"count": due},
                    reverse("admin:sunat_receiptterms_changelist"),
                    _("See them"),
                ),
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("ID"), ordering="issue_date")
    def identifier(self, obj):
        return obj.identifier

    @admin.display(description=_("documents"), ordering="line_total")
    def line_count(self, obj):
        return obj.line_total

    @admin.display(description=_("SUNAT status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="receipt-status receipt-status--{}">{}</span>', obj.status_tone, obj.get_status_display()
        )

    @admin.display(description=_("XML"))
    def xml_view(self, obj):
        return _as_sent(obj.xml)

    @admin.display(description=_("CDR"))
    def cdr_view(self, obj):
        return _as_sent(obj.cdr_xml)

    @admin.action(description=_("Send again to SUNAT"), permissions=["view"])
    def resend(self, request, queryset):
        count = services.summaries_resend(
            summary_ids=list(queryset.filter(status=SummaryStatus.FAILED).values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%(count)d summary queued to send.", "%(count)d summaries queued to send.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class DueFilter(admin.SimpleListFilter):
    title = _("term to reach SUNAT")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("soon", _("Ends by tomorrow or has passed"))]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            return queryset.filter(pk__in=selectors.boletas_due().values("pk"))
        return queryset


class VoidPurpose(models.TextChoices):
    SALE = "sale", _("The sale is cancelled (the order is cancelled and refunded)")
    ERROR = "error", _("The receipt has an error (it is re-issued corrected for the same order)")


class VoidForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why"),
        choices=VoidPurpose.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A cancelled sale cancels its order through the store's cancellation, with its refund; "
            "the receipt is annulled by one document either way."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        min_length=services.REASON_MIN,
        max_length=services.REASON_MAX,
        help_text=_("Sent to SUNAT with the voiding, or written on the credit note."),
    )
    # The corrected buyer, for a receipt with an error (checked by the service as checkout checks it).
    document_type = forms.ChoiceField(label=_("Buyer's document"), choices=BuyerDocument.choices, required=False)
    document = forms.CharField(label=_("Document number"), max_length=20, required=False)
    buyer_name = forms.CharField(
        label=_("Buyer's name or business name"),
        max_length=200,
        required=False,
        help_text=_("A factura needs a RUC and the business name (razón social)."),
    )
    buyer_address = forms.CharField(label=_("Buyer's address"), max_length=300, required=False)

    def __init__(self, *args, receipt: Receipt, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field, value in (
            ("document_type", receipt.buyer_document_type),
            ("document", receipt.buyer_document),
            ("buyer_name", receipt.buyer_name),
            ("buyer_address", receipt.buyer_address),
        ):
            self.fields[field].initial = value


@admin.action(description=_("Void receipt"), permissions=["view"])
def void_receipt(model_admin, request, queryset):
    """The one action that voids a receipt: to its page, which says which way and why."""
    ids = list(queryset.values_list("pk", flat=True)[:2])
    if len(ids) != 1:
        model_admin.message_user(request, _("Choose one receipt to void."), messages.ERROR)
        return None
    return redirect("admin:sunat_receiptterms_void", ids[0])


@admin.register(ReceiptTerms)
class ReceiptTermsAdmin(ReadOnlyAdminMixin, MoneyAdminMixin, admin.ModelAdmin):
    money_fields = ("total",)
    list_display = ["number_display", "kind", "issue_date", "total", "send_status", "term"]
    list_filter = [DueFilter, "kind", "send_status", "issue_date"]
    search_fields = ["order__number", "buyer_document", "=number"]
    actions = [void_receipt]

    def get_urls(self):
        void = self.admin_site.admin_view(self.void_view)
        return [path("<int:pk>/void/", void, name="sunat_receiptterms_void"), *super().get_urls()]

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj):
        return obj.full_number

    @admin.display(description=_("reaches SUNAT by"))
    def term(self, obj):
        """The last day a boleta or nota not yet reported may reach SUNAT, flagged from the day before."""
        if not obj.series.startswith("B") or obj.send_status in selectors.REPORTED:
            return "—"
        deadline = selectors.rc_deadline(obj.issue_date)
        tone = "danger" if deadline <= selectors.lima_today() + timedelta(days=1) else "muted"
        return format_html(
            '<span class="receipt-status receipt-status--{}">{}</span>', tone, deadline.strftime("%d/%m/%Y")
        )

    def void_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        receipt = get_object_or_404(Receipt.objects.select_related("order"), pk=pk)
        route = selectors.void_route(receipt)
        form = VoidForm(request.POST or None, receipt=receipt)
        if request.method == "POST" and route.possible and form.is_valid():
            try:
                done: Receipt | Order | Summary
                if form.cleaned_data["purpose"] == VoidPurpose.SALE:
                    done = services.receipt_void_sale(
                        receipt_id=receipt.pk, reason=form.cleaned_data["reason"], actor=request.user
                    )
                else:
                    done = services.receipt_void_correct(
                        receipt_id=receipt.pk,
                        reason=form.cleaned_data["reason"],
                        document_type=form.cleaned_data["document_type"],
                        document=form.cleaned_data["document"],
                        name=form.cleaned_data["buyer_name"],
                        address=form.cleaned_data["buyer_address"],
                        actor=request.user,
                    )
            except services.SunatError as error:
                form.add_error(None, str(error))
            else:
                if isinstance(done, Receipt):
                    text = _("%(number)s voided and re-issued corrected as %(new)s.") % {
                        "number": receipt.full_number,
                        "new": done.full_number,
                    }
                elif isinstance(done, Order):
                    text = _("Order %(order)s cancelled: its credit note annuls %(number)s.") % {
                        "order": done.number,
                        "number": receipt.full_number,
                    }
                else:
                    text = _("%(number)s voided: %(summary)s goes to SUNAT.") % {
                        "number": receipt.full_number,
                        "summary": done.identifier,
                    }
                messages.success(request, text)
                return redirect("admin:sunat_receiptterms_changelist")
        return TemplateResponse(
            request,
            "admin/sunat/void.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Void receipt %(number)s") % {"number": receipt.full_number},
                "receipt": receipt,
                "route": route,
                "way": route_label(route.way),
                "form": form,
            },
            status=400 if request.method == "POST" else 200,
        )


# Staff also find it on the receipts' own list (sunat sits above receipts; its admin is loaded first).
_receipts_admin = admin.site.get_model_admin(Receipt)
_receipts_actions = list(_receipts_admin.actions or [])
if void_receipt not in _receipts_actions:
    _receipts_admin.actions = [*_receipts_actions, void_receipt]


def route_label(way: str) -> str:
    labels = {
        selectors.VoidWay.VOIDED: _("Voiding notice (comunicación de baja)"),
        selectors.VoidWay.DAILY: _("Daily summary line 3 (resumen diario)"),
        selectors.VoidWay.CREDIT_NOTE: _("Credit note 01 (cancellation of the operation)"),
    }
    return str(labels.get(way, _("It cannot be voided")))
