import json
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin
from core.money import format_money
from orders.admin import OrderAdmin

from . import enqueue
from .gateway_log import gateway_log_entries
from .models import GatewayLogEntry, Payment, PaymentMethod, Provider, Refund, WebhookEvent
from .services import PaymentError, culqi_flow, refunds

# How much of a body the payment page shows per entry (the full body is in the store).
BODY_PREVIEW_CHARS = 2000


def pretty_body(body, limit: int = BODY_PREVIEW_CHARS) -> str:
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "\n…"


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


@admin.register(PaymentMethod)
class PaymentMethodAdmin(MoneyAdminMixin, ScopedHistoryAdmin):
    money_fields = ("fixed_fee",)
    list_display = ["name", "code", "provider", "kind", "commission_percent", "fixed_fee", "is_active", "order"]
    list_filter = ["provider", "kind", "is_active"]
    list_editable = ["is_active", "order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Payment)
class PaymentAdmin(MoneyAdminMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin):
    """Payment attempts are written by the gateways only; staff read them."""

    money_fields = ("amount", "fee")
    list_display = ["order", "method", "amount", "status", "card_brand", "card_last4", "paid_in", "fee", "created_at"]
    list_filter = ["status", "provider", "method", "created_at"]
    search_fields = ["order__number", "order__email", "gateway_reference"]
    list_select_related = ["order", "method"]
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in Payment._meta.fields), "gateway_log"]
    fieldsets = [
        (None, {"fields": [field.name for field in Payment._meta.fields if field.name != "id"]}),
        (_("Gateway log"), {"fields": ["gateway_log"]}),
    ]

    @admin.display(description=_("installments"), ordering="installments")
    def paid_in(self, obj):
        if obj.installments and obj.installments > 1:
            return _("in %(count)s cuotas") % {"count": obj.installments}
        return "—"

    @admin.display(description=_("Gateway log entries"))
    def gateway_log(self, obj):
        """This attempt's requests, responses and webhooks (redacted), newest first, from
        whichever store is active."""
        entries = gateway_log_entries(payment_id=obj.pk) if obj and obj.pk else []
        if not entries:
            return _("No gateway log entries.")
        rows = format_html_join(
            "",
            ("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>"),
            (
                (
                    date_format(timezone.localtime(entry["created_at"]), "d/m/Y H:i:s"),
                    _label(Provider, entry["provider"]),
                    _label(GatewayLogEntry.Direction, entry["direction"]),
                    entry["kind"],
                    entry["status_code"] if entry["status_code"] is not None else "—",
                    pretty_body(entry["body"]),
                )
                for entry in entries
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Time"),
            _("Provider"),
            _("Direction"),
            _("Kind"),
            _("Status code"),
            _("Body"),
            rows,
        )


@admin.register(GatewayLogEntry)
class GatewayLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The SQL gateway log (used when no MongoDB is configured); written by the gateways only."""

    list_display = [
        "created_at",
        "provider",
        "direction",
        "kind",
        "status_code",
        "order_id",
        "payment_id",
        "duration_ms",
    ]
    list_filter = ["provider", "direction", "created_at"]
    search_fields = ["kind", "url", "=request_id"]  # a request id from the logs finds its rows
    date_hierarchy = "created_at"
    readonly_fields = [
        *(field.name for field in GatewayLogEntry._meta.fields if field.name not in ("id", "body")),
        "pretty",
    ]
    exclude = ["body"]

    @admin.display(description=_("body"))
    def pretty(self, obj):
        return format_html("<pre>{}</pre>", pretty_body(obj.body, limit=100_000))

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            number = int(search_term.strip())
            queryset |= self.model.objects.filter(order_id=number) | self.model.objects.filter(payment_id=number)
        return queryset, distinct


class PaymentInline(MoneyAdminMixin, ReadOnlyAdminMixin, admin.TabularInline):
    """An order's payment attempts, read-only (gateways write them)."""

    money_fields = ("amount", "fee")
    model = Payment
    extra = 0
    can_delete = False
    fields = (  # a tuple: its type then fits readonly_fields too
        "created_at",
        "method",
        "amount",
        "status",
        "card_brand",
        "card_last4",
        "fee",
        "gateway_reference",
        "failure_message",
    )
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("method")


# The order page shows its payments to those allowed to read payments (never to sellers).
OrderAdmin.inlines = [*OrderAdmin.inlines, PaymentInline]


class RefundRequestForm(forms.ModelForm):
    """Support asks for a refund: which payment, how much, why (nothing reaches the gateway)."""

    # One key per rendered form: submitting it twice requests the refund once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = Refund
        fields = ["payment", "amount", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "payment" not in self.fields:  # the view-only page of a requested refund has no inputs
            return
        self.fields["reason"].required = True
        self.fields["key"].initial = secrets.token_urlsafe(24)
        self.fields["payment"].queryset = Payment.objects.filter(status=Payment.Status.SUCCEEDED)

    def clean(self):
        cleaned = super().clean()
        payment, amount = cleaned.get("payment"), cleaned.get("amount")
        if (key := cleaned.get("key")) and Refund.objects.filter(idempotency_key=key).exists():
            return cleaned  # a replay: save_model returns the refund it created
        if payment is not None and amount is not None:
            try:
                refunds.refund_request_check(payment=payment, amount=amount)
            except PaymentError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


@admin.register(Refund)
class RefundAdmin(MoneyAdminMixin, ScopedHistoryAdmin):
    """Support requests refunds here; an administrator approves them (an action with a
    confirmation) and only then does the gateway return the money. Nothing is edited by hand."""

    money_fields = ("amount",)
    form = RefundRequestForm
    # The order, not the payment: a payment's own label carries its status and amount, which read as
    # the refund's beside them.
    list_display = [
        "order",
        "amount",
        "status",
        "reason",
        "requested_by",
        "approved_by",
        "gateway_reference",
        "created_at",
    ]
    list_filter = ["status", "payment__provider", "created_at"]
    search_fields = ["payment__order__number", "gateway_reference"]
    list_select_related = ["payment", "payment__order", "requested_by", "approved_by"]
    raw_id_fields = ["payment"]
    actions = ["approve"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Refund._meta.fields] if obj is not None else []

    @admin.display(description=_("order"), ordering="payment__order__number")
    def order(self, obj):
        return obj.payment.order.number

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("payments.approve_refund")

    def save_model(self, request, obj, form, change):
        created = refunds.refund_request(
            payment=obj.payment,
            amount=obj.amount,
            reason=obj.reason,
            actor=request.user,
            idempotency_key=form.cleaned_data["key"],
        )
        obj.pk, obj.status, obj.created_at = created.pk, created.status, created.created_at
        if culqi_flow.culqi_refunded_in_culqipanel(created.payment):
            self.message_user(
                request, culqi_flow.culqi_culqipanel_refund_note(created.payment, created.amount), messages.WARNING
            )
        if legs := refunds.refund_would_stop(refund=created):
            self.message_user(
                request,
                _(
                    "This refund gives back everything paid: approving it stops packages %(legs)s, not shipped yet "
                    "(their units go back to stock). If one ships before the approval, the approval is refused."
                )
                % {"legs": ", ".join(legs)},
                messages.WARNING,
            )

    @admin.action(
        description=_("Approve the selected refunds (the gateway returns the money)"), permissions=["approve"]
    )
    def approve(self, request, queryset):
        requested = queryset.filter(status=Refund.Status.REQUESTED).select_related("payment__order")
        if "apply" not in request.POST:
            return TemplateResponse(
                request,
                "admin/action_form.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": _("Approve these refunds?"),
                    "form": forms.Form(),
                    "queryset": requested,
                    "objects": [f"{r.payment.order.number}: {format_money(r.amount)} · {r.reason}" for r in requested],
                    "action": "approve",
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "submit_label": _("Yes, refund them"),
                },
            )
        done = 0
        for refund in requested:
            try:
                refunds.refund_approve(refund=refund, actor=request.user)
                done += 1
            except PaymentError as error:
                self.message_user(request, f"{refund.payment.order.number}: {error}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d refund made.", "%(count)d refunds made.", done) % {"count": done},
                messages.SUCCESS,
            )
        return None


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
        ids = list(queryset.filter(status=WebhookEvent.Status.FAILED).values_list("pk", flat=True))
        for pk in ids:
            enqueue.webhook_event_process(event_id=pk)
        self.message_user(
            request,
            ngettext("%(count)d event queued for processing.", "%(count)d events queued for processing.", len(ids))
            % {"count": len(ids)},
        )
