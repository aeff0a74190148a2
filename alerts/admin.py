"""Alerts in the back office, read-only (services write them): purchasing's demand per variant,
the history of every alert, and the forgotten-cart reminders with what they recovered."""

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from core.money import format_money

from . import selectors
from .models import CartReminder, StockAlert, VariantDemand


@admin.register(VariantDemand)
class VariantDemandAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What shoppers wait for, most wanted first: what to buy next."""

    list_display = ["sku", "product_link", "options", "waiting", "oldest_request", "notified"]
    search_fields = ["sku", "product__name"]
    search_help_text = _("Search by SKU or product name.")
    list_display_links = None
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.demand_per_variant().prefetch_related("option_values")

    def get_ordering(self, request):
        return ["-waiting", "oldest_request"]  # most wanted first (a column header sorts otherwise)

    @admin.display(description=_("product"), ordering="product__name")
    def product_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:catalog_product_change", args=[obj.product_id]), obj.product.name
        )

    @admin.display(description=_("options"))
    def options(self, obj):
        return obj.option_label or "—"

    @admin.display(description=_("waiting subscribers"), ordering="waiting")
    def waiting(self, obj):
        return obj.waiting

    @admin.display(description=_("oldest request"), ordering="oldest_request")
    def oldest_request(self, obj):
        return obj.oldest_request

    @admin.display(description=_("already notified"), ordering="notified")
    def notified(self, obj):
        return obj.notified


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "variant", "kind", "status", "created_at", "confirmed_at", "notified_at"]
    list_filter = ["kind", "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["email", "variant__sku", "variant__product__name"]
    search_help_text = _("Search by e-mail, SKU or product name.")
    list_select_related = ["variant"]
    date_hierarchy = "created_at"
    list_per_page = 50


@admin.register(CartReminder)
class CartReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "sent_at", "units", "recovered_at", "sale", "sale_amount"]
    list_filter = [("sent_at", admin.DateFieldListFilter), ("recovered_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "cart_key"]
    search_help_text = _("Search by e-mail or cart.")
    date_hierarchy = "sent_at"
    list_per_page = 50
    change_list_template = "admin/alerts/cartreminder/change_list.html"
    fields = ["cart_key", "user", "email", "lines_display", "units", "sent_at", "recovered_at"]

    def get_queryset(self, request):
        return selectors.reminders_with_sales()

    @admin.display(description=_("lines"))
    def lines_display(self, obj):
        # The e-mail's lines as it wrote them, not the JSON they are kept in.
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} × {}: {}</li>",
                (
                    (
                        line["quantity"],
                        line["name"],
                        format_money(line["total"]) if line.get("total") else _("price revealed at launch"),
                    )
                    for line in obj.lines
                ),
            ),
        )

    @admin.display(description=_("sale"), ordering="sale_number")
    def sale(self, obj):
        return obj.sale_number or "—"

    @admin.display(description=_("amount"), ordering="sale_total")
    def sale_amount(self, obj):
        return format_money(obj.sale_total) if obj.sale_total is not None else "—"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the totals of the rows the filters keep
            totals = changelist.queryset.order_by().aggregate(
                sent=Count("pk"),
                recovered=Count("pk", filter=Q(recovered_at__isnull=False)),
                sales=Count("sale_number"),
                amount=Sum("sale_total"),
            )
            totals["amount"] = format_money(totals["amount"] or 0)
            response.context_data["totals"] = totals
        return response
