"""Staff see store credit, gift cards and their ledgers; all are written only by credit.services
(returns issue credit, checkout spends both, a cancelled order gives them back). Staff issue a
gift card by hand and void one here, each with a reason; no money history is ever deleted."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import MoneyAdminMixin

from .forms import GiftCardIssueForm, GiftCardStaffForm
from .models import CreditUse, GiftCard, GiftCardStatus, GiftCardUse, StoreCredit
from .services.gift_cards import GiftCardError, gift_card_issue, gift_card_void


class CreditUseInline(MoneyAdminMixin, admin.TabularInline):
    model = CreditUse
    money_fields = ("amount",)
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "order", "spend_round", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


@admin.register(StoreCredit)
class StoreCreditAdmin(MoneyAdminMixin, admin.ModelAdmin):
    money_fields = ("amount", "balance")
    list_display = ["number", "customer", "amount", "balance", "expires_at", "return_request", "created_at"]
    list_filter = [("expires_at", admin.DateFieldListFilter)]
    search_fields = ["=number", "customer__email", "=return_request__number"]
    search_help_text = _("Search by credit number, customer e-mail or return number.")
    list_select_related = ["customer", "return_request"]
    fields = ("number", "customer", "return_request", "amount", "balance", "expires_at", "created_at")
    readonly_fields = fields
    inlines = [CreditUseInline]

    def has_add_permission(self, request):
        return False  # issued when a return is resolved with store credit

    def has_delete_permission(self, request, obj=None):
        return False


class GiftCardUseInline(MoneyAdminMixin, admin.TabularInline):
    model = GiftCardUse
    money_fields = ("amount",)
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "order", "spend_round", "amount", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "actor")


@admin.register(GiftCard)
class GiftCardAdmin(MoneyAdminMixin, admin.ModelAdmin):
    money_fields = ("amount", "balance")
    list_display = [
        "number",
        "code_end",
        "status",
        "amount",
        "balance",
        "recipient_email",
        "deliver_on",
        "delivered_at",
        "expires_at",
        "order",
    ]
    list_filter = ["status", ("deliver_on", admin.DateFieldListFilter)]
    search_fields = ["=number", "recipient_email", "buyer_email", "=order__number"]
    search_help_text = _("Search by card number, recipient's or buyer's e-mail, or order number.")
    list_select_related = ["order"]
    fields = (
        "number",
        "masked_code",
        "status",
        "amount",
        "balance",
        "expires_at",
        "created_at",
        "order",
        "issued_by",
        "issue_reason",
        "recipient_name",
        "recipient_email",
        "sender_name",
        "buyer_email",
        "message",
        "deliver_on",
        "delivered_at",
        "voided_at",
        "voided_by",
        "void_reason",
        "void_link",
    )
    readonly_fields = fields
    inlines = [GiftCardUseInline]

    @admin.display(description=_("code"))
    def masked_code(self, obj):
        return obj.masked_code  # the code spends the card: staff never read it here

    @admin.display(description=_("code"))
    def code_end(self, obj):
        return f"…{obj.code[-4:]}"

    @admin.display(description=_("void"))
    def void_link(self, obj):
        if obj.pk is None or obj.status == GiftCardStatus.VOIDED:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:credit_giftcard_void", args=[obj.pk]),
            _("Void this card"),
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a read-only page: the writes are issuing and voiding, each with a reason

    def get_urls(self):
        return [
            path("<int:pk>/void/", self.admin_site.admin_view(self.void_view), name="credit_giftcard_void"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Issue a card by hand: the service checks and writes; the card is e-mailed on its date."""
        if not self.has_add_permission(request):
            return redirect("admin:credit_giftcard_changelist")
        form = GiftCardIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                card = gift_card_issue(actor=request.user, **form.cleaned_data)
            except GiftCardError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Gift card %(number)s issued.") % {"number": card.number})
                return redirect("admin:credit_giftcard_change", card.pk)
        return self._form_page(request, form, _("Issue a gift card"), _("Issue"))

    def void_view(self, request, pk: int):
        if not self.has_add_permission(request):
            return redirect("admin:credit_giftcard_changelist")
        card = get_object_or_404(GiftCard, pk=pk)
        form = GiftCardStaffForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                gift_card_void(card_id=card.pk, actor=request.user, reason=form.cleaned_data["reason"])
            except GiftCardError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Gift card %(number)s voided.") % {"number": card.number})
                return redirect("admin:credit_giftcard_change", card.pk)
        return self._form_page(
            request, form, _("Void gift card %(number)s") % {"number": card.number}, _("Void"), card=card
        )

    def _form_page(self, request, form, title, submit, card=None):
        return TemplateResponse(
            request,
            "admin/credit/giftcard/form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "title": title,
                "submit": submit,
                "card": card,
            },
        )
