"""Orders in the back office: read-only snapshots, status changes only through the services.

Sellers see only the orders that contain their lines, and only their own lines of them.
"""

from datetime import datetime
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scoping import SellerScopedAdminMixin, seller_scope
from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, ScopedHistoryAdmin, StatusHistoryInline
from core.money import format_money
from inventory.exceptions import InventoryError
from shipping.models import Shipment

from . import ports, selectors, services
from .access import order_payment_link, order_whatsapp_share_link
from .exceptions import OrderError
from .forms import OrderNoteForm
from .models import Order, OrderEmail, OrderLine, OrderNote, OrderStatus, OrderStatusChange
from .timeline import Audience

ZERO = Value(Decimal("0.00"))

ADDRESS_LINES = ("recipient", "street", "reference", "district", "province", "department_name", "postal_code", "phone")


def address_block(address: dict):
    parts = [address.get(key) for key in ADDRESS_LINES if address.get(key)]
    if address.get("ubigeo"):
        parts.append(f"ubigeo {address['ubigeo']}")
    return format_html_join("", "{}<br>", ((part,) for part in parts)) or "—"


class OrderLineInline(MoneyAdminMixin, SellerScopedAdminMixin, ReadOnlyInline):
    model = OrderLine
    money_fields = ("unit_price", "discount", "line_total")
    readonly_fields = (
        "sku",
        "product_name",
        "options",
        "unit_price",
        "quantity",
        "discount",
        "line_total",
        "seller",
        "kit_name",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller")


class OrderShipmentInline(ReadOnlyInline):
    """The order's warehouse legs, each linking to the shipments admin where it is worked."""

    model = Shipment
    readonly_fields = (
        "leg",
        "warehouse",
        "status",
        "carrier",
        "tracking_number",
        "ship_by",
        "shipped_at",
        "delivered_at",
    )
    fields = readonly_fields
    verbose_name_plural = _("shipments")

    def get_queryset(self, request):
        from shipping.admin import visible_shipments

        return visible_shipments(request, super().get_queryset(request).select_related("warehouse", "order"))

    @admin.display(description=_("shipment"))
    def leg(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:shipping_shipment_change", args=[obj.pk]), obj.reference
        )


class OrderEmailInline(ReadOnlyInline):
    """What the shopper was told, and when it went out (support answers "did they get it?")."""

    model = OrderEmail
    readonly_fields = ("kind", "reference", "created_at", "sent_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")  # each row is named by its order


class OrderStatusChangeInline(StatusHistoryInline):
    model = OrderStatusChange


class OrderNoteInline(admin.StackedInline):
    """Add a staff note: the form only adds (notes are append-only, OrderAdmin.save_formset writes
    it through orders.services); the notes written are read on the order's timeline."""

    model = OrderNote
    form = OrderNoteForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("new note")
    verbose_name_plural = _("add a note")

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # no row to edit: the timeline shows them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SoldFilter(admin.SimpleListFilter):
    """The orders a day's or a month's sales figure counts (?sold=2026-11-25, ?sold=2026-11): the
    dashboard's cards and chart link here, so the list holds exactly the orders they count."""

    title = _("counted as sales")
    parameter_name = "sold"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        return [(today.isoformat(), _("Today")), (today.strftime("%Y-%m"), _("This month"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date() if len(value) == 10 else None
            month = datetime.strptime(value, "%Y-%m").date() if len(value) == 7 else None
        except ValueError:
            day = month = None
        if day is None and month is None:
            raise IncorrectLookupParameters(value)
        sold = queryset.filter(pk__in=selectors.orders_sold().values("pk"))
        if day is not None:
            return sold.filter(paid_at__date=day)
        return sold.filter(paid_at__year=month.year, paid_at__month=month.month)


@admin.register(Order)
class OrderAdmin(SellerScopedAdminMixin, ScopedHistoryAdmin):
    list_display = [
        "number",
        "placed",
        "email",
        "status",
        "payment_status",
        "channel",
        "total_display",
        "needs_attention",
    ]
    list_filter = [
        "status",
        "payment_status",
        "channel",
        ("placed_at", admin.DateFieldListFilter),
        "needs_attention",
        SoldFilter,
    ]
    search_fields = ["=number", "email", "=customer_document", "=customer__dni", "customer_legal_name"]
    # A seller finds their orders by number or by what they sold, never by who bought.
    seller_search_fields = ("=number", "=lines__sku", "lines__product_name")
    seller_search_help_text = _("Search by order number, SKU or product.")
    search_help_text = _("Search by order number, e-mail, DNI, RUC or company name.")
    date_hierarchy = "placed_at"
    ordering = ["-placed_at", "-pk"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [OrderLineInline, OrderShipmentInline, OrderStatusChangeInline, OrderEmailInline, OrderNoteInline]
    # Shipping and delivery happen per shipment (the shipments admin): the order follows them.
    actions = ["mark_processing", "retry_fulfilment", "cancel_orders"]
    readonly_fields = [
        "number",
        "customer",
        "email",
        "customer_document_type",
        "customer_document",
        "customer_legal_name",
        "status",
        "payment_status",
        "currency",
        "subtotal_display",
        "discount_display",
        "shipping_display",
        "total_display",
        "igv_display",
        "paid_with_display",
        "shipping_address_display",
        "billing_address_display",
        "shipping_method_name",
        "placed_at",
        "payment_due_at",
        "paid_at",
        "cancelled_at",
        "cancel_reason",
        "shipping_method",
        "idempotency_key",
        "seller_share_display",
        "seller_delivery_display",
        "timeline_display",
        "channel",
        "taken_by",
        "payment_link_display",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "payment_status",
                    "placed_at",
                    "payment_due_at",
                    "paid_at",
                    "cancelled_at",
                    "cancel_reason",
                    "channel",
                    "taken_by",
                    "payment_link_display",
                )
            },
        ),
        (
            _("Customer"),
            {"fields": ("customer", "email", "customer_document_type", "customer_document", "customer_legal_name")},
        ),
        (
            _("Totals (IGV included)"),
            {
                "fields": (
                    "currency",
                    "subtotal_display",
                    "discount_display",
                    "shipping_display",
                    "total_display",
                    "igv_display",
                    "paid_with_display",
                )
            },
        ),
        (_("Delivery"), {"fields": ("shipping_method", "shipping_address_display", "billing_address_display")}),
        (_("Timeline"), {"fields": ("timeline_display",)}),
        (_("Follow-up"), {"fields": ("needs_attention", "attention_note", "idempotency_key")}),
    )
    # What a seller sees of an order that has their lines: no money of other sellers, no notes, and
    # of the customer only what they need (seller_delivery_display).
    seller_fieldsets = (
        (None, {"fields": ("number", "status", "placed_at")}),
        (_("Your share (IGV included)"), {"fields": ("seller_share_display",)}),
        (_("Delivery"), {"fields": ("shipping_method", "seller_delivery_display")}),
        (_("Timeline"), {"fields": ("timeline_display",)}),
    )

    def get_object(self, request, object_id, from_field=None):
        order = super().get_object(request, object_id, from_field)
        seller = seller_scope(request)
        if order is not None and seller is not None:
            # The seller's lines of this order: what they sold (after its discounts) and the
            # commission snapshot taken when it was paid.
            order.seller_share = order.lines.filter(seller=seller).aggregate(
                sales=Coalesce(Sum("line_total"), ZERO), commission=Coalesce(Sum("commission__amount"), ZERO)
            )
            order.seller_ships = order.shipments.filter(warehouse__seller=seller).exists()
        if order is not None:
            order.timeline_seller_id = seller.pk if seller is not None else None
        return order

    def scope_queryset(self, queryset, seller):
        # Orders that contain at least one line of the seller, each listed once.
        return queryset.filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"), seller=seller)))

    def get_fieldsets(self, request, obj=None):
        return self.seller_fieldsets if seller_scope(request) is not None else self.fieldsets

    def get_inlines(self, request, obj):
        if seller_scope(request) is not None:  # a seller sees their lines and legs, not the shopper's mail nor notes
            return [OrderLineInline, OrderShipmentInline, OrderStatusChangeInline]
        return self.inlines

    def get_list_display(self, request):
        if seller_scope(request) is not None:
            return ["number", "placed", "status"]
        return self.list_display

    def get_actions(self, request):
        return {} if seller_scope(request) is not None else super().get_actions(request)

    def has_add_permission(self, request):
        return False  # orders come from checkout (staff take one through checkout's page: changelist_view)

    def changelist_view(self, request, extra_context=None):
        # The "take an order" button (checkout.admin_views): staff who may add orders, never a seller.
        may_take = seller_scope(request) is None and request.user.has_perm("orders.add_order")
        return super().changelist_view(request, {**(extra_context or {}), "may_take_orders": may_take})

    @admin.display(description=_("payment link"))
    def payment_link_display(self, obj):
        """For an order staff took, while it waits for payment: the link the customer pays from and
        a WhatsApp message carrying it, to send again."""
        if obj is None or not obj.taken_by_id or not obj.awaits_payment():
            return "—"
        link, whatsapp = order_payment_link(obj), order_whatsapp_share_link(obj)
        share = (
            format_html(
                '<div class="bo-payment-link__share"><a class="button" href="{}" target="_blank" '
                'rel="noopener" id="whatsapp-share">{}</a></div>',
                whatsapp,
                _("Send on WhatsApp"),
            )
            if whatsapp
            else ""
        )
        return format_html('<a href="{0}" id="payment-link" class="bo-payment-link">{0}</a>{1}', link, share)

    def has_delete_permission(self, request, obj=None):
        return False  # an order is cancelled, never deleted

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrderNote:
            return super().save_formset(request, form, formset, change)
        # Notes are only added, through the service (append-only, audited); the admin's own
        # history entry ("added order note ...") reads these lists.
        formset.new_objects = [
            services.order_note_add(
                order=form.instance,
                author=request.user,
                text=note.cleaned_data["text"],
                visible_to_customer=note.cleaned_data.get("visible_to_customer", False),
            )
            for note in formset.extra_forms
            if note.has_changed() and note.cleaned_data.get("text")
        ]
        formset.changed_objects, formset.deleted_objects = [], []

    @admin.display(description=_("timeline"))
    def timeline_display(self, obj):
        """Every event of the order (orders.ports.order_timeline): a seller's is scoped to their legs."""
        seller_id = getattr(obj, "timeline_seller_id", None)
        events = ports.order_timeline(
            order=obj, audience=Audience.SELLER if seller_id else Audience.STAFF, seller_id=seller_id
        )
        return render_to_string("orders/_timeline.html", {"events": events, "admin": True, "show_who": not seller_id})

    @admin.display(description=_("placed at"), ordering="placed_at")
    def placed(self, obj):
        return date_format(timezone.localtime(obj.placed_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("subtotal"))
    def subtotal_display(self, obj):
        return format_money(obj.subtotal)

    @admin.display(description=_("discount"))
    def discount_display(self, obj):
        """The total, then where it came from (one line per offer, kit and coupon)."""
        sources = selectors.order_discount_sources(obj)
        if not sources:
            return format_money(obj.discount_total)
        return format_html(
            "{}<br>{}",
            format_money(obj.discount_total),
            format_html_join(
                mark_safe("<br>"),
                "<small>{}: −{}</small>",
                ((source.label, format_money(source.amount)) for source in sources),
            ),
        )

    @admin.display(description=_("shipping"))
    def shipping_display(self, obj):
        if not obj.subtotal and obj.gift_cards_total:
            return "—"  # gift cards only: nothing to ship
        if obj.shipping_discount:
            return format_html(
                "{} <small>({})</small>",
                format_money(obj.shipping_total),
                _("free shipping, coupon %(code)s: −%(amount)s")
                % {"code": obj.coupon_code, "amount": format_money(obj.shipping_discount)},
            )
        return format_money(obj.shipping_total)

    @admin.display(description=_("your lines · commission · to receive"))
    def seller_share_display(self, obj):
        share = getattr(obj, "seller_share", None)
        if share is None:
            return "—"
        return " · ".join(
            format_money(amount)
            for amount in (share["sales"], share["commission"], share["sales"] - share["commission"])
        )

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj):
        return format_money(obj.total)

    @admin.display(description=_("IGV included"))
    def igv_display(self, obj):
        if not obj.subtotal and obj.gift_cards_total:
            return _("None: gift cards are money paid in advance")
        return format_money(obj.igv_included)

    @admin.display(description=_("paid with"))
    def paid_with_display(self, obj):
        """Each means that paid the order (gift cards, store credit, the gateway) and what is still to pay."""
        return render_to_string("admin/orders/order/_paid_with.html", {"order": obj})

    @admin.display(description=_("shipping address"))
    def shipping_address_display(self, obj):
        return address_block(obj.shipping_address)

    @admin.display(description=_("deliver to"))
    def seller_delivery_display(self, obj):
        """The whole address when the seller ships a leg of this order from their warehouse; when
        the store ships it, the recipient and the district only (the seller needs no more)."""
        if getattr(obj, "seller_ships", False):
            return address_block(obj.shipping_address)
        address = obj.shipping_address
        return address_block(
            {
                "recipient": address.get("recipient"),
                "district": address.get("district"),
                "province": address.get("province"),
                "department_name": address.get("department_name"),
            }
        )

    @admin.display(description=_("billing address"))
    def billing_address_display(self, obj):
        return address_block(obj.billing_address)

    def _apply(self, request, queryset, change) -> None:
        """Run change(order) per order; report what was done and, per order, what was refused."""
        done = 0
        for order in queryset.order_by("pk"):
            try:
                change(order)
            except OrderError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d order updated.", "%(count)d orders updated.", done) % {"count": done},
                messages.SUCCESS,
            )

    def _move(self, request, queryset, to_status: str) -> None:
        self._apply(
            request,
            queryset,
            lambda order: services.order_transition(order=order, to_status=to_status, actor=request.user),
        )

    @admin.action(description=_("Mark as processing"), permissions=["change"])
    def mark_processing(self, request, queryset):
        self._move(request, queryset, OrderStatus.PROCESSING)

    @admin.action(
        description=_("Take the stock again and create the shipments (paid orders flagged for stock)"),
        permissions=["change"],
    )
    def retry_fulfilment(self, request, queryset):
        def retry(order):
            try:
                services.order_fulfilment_retry(order=order, actor=request.user)
            except InventoryError as error:
                raise OrderError(_("Order %(number)s: %(error)s") % {"number": order.number, "error": error}) from None

        self._apply(request, queryset, retry)

    @admin.action(description=_("Cancel the selected orders"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda order: services.order_cancel(
                order=order, actor=request.user, reason=_("Cancelled from the back office"), by_customer=False
            ),
        )


@admin.register(OrderLine)
class OrderLineAdmin(MoneyAdminMixin, SellerScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sellers' view of what they sold: their own lines only, read-only."""

    money_fields = ("unit_price", "line_total")

    list_display = [
        "order",
        "placed_at",
        "sku",
        "product_name",
        "quantity",
        "unit_price",
        "line_total",
        "seller",
        "order_status",
    ]
    list_select_related = ["order", "seller"]
    list_filter = ["order__status", ("order__placed_at", admin.DateFieldListFilter)]
    search_fields = ["=order__number", "sku", "product_name"]
    ordering = ["-order__placed_at", "-pk"]
    show_full_result_count = False

    @admin.display(description=_("placed at"), ordering="order__placed_at")
    def placed_at(self, obj):
        return obj.order.placed_at

    @admin.display(description=_("status"))
    def order_status(self, obj):
        return obj.order.get_status_display()
