from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts.admin_scoping import NO_ROWS, SellerSearchMixin, seller_scope
from accounts.models import Department
from core.admin import OrderLineColumnsMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin, StatusHistoryInline
from core.money import format_money
from core.site_settings import site_setting
from inventory.models import Warehouse

from . import selectors, services
from .exceptions import ShipmentError
from .forms import ShipForm, SplitForm
from .models import (
    NOT_YET_SHIPPED,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    WarehouseOperator,
)


class ShippingRateFormSet(BaseInlineFormSet):
    """Bands typed together on one page must not overlap each other either (clean() sees the
    saved rows only; the database's exclusion constraint would otherwise answer with a 500)."""

    def clean(self):
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        if self.instance.is_pickup and any(rate.price for rate in kept):
            raise ValidationError(_("In-store pickup is free: its price must be 0."))
        for index, rate in enumerate(kept):
            same_zone = [other for other in kept[index + 1 :] if other.zone_id == rate.zone_id]
            clash = rate.overlapping(same_zone)
            if clash:
                raise ValidationError(
                    _("The bands %(first)s and %(second)s of %(zone)s overlap."),
                    params={"first": rate.band_label, "second": clash[0].band_label, "zone": rate.zone},
                )


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    formset = ShippingRateFormSet
    extra = 1
    fields = ["zone", "weight_from", "weight_to", "price"]
    ordering = ["zone__name", "weight_from"]


@admin.register(ShippingMethod)
class ShippingMethodAdmin(ScopedHistoryAdmin):
    list_display = ["name", "code", "carrier", "delivery_days", "free_from", "is_active", "order"]
    list_display_links = ["name"]
    list_editable = ["is_active", "order"]
    list_filter = ["carrier", "is_active", "rates__zone"]
    search_fields = ["name", "code", "description"]
    prepopulated_fields = {"code": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "code", "carrier", "description", "is_active", "order")}),
        (_("Delivery and price"), {"fields": (("min_days", "max_days"), "free_shipping_threshold")}),
        (_("In-store pickup"), {"fields": ("pickup_address", "pickup_hours")}),
    )
    inlines = [ShippingRateInline]

    def get_queryset(self, request):
        # The zone filter joins the rates; one row per method still.
        return super().get_queryset(request).distinct()

    @admin.display(description=_("business days"))
    def delivery_days(self, obj):
        return f"{obj.min_days}–{obj.max_days}" if obj.max_days != obj.min_days else str(obj.min_days)

    @admin.display(description=_("free from"), ordering="free_shipping_threshold")
    def free_from(self, obj):
        return format_money(obj.free_shipping_threshold) if obj.free_shipping_threshold is not None else "—"


class ShippingZoneForm(forms.ModelForm):
    departments = forms.MultipleChoiceField(
        label=_("departments"),
        choices=Department.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a zone of departments."),
    )

    class Meta:
        model = ShippingZone
        fields = ["name", "kind", "departments"]


@admin.register(ShippingZone)
class ShippingZoneAdmin(ScopedHistoryAdmin):
    form = ShippingZoneForm
    list_display = ["name", "kind", "department_list"]
    list_filter = ["kind"]
    search_fields = ["name"]

    @admin.display(description=_("departments"))
    def department_list(self, obj):
        return ", ".join(obj.department_names()) or "—"


@admin.register(ShippingRate)
class ShippingRateAdmin(ScopedHistoryAdmin):
    list_display = ["method", "zone", "weight_from", "weight_to", "price_display"]
    list_filter = ["method__carrier", "method", "zone"]
    search_fields = ["method__name", "method__code", "zone__name"]
    list_select_related = ["method", "zone"]
    ordering = ["method__order", "method__name", "zone__name", "weight_from"]

    @admin.display(description=_("price (IGV included)"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price)


# --- shipments ------------------------------------------------------------------------------


def visible_shipments(request, queryset=None):
    """The legs this back-office user may see: a seller their warehouses' legs, an operator
    with warehouse assignments those warehouses' legs, full-access staff every leg."""
    queryset = Shipment.objects.all() if queryset is None else queryset
    scope = seller_scope(request)
    if scope is NO_ROWS:
        return queryset.none()
    if scope is not None:
        return queryset.filter(warehouse__seller=scope)
    if request.user.is_superuser:
        return queryset
    assigned = selectors.assigned_warehouse_ids(user=request.user)
    return queryset.filter(warehouse_id__in=assigned) if assigned else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("promise")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue (not shipped by its date)")), ("today", _("Due today"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(status__in=NOT_YET_SHIPPED, ship_by__lt=today)
        if self.value() == "today":
            return queryset.filter(status__in=NOT_YET_SHIPPED, ship_by=today)
        return queryset


class WarehouseFilter(admin.RelatedFieldListFilter):
    """Only the warehouses whose legs the user may see."""

    def field_choices(self, field, request, model_admin):
        ids = visible_shipments(request).values("warehouse_id")
        return [(w.pk, str(w)) for w in Warehouse.objects.filter(pk__in=ids).order_by("code")]


class ShipmentLineInline(OrderLineColumnsMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = ShipmentLine
    extra = 0
    can_delete = False
    readonly_fields = ("sku", "product", "quantity")
    fields = readonly_fields

    @admin.display(description=_("SKU"))
    def sku(self, obj):
        return obj.sku

    @admin.display(description=_("product"))
    def product(self, obj):
        return " · ".join(filter(None, [obj.product_name, obj.options]))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line", "shipment", "part__product")


class ShipmentEventInline(StatusHistoryInline):
    model = ShipmentEvent


@admin.register(Shipment)
class ShipmentAdmin(SellerSearchMixin, ScopedHistoryAdmin):
    """Warehouse operators' worklist: legs to pack and ship, with their promise date."""

    list_display = [
        "leg",
        "order_link",
        "warehouse_code",
        "status_badge",
        "carrier",
        "tracking",
        "units",
        "ship_by_display",
        "shipped_at",
    ]
    list_filter = [
        ("warehouse", WarehouseFilter),
        "status",
        "carrier",
        OverdueFilter,
        "is_dropship",
        ("ship_by", admin.DateFieldListFilter),
        ("shipped_at", admin.DateFieldListFilter),
        ("delivered_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=order__number", "=tracking_number", "order__email"]
    search_help_text = _("Search by order number, tracking number or e-mail.")
    seller_search_fields = ("=order__number", "=tracking_number")
    seller_search_help_text = _("Search by order number or tracking number.")
    list_select_related = ["order", "warehouse"]
    ordering = ["ship_by", "pk"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [ShipmentLineInline, ShipmentEventInline]
    actions = [
        "pack",
        "ship",
        "ready_for_pickup",
        "mark_in_transit",
        "mark_delivered",
        "confirm_supplier",
        "print_packing_slips",
    ]
    fields = [
        "order_link",
        "warehouse",
        "status",
        "method",
        "carrier",
        "tracking",
        "label",
        "is_dropship",
        "supplier_confirmed_at",
        "ship_by",
        "estimated_from",
        "estimated_to",
        "packed_at",
        "shipped_at",
        "delivered_at",
        "created_at",
    ]
    readonly_fields = fields
    change_form_template = "admin/shipping/shipment/change_form.html"
    change_list_template = "admin/shipping/shipment/change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(unit_count=Sum("lines__quantity"))
        return visible_shipments(request, queryset)

    def has_add_permission(self, request):
        return False  # legs come from paid orders

    def has_delete_permission(self, request, obj=None):
        return False  # a leg is cancelled with its order, never deleted

    def get_urls(self):
        own = [
            path(
                "<int:pk>/packing-slip/",
                self.admin_site.admin_view(self.packing_slip_view),
                name="shipping_shipment_packing_slip",
            ),
            path("<int:pk>/split/", self.admin_site.admin_view(self.split_view), name="shipping_shipment_split"),
            path(
                "picking-list/",
                self.admin_site.admin_view(self.picking_list_view),
                name="shipping_shipment_picking_list",
            ),
        ]
        return own + super().get_urls()

    # --- columns ---

    @admin.display(description=_("shipment"), ordering="pk")
    def leg(self, obj):
        return f"E{obj.pk}"

    @admin.display(description=pgettext_lazy("purchase order", "order"), ordering="order__number")
    def order_link(self, obj):
        url = reverse("admin:orders_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @admin.display(description=_("warehouse"), ordering="warehouse__code")
    def warehouse_code(self, obj):
        return obj.warehouse.code

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        overdue = obj.is_overdue()
        return format_html(
            '<span class="shipment-status shipment-status--{}">{}</span>{}',
            obj.status_tone,
            obj.get_status_display(),
            format_html(' <strong class="shipment-overdue">{}</strong>', _("overdue")) if overdue else "",
        )

    @admin.display(description=_("tracking"))
    def tracking(self, obj):
        if obj.tracking_url:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.tracking_url, obj.tracking_number
            )
        return obj.tracking_number or "—"

    @admin.display(description=_("label"))
    def label(self, obj):
        return (
            format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.label_url, _("Open label"))
            if obj.label_url
            else "—"
        )

    @admin.display(description=_("units"), ordering="unit_count")
    def units(self, obj):
        return obj.unit_count or 0

    @admin.display(description=_("ship by"), ordering="ship_by")
    def ship_by_display(self, obj):
        return obj.ship_by

    # --- actions ---

    def _each(self, request, queryset, change, done_message) -> None:
        done = 0
        for shipment in queryset.order_by("pk"):
            try:
                change(shipment)
            except ShipmentError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    def _updated(self, count):
        return ngettext("%(count)d shipment updated.", "%(count)d shipments updated.", count) % {"count": count}

    @admin.action(description=_("Pack"), permissions=["change"])
    def pack(self, request, queryset):
        self._each(request, queryset, lambda s: services.shipment_pack(shipment=s, actor=request.user), self._updated)

    @admin.action(description=_("Ship (carrier and tracking numbers)…"), permissions=["change"])
    def ship(self, request, queryset):
        shipments = list(queryset.select_related("order").order_by("pk"))
        form = ShipForm(request.POST if "apply" in request.POST else None, shipments=shipments)
        if "apply" in request.POST and form.is_valid():
            self._each(
                request,
                queryset,
                lambda s: services.shipment_ship(shipment=s, actor=request.user, **form.values_for(s)),
                lambda n: ngettext("%(count)d shipment shipped.", "%(count)d shipments shipped.", n) % {"count": n},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Ship shipments"),
            "form": form,
            "queryset": shipments,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/shipping/shipment/ship_form.html", context)

    @admin.action(description=_("Ready for pickup (in-store pickup)"), permissions=["change"])
    def ready_for_pickup(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.shipment_ready_for_pickup(shipment=s, actor=request.user),
            self._updated,
        )

    @admin.action(description=_("Mark in transit"), permissions=["change"])
    def mark_in_transit(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.shipment_mark_in_transit(shipment=s, actor=request.user),
            self._updated,
        )

    @admin.action(description=_("Mark delivered"), permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._each(
            request, queryset, lambda s: services.shipment_deliver(shipment=s, actor=request.user), self._updated
        )

    @admin.action(description=_("Confirm dropshipping leg (supplier has the units)"), permissions=["change"])
    def confirm_supplier(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.shipment_confirm_supplier(shipment=s, actor=request.user),
            self._updated,
        )

    @admin.action(description=_("Print packing slips"), permissions=["view"])
    def print_packing_slips(self, request, queryset):
        return self._render_slips(request, selectors.shipments_for_slips(queryset=queryset))

    # --- pages ---

    def _visible_or_404(self, request, pk) -> Shipment:
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _render_slips(self, request, shipments):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Packing slips"),
            "shipments": shipments,
            "store_name": str(site_setting("STORE_NAME")),
        }
        return TemplateResponse(request, "shipping/packing_slip.html", context)

    def packing_slip_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        shipment = self._visible_or_404(request, pk)
        return self._render_slips(
            request, selectors.shipments_for_slips(queryset=Shipment.objects.filter(pk=shipment.pk))
        )

    def picking_list_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        warehouses = Warehouse.objects.filter(pk__in=self.get_queryset(request).values("warehouse_id")).order_by("code")
        warehouse = None
        raw = request.GET.get("warehouse", "")
        if raw:
            try:
                warehouse = warehouses.get(pk=int(raw))
            except (ValueError, OverflowError, Warehouse.DoesNotExist):
                raise Http404 from None
        rows = selectors.picking_list(warehouse=warehouse, queryset=self.get_queryset(request)) if warehouse else []
        context = {
            **self.admin_site.each_context(request),
            "title": _("Picking list"),
            "warehouses": warehouses,
            "warehouse": warehouse,
            "rows": rows,
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "shipping/picking_list.html", context)

    def split_view(self, request, pk):
        shipment = self._visible_or_404(request, pk)
        if not self.has_change_permission(request, shipment):
            raise PermissionDenied
        form = SplitForm(request.POST or None, shipment=shipment)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.shipment_split(shipment=shipment, quantities=form.quantities(), actor=request.user)
            except ShipmentError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("Split: the moved units are shipment %(shipment)s.") % {"shipment": new.reference},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:shipping_shipment_change", args=[shipment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Split shipment"),
            "form": form,
            "original": shipment,
        }
        return TemplateResponse(request, "admin/shipping/shipment/split_form.html", context)


@admin.register(WarehouseOperator)
class WarehouseOperatorAdmin(admin.ModelAdmin):
    list_display = ["user", "warehouse"]
    list_filter = ["warehouse"]
    list_select_related = ["user", "warehouse"]
    autocomplete_fields = ["user"]
    search_fields = ["user__email", "warehouse__code"]
