"""The reconciliation's findings for staff: a read-only list with a link to each order; the one change
is marking a finding reviewed with a note (through reconciliation.services, audited in its history)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin

from . import enqueue
from .models import Discrepancy, Run, gateway_name
from .services import ReconciliationError, discrepancy_review


@admin.register(Run)
class RunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "compared", "failed", "open_findings", "times_run", "finished_at")
    date_hierarchy = "day"
    fields = ("day", "compared", "failed", "times_run", "started_at", "finished_at")
    readonly_fields = fields
    actions = ["reconcile_again"]

    def has_reconcile_permission(self, request) -> bool:
        # Running a day again only rewrites its open findings: those who may review them may ask for it.
        return request.user.has_perm("reconciliation.change_discrepancy")

    @admin.action(description=_("Reconcile the selected days again"), permissions=["reconcile"])
    def reconcile_again(self, request, queryset):
        days = list(queryset.values_list("day", flat=True))
        for day in days:
            enqueue.day_reconcile(day=day)
        messages.success(
            request,
            _("Reconciling %(count)d days again: their findings are renewed in a moment.") % {"count": len(days)},
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_count=Count("discrepancies", filter=Q(discrepancies__status=Discrepancy.Status.OPEN)))
        )

    @admin.display(description=_("gateways compared"))
    def compared(self, run: Run) -> str:
        return ", ".join(gateway_name(provider) for provider in run.compared_gateways) or "—"

    @admin.display(description=_("gateways that failed"))
    def failed(self, run: Run) -> str:
        return "; ".join(f"{gateway_name(p)}: {run.gateways[p]}" for p in run.failed_gateways) or "—"

    @admin.display(description=_("open findings"), ordering="open_count")
    def open_findings(self, run: Run):
        url = reverse("admin:reconciliation_discrepancy_changelist")
        return format_html(
            '<a href="{}?run__id__exact={}&status__exact=open">{}</a>', url, run.pk, getattr(run, "open_count", 0)
        )


class ReviewForm(forms.ModelForm):
    review_note = forms.CharField(
        label=_("review note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you found or did about it (the finding itself changes nothing)."),
    )

    class Meta:
        model = Discrepancy
        fields = ("review_note",)


@admin.register(Discrepancy)
class DiscrepancyAdmin(MoneyAdminMixin, ScopedHistoryAdmin):
    money_fields = ("gateway_amount", "store_amount")
    list_display = (
        "day",
        "gateway",
        "kind",
        "order_link",
        "gateway_reference",
        "gateway_amount",
        "store_amount",
        "status",
        "reviewed_by",
    )
    list_filter = ("status", "kind", "provider", "run__day")
    list_select_related = ("run", "order", "reviewed_by")
    search_fields = ("gateway_reference", "order__number", "detail")
    form = ReviewForm
    readonly_fields = (
        "day",
        "gateway",
        "kind",
        "order_link",
        "gateway_reference",
        "gateway_amount",
        "store_amount",
        "currency",
        "detail",
        "found_at",
        "status",
        "reviewed_by",
        "reviewed_at",
    )
    fields = (*readonly_fields, "review_note")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Reviewed is final: its page is read-only, the note as written.
        if obj is not None and obj.status == Discrepancy.Status.REVIEWED:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields.append("review_note")
        return fields

    @admin.display(description=_("gateway"), ordering="provider")
    def gateway(self, row: Discrepancy) -> str:
        return row.gateway_name

    @admin.display(description=_("day"), ordering="run__day")
    def day(self, row: Discrepancy):
        return row.run.day

    @admin.display(description=pgettext_lazy("purchase order", "order"), ordering="order__number")
    def order_link(self, row: Discrepancy):
        if row.order is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[row.order_id]), row.order.number
        )

    def save_model(self, request, obj, form, change):
        """The only write: the review, through the service (it refuses a finding already reviewed)."""
        try:
            discrepancy_review(discrepancy_id=obj.pk, user=request.user, note=form.cleaned_data["review_note"])
        except ReconciliationError as error:
            messages.error(request, str(error))
