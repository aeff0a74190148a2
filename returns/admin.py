"""Staff handle returns here: approve or reject (with a message to the customer), then receive
each line with the condition found. Everything is written by the returns services."""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scoping import NO_ROWS, SellerScopedAdminMixin, seller_scope
from core.admin import MoneyAdminMixin, OrderLineColumnsMixin, ReadOnlyAdminMixin, StatusHistoryInline
from inventory.models import Warehouse

from . import services
from .models import FoundCondition, Resolution, ReturnLine, ReturnRequest, ReturnStatus, ReturnStatusChange
from .services import ReceiveLineData, ReturnError


class ReturnLineInline(OrderLineColumnsMixin, ReadOnlyAdminMixin, SellerScopedAdminMixin, admin.TabularInline):
    model = ReturnLine
    seller_field = "order_line__seller"  # a seller sees only the returned lines of their products
    extra = 0
    can_delete = False
    fields = (  # a tuple: its type then fits readonly_fields too
        "sku",
        "product",
        "quantity",
        "reason",
        "reason_detail",
        "declared_condition",
        "found_condition",
        "warehouse",
        "received_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line", "warehouse")


class ReturnStatusChangeInline(StatusHistoryInline):
    model = ReturnStatusChange


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the customer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, required=False
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].required = required


class ReceiveForm(forms.Form):
    """One condition (and warehouse) per line of the return."""

    def __init__(self, *args, return_request: ReturnRequest, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(is_active=True)
        self.return_lines = list(return_request.lines.select_related("order_line"))
        for line in self.return_lines:
            label = f"{line.quantity} × {line.order_line.sku} · {line.order_line.product_name}"
            self.fields[f"condition_{line.pk}"] = forms.ChoiceField(
                label=label, choices=FoundCondition.choices, initial=FoundCondition.RESELLABLE
            )
            self.fields[f"warehouse_{line.pk}"] = forms.ModelChoiceField(
                label=_("Warehouse"),
                queryset=warehouses,
                required=False,
                initial=warehouses.first(),
                help_text=_("Not needed for units kept in quarantine."),
            )
        self.fields["note"] = forms.CharField(label=_("Note"), max_length=255, required=False)

    def lines(self) -> list[ReceiveLineData]:
        return [
            ReceiveLineData(
                return_line_id=line.pk,
                found_condition=self.cleaned_data[f"condition_{line.pk}"],
                warehouse_id=getattr(self.cleaned_data[f"warehouse_{line.pk}"], "pk", None),
            )
            for line in self.return_lines
        ]


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, return_request: ReturnRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].initial = return_request.resolution or Resolution.REFUND
        if return_request.order.customer_id is None:  # a guest has no account to hold store credit
            cast(forms.ChoiceField, self.fields["resolution"]).choices = [(Resolution.REFUND, Resolution.REFUND.label)]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(MoneyAdminMixin, SellerScopedAdminMixin, admin.ModelAdmin):
    money_fields = ("resolved_amount",)
    list_display = ["number", "order_link", "email", "status", "resolution", "units", "created_at"]
    list_filter = ["status", "resolution", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=number", "=order__number", "email"]
    search_help_text = _("Search by return number, order number or e-mail.")
    seller_search_fields = ("=number", "=order__number", "=lines__order_line__sku")
    seller_search_help_text = _("Search by return number, order number or SKU.")
    list_select_related = ["order"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [ReturnLineInline, ReturnStatusChangeInline]
    actions = ["approve", "reject", "close"]
    fields = (  # a tuple: its type then fits readonly_fields too
        "number",
        "order_link",
        "customer",
        "email",
        "status",
        "resolution",
        "resolved_amount",
        "store_credit_link",
        "customer_message",
        "receive_link",
        "created_at",
    )
    readonly_fields = fields

    # A seller handles the goods, the store the customer: no e-mail or account on a seller's pages.
    CUSTOMER_CONTACT = ("customer", "email")

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        return fields if seller_scope(request) is None else [f for f in fields if f not in self.CUSTOMER_CONTACT]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if seller_scope(request) is None else [f for f in fields if f not in self.CUSTOMER_CONTACT]

    def get_queryset(self, request):
        scope = seller_scope(request)
        # A seller counts only the units of their own lines.
        own_lines = Q(lines__order_line__seller=scope) if scope not in (None, NO_ROWS) else None
        return super().get_queryset(request).annotate(unit_count=Sum("lines__quantity", filter=own_lines))

    def scope_queryset(self, queryset, seller):
        # The returns with at least one line of the seller's products, each listed once.
        return queryset.filter(Exists(ReturnLine.objects.filter(request=OuterRef("pk"), order_line__seller=seller)))

    def has_add_permission(self, request):
        return False  # customers ask for returns from their order page

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/receive/", self.admin_site.admin_view(self.receive_view), name="returns_returnrequest_receive"
            ),
            path(
                "<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view), name="returns_returnrequest_resolve"
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]), obj.order.number
        )

    @admin.display(description=_("units"), ordering="unit_count")
    def units(self, obj):
        return obj.unit_count

    @admin.display(description=_("next step"))
    def receive_link(self, obj):
        if obj.status == ReturnStatus.APPROVED:
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:returns_returnrequest_receive", args=[obj.pk]),
                _("Receive the items…"),
            )
        if obj.status == ReturnStatus.RECEIVED:
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:returns_returnrequest_resolve", args=[obj.pk]),
                _("Resolve: refund or store credit…"),
            )
        return "—"

    @admin.display(description=_("store credit"))
    def store_credit_link(self, obj):
        credit = getattr(obj, "store_credit", None) if obj.pk else None
        if credit is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:credit_storecredit_change", args=[credit.pk]), credit.number
        )

    def _message_action(self, request, queryset, *, action: str, title, submit, required: bool, service):
        pending = queryset.filter(status=ReturnStatus.REQUESTED).select_related("order")
        form = MessageForm(request.POST if "apply" in request.POST else None, required=required)
        if "apply" not in request.POST or not form.is_valid():
            return TemplateResponse(
                request,
                "admin/action_form.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": title,
                    "form": form,
                    "queryset": pending,
                    "objects": [f"{r.number} · {r.order.number} · {r.email}" for r in pending],
                    "action": action,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "submit_label": submit,
                },
            )
        done = 0
        for return_request in pending:
            try:
                service(request=return_request, actor=request.user, message=form.cleaned_data["message"])
                done += 1
            except ReturnError as error:
                self.message_user(request, f"{return_request.number}: {error}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d return updated.", "%(count)d returns updated.", done) % {"count": done},
                messages.SUCCESS,
            )
        return None

    @admin.action(description=_("Approve the selected returns…"), permissions=["change"])
    def approve(self, request, queryset):
        return self._message_action(
            request,
            queryset,
            action="approve",
            title=_("Approve these returns?"),
            submit=_("Yes, approve them"),
            required=False,
            service=services.return_approve,
        )

    @admin.action(description=_("Reject the selected returns…"), permissions=["change"])
    def reject(self, request, queryset):
        return self._message_action(
            request,
            queryset,
            action="reject",
            title=_("Reject these returns?"),
            submit=_("Yes, reject them"),
            required=True,
            service=services.return_reject,
        )

    @admin.action(description=_("Close the selected resolved or rejected returns"), permissions=["change"])
    def close(self, request, queryset):
        done = 0
        for return_request in queryset.filter(status__in=[ReturnStatus.RESOLVED, ReturnStatus.REJECTED]):
            try:
                services.return_close(request=return_request, actor=request.user)
                done += 1
            except ReturnError as error:
                self.message_user(request, f"{return_request.number}: {error}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d return closed.", "%(count)d returns closed.", done) % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    def resolve_view(self, request, pk):
        return_request = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=pk)
        if not self.has_change_permission(request, return_request):
            raise PermissionDenied
        if return_request.status != ReturnStatus.RECEIVED:
            self.message_user(request, _("Only a received return can be resolved."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:returns_returnrequest_change", args=[pk]))
        form = ResolveForm(request.POST or None, return_request=return_request)
        if request.method == "POST" and form.is_valid():
            try:
                services.return_resolve(
                    request=return_request,
                    actor=request.user,
                    resolution=form.cleaned_data["resolution"],
                    note=form.cleaned_data["note"],
                )
            except ReturnError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("Return %(number)s resolved.") % {"number": return_request.number}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:returns_returnrequest_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Resolve the return"),
            "form": form,
            "original": return_request,
            "amount": services.return_amount(request=return_request),
        }
        return TemplateResponse(request, "admin/returns/returnrequest/resolve_form.html", context)

    def receive_view(self, request, pk):
        return_request = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=pk)
        if not self.has_change_permission(request, return_request):
            raise PermissionDenied
        if return_request.status != ReturnStatus.APPROVED:
            self.message_user(request, _("Only an approved return can be received."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:returns_returnrequest_change", args=[pk]))
        form = ReceiveForm(request.POST or None, return_request=return_request)
        if request.method == "POST" and form.is_valid():
            try:
                services.return_receive(
                    request=return_request, lines=form.lines(), actor=request.user, note=form.cleaned_data["note"]
                )
            except ReturnError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("Return %(number)s received.") % {"number": return_request.number}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:returns_returnrequest_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Receive the items"),
            "form": form,
            "original": return_request,
        }
        return TemplateResponse(request, "admin/returns/returnrequest/receive_form.html", context)
