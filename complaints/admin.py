"""Staff work the Libro de Reclamaciones here: every sheet with its deadline, the provider's
answer (written once, e-mailed to the consumer), the history of each sheet, and INDECOPI's
export by date range. Sheets are never added nor deleted here."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import MoneyAdminMixin, ScopedHistoryAdmin

from . import export, selectors, services
from .models import ComplaintSheet
from .pdf import sheet_pdf
from .services import ComplaintError

CONSUMER = [
    "consumer_name",
    "document_type",
    "document_number",
    "address",
    "phone",
    "email",
    "is_minor",
    "guardian_name",
    "guardian_document",
    "customer",
]
ITEM = ["item_kind", "amount", "item_description", "order_link"]
CLAIM = ["kind", "kind_definition", "detail", "consumer_request"]
SHEET = ["number", "filed_at", "deadline", "provider_name", "provider_ruc", "provider_address", "pdf_link"]
ANSWER_READONLY = ["answered_at", "answered_by", "copy_sent_at", "answer_sent_at"]

STATE_TONES = {"overdue": "danger", "soon": "warning", "on_time": "ok", "answered": "muted"}


def deadline_cell(obj) -> str:
    """The due date of an answer owed within business days and how it stands, coloured: a sheet's,
    or anything else answered by the same rule (is_answered, due_on), such as an ARCO request."""
    state, days = selectors.deadline_state(obj)
    return format_html(
        '<span class="claims-deadline claims-deadline--{}">{}<br>{}</span>',
        STATE_TONES[state],
        obj.due_on.strftime("%d/%m/%Y"),
        selectors.deadline_label(state, days),
    )


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due in 3 business days or less")),
            ("open", _("Open (not answered)")),
            ("answered", _("Answered")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(answered_at__isnull=True, due_on__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                answered_at__isnull=True, due_on__gte=today, due_on__lte=selectors.due_soon_limit(today=today)
            )
        if self.value() == "open":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        return queryset


class AnswerForm(forms.ModelForm):
    class Meta:
        model = ComplaintSheet
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 8, "cols": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "response" in self.fields:
            self.fields["response"].required = True
            self.fields["response"].help_text = _(
                "What the store found and did. Saving answers the sheet: it is e-mailed to the consumer at once "
                "and cannot be changed afterwards."
            )


class ExportForm(forms.Form):
    FORMATS = [("csv", "CSV"), ("pdf", "PDF")]

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMATS, widget=forms.RadioSelect, initial="csv")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if start and end and (end - start).days > 366 * 2:
            raise forms.ValidationError(_("Export at most two years at a time."))
        return cleaned


@admin.register(ComplaintSheet)
class ComplaintSheetAdmin(MoneyAdminMixin, ScopedHistoryAdmin):
    form = AnswerForm
    money_fields = ("amount",)
    view_on_site = False  # the shop shows a sheet only to whoever filed it
    list_display = ["number", "deadline", "kind", "consumer_name", "order_link", "filed_on"]
    list_filter = [DeadlineFilter, "kind", "item_kind", ("filed_at", admin.DateFieldListFilter)]
    search_fields = ["=number", "email", "document_number", "consumer_name", "=order__number"]
    search_help_text = _("Search by sheet number, e-mail, document, name or order number.")
    list_select_related = ["order"]
    date_hierarchy = "filed_at"
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/complaints/complaintsheet/change_list.html"

    def get_fieldsets(self, request, obj=None):
        answer = ["response", *ANSWER_READONLY]
        return [
            (_("Sheet"), {"fields": SHEET}),
            (_("1. Identification of the consumer"), {"fields": CONSUMER}),
            (_("2. Identification of the good contracted"), {"fields": ITEM}),
            (_("3. Detail of the claim and the consumer's request"), {"fields": CLAIM}),
            (_("4. Observations and actions of the provider"), {"fields": answer}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fixed = [*SHEET, *CONSUMER, *ITEM, *CLAIM, *ANSWER_READONLY]
        if obj is not None and obj.is_answered or not self.has_change_permission(request, obj):
            return [*fixed, "response"]
        return fixed

    def has_add_permission(self, request):
        return False  # consumers file sheets from the shop

    def has_delete_permission(self, request, obj=None):
        return False  # kept for INDECOPI

    @admin.display(description=pgettext_lazy("purchase order", "order"), ordering="order__number")
    def order_link(self, obj):
        if obj.order_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]), obj.order.number
        )

    @admin.display(description=_("answer due"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj)

    @admin.display(description=_("filed at"), ordering="filed_at")
    def filed_on(self, obj):
        return timezone.localtime(obj.filed_at).strftime("%d/%m/%Y %H:%M")

    @admin.display(description=_("definition (regulation)"))
    def kind_definition(self, obj):
        return obj.kind_definition

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:complaints_complaintsheet_pdf", args=[obj.pk]),
            _("The sheet as a PDF"),
        )

    def save_model(self, request, obj, form, change):
        # The answer goes through the service (once, locked, e-mailed after the commit). What
        # happened is kept on the request: this admin object serves every request.
        request.complaint_answer = None
        if "response" not in form.cleaned_data:
            return  # an answered sheet: nothing on the page can change
        try:
            services.complaint_answer(sheet=obj.pk, response=form.cleaned_data["response"], actor=request.user)
        except ComplaintError as error:
            request.complaint_answer = ("error", str(error))
        else:
            request.complaint_answer = ("answered", obj.number)

    def log_change(self, request, obj, message):
        if (getattr(request, "complaint_answer", None) or ("",))[0] == "answered":
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        outcome, detail = getattr(request, "complaint_answer", None) or ("", "")
        if outcome == "answered":
            self.message_user(
                request,
                _("Sheet %(number)s is answered; the consumer is e-mailed the answer.") % {"number": detail},
                messages.SUCCESS,
            )
        elif outcome == "error":
            self.message_user(request, detail, messages.ERROR)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="complaints_complaintsheet_export"),
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="complaints_complaintsheet_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        sheet = self.get_object(request, str(pk))
        if sheet is None or not self.has_view_permission(request, sheet):
            return HttpResponse(status=404)
        response = HttpResponse(sheet_pdf(sheet), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="hoja-de-reclamacion-{sheet.number}.pdf"'
        return response

    def export_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        today = timezone.localdate()
        form = ExportForm(request.GET or None, initial={"start": today.replace(day=1), "end": today})
        if request.GET and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            name = f"libro-de-reclamaciones-{start:%Y%m%d}-{end:%Y%m%d}"
            if form.cleaned_data["file_format"] == "pdf":
                response = HttpResponse(export.export_pdf(start=start, end=end), content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            else:
                response = HttpResponse(export.export_csv(start=start, end=end), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Export for INDECOPI"),
        }
        return TemplateResponse(
            request, "admin/complaints/complaintsheet/export.html", context, status=400 if request.GET else 200
        )
