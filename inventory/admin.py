"""Back office for warehouse operators. Stock changes only through the services: the
movements and reservations admins are read-only, and adjustments, write-offs, transfers
and purchase receipts are actions with a form asking quantities and a reason. A purchase
order's add and change pages write it, lines included, through the purchasing services."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from accounts.admin_importing import ScopedImportExportMixin
from accounts.admin_scoping import NO_ROWS, SellerScopedAdminMixin, seller_scope
from catalog.admin import ProductAdmin, VariantAdmin
from catalog.models import Product, Variant
from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin

from . import ports, services
from .exceptions import InventoryError
from .forms import (
    AdjustForm,
    PurchaseOrderLineFormSet,
    ReceiveForm,
    ReceiveUnitsForm,
    StockLevelOpenForm,
    TransferForm,
    WriteOffForm,
)
from .models import Movement, PurchaseOrder, PurchaseOrderLine, Reservation, StockLevel, Supplier, Warehouse
from .resources import StockLevelResource


def action_form(modeladmin, request, queryset, *, form, title, submit_label, apply):
    """Show `form` for the selected rows; on a valid post run apply(form.cleaned_data) in one
    transaction (all rows or none) and report the outcome."""
    if "apply" in request.POST:
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = apply(form.cleaned_data)
            except InventoryError as error:
                modeladmin.message_user(request, str(error), messages.ERROR)
            else:
                modeladmin.message_user(request, done, messages.SUCCESS)
                return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "form": form,
        "queryset": queryset,
        "objects": list(queryset),
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "submit_label": submit_label,
    }
    return TemplateResponse(request, "admin/action_form.html", context)


@admin.register(Warehouse)
class WarehouseAdmin(SellerScopedAdminMixin, ScopedHistoryAdmin):
    """Staff keep the store's and suppliers' warehouses; a seller adds and keeps their own (the
    first one usually from the "+" beside the stock form's warehouse), never deletes one."""

    list_display = ["code", "name", "kind", "seller", "priority", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["seller"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["seller"]
    fields = ["code", "name", "kind", "seller", "address", "ubigeo", "establishment_code", "priority", "is_active"]
    scoped_readonly_fields = ("seller", "kind")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        seller = seller_scope(request)
        if obj is not None or seller is None or seller is NO_ROWS:
            return form

        class SellersWarehouseForm(form):
            """A seller's new warehouse is theirs and of the seller's kind (they hold and ship its
            units, not the store): set on the row the form saves, so the page says so before saving."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.kind, self.instance.seller = Warehouse.Kind.SELLER, seller

        return SellersWarehouseForm


class StockStateFilter(admin.SimpleListFilter):
    title = _("stock state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("below_min", _("At or below minimum")), ("out", _("Out of stock")), ("in", _("In stock"))]

    def queryset(self, request, queryset):
        if self.value() == "below_min":
            return queryset.filter(available_units__lte=F("minimum"))
        if self.value() == "out":
            return queryset.filter(available_units=0)
        if self.value() == "in":
            return queryset.filter(available_units__gt=0)
        return queryset


def level_action(name: str, *, description, form_class, title, submit_label, run, done):
    """An admin action on stock levels: ask form_class once, then call run(level, cleaned data,
    user) for every selected level in one transaction; done % {"count": n} is the success message."""

    def action(modeladmin, request, queryset):
        form = form_class(request.POST if "apply" in request.POST else None)
        if "destination" in form.fields:
            # Only warehouses this user may see: a seller transfers within their own warehouses.
            warehouses = modeladmin.admin_site._registry[Warehouse].get_queryset(request)
            form.fields["destination"].queryset = warehouses.filter(is_active=True)

        def apply(data):
            for level in queryset:
                run(level, data, request.user)
            return done % {"count": len(queryset)}

        return action_form(
            modeladmin, request, queryset, form=form, title=title, submit_label=submit_label, apply=apply
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["change"])(action)


LEVEL_ACTIONS = [
    level_action(
        "receive",
        description=_("Receive units"),
        form_class=ReceiveUnitsForm,
        title=_("Receive units"),
        submit_label=_("Receive"),
        run=lambda level, data, user: services.stock_receive(
            variant=level.variant,
            warehouse=level.warehouse,
            quantity=data["quantity"],
            reason=data["reason"],
            actor=user,
        ),
        done=ngettext_lazy("%(count)d stock level received.", "%(count)d stock levels received.", "count"),
    ),
    level_action(
        "adjust",
        description=_("Adjust stock (count correction)"),
        form_class=AdjustForm,
        title=_("Adjust stock"),
        submit_label=_("Adjust"),
        run=lambda level, data, user: services.stock_adjust(
            variant=level.variant,
            warehouse=level.warehouse,
            quantity=data["quantity"],
            reason=data["reason"],
            actor=user,
        ),
        done=ngettext_lazy("%(count)d stock level adjusted.", "%(count)d stock levels adjusted.", "count"),
    ),
    level_action(
        "write_off",
        description=_("Write off units (lost or damaged)"),
        form_class=WriteOffForm,
        title=_("Write off units"),
        submit_label=_("Write off"),
        run=lambda level, data, user: services.stock_write_off(
            variant=level.variant,
            warehouse=level.warehouse,
            quantity=data["quantity"],
            reason=data["reason"],
            actor=user,
        ),
        done=ngettext_lazy("%(count)d stock level written off.", "%(count)d stock levels written off.", "count"),
    ),
    level_action(
        "transfer",
        description=_("Transfer to another warehouse"),
        form_class=TransferForm,
        title=_("Transfer stock"),
        submit_label=_("Transfer"),
        run=lambda level, data, user: services.stock_transfer(
            variant=level.variant,
            source=level.warehouse,
            destination=data["destination"],
            quantity=data["quantity"],
            reason=data["reason"],
            actor=user,
        ),
        done=ngettext_lazy("%(count)d transfer recorded.", "%(count)d transfers recorded.", "count"),
    ),
]


@admin.register(StockLevel)
class StockLevelAdmin(ScopedImportExportMixin, SellerScopedAdminMixin, ScopedHistoryAdmin):
    resource_classes = [StockLevelResource]
    seller_field = "warehouse__seller"
    list_display = [
        "sku",
        "product",
        "warehouse",
        "on_hand",
        "reserved",
        "available",
        "minimum",
        "maximum",
        "bin_location",
    ]
    list_display_links = ["sku"]
    list_filter = [StockStateFilter, "warehouse"]
    search_fields = ["variant__sku", "variant__product__name", "bin_location"]
    search_help_text = _("Search by SKU, product name or bin.")
    autocomplete_fields = ["variant"]
    readonly_fields = ["on_hand", "reserved", "available", "recent_movements"]
    fields = [
        "variant",
        "warehouse",
        "on_hand",
        "reserved",
        "available",
        "minimum",
        "maximum",
        "bin_location",
        "recent_movements",
    ]
    actions = LEVEL_ACTIONS
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request):
        # The option values name a level ("Polo básico (M) · Almacén Central") in titles and action forms.
        return (
            super()
            .get_queryset(request)
            .select_related("variant__product", "warehouse")
            .prefetch_related("variant__option_values")
            .with_availability()
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["variant", "warehouse"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        """A level's on-hand is the sum of its movements: one with a movement or a hold is part of
        the ledger and stays. Only a level never used (opened by mistake) may go, one at a time
        (no bulk delete: the list cannot tell the two apart)."""
        if obj is None or obj.movements.exists() or obj.reservations.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:  # a new level: where, its first units, and its thresholds
            return ["variant", "warehouse", "received", "minimum", "maximum", "bin_location"]
        return super().get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StockLevelOpenForm
        form = super().get_form(request, obj, change, **kwargs)
        warehouse = form.base_fields.get("warehouse")
        if warehouse is not None and not warehouse.queryset.exists():
            warehouse.help_text = _(
                "You have no warehouse yet: create it with the + beside this field, it is chosen here once saved."
            )
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj._history_user = request.user
        services.stock_level_open(
            level=obj, received=form.cleaned_data["received"], actor=request.user, reason=_("Initial stock")
        )

    @admin.display(description=_("SKU"), ordering="variant__sku")
    def sku(self, obj):
        return obj.variant.sku

    @admin.display(description=_("product"))
    def product(self, obj):
        return obj.variant.product.name

    @admin.display(description=_("reserved"), ordering="reserved_units")
    def reserved(self, obj):
        return obj.reserved

    @admin.display(description=_("available"), ordering="available_units")
    def available(self, obj):
        return obj.available

    @admin.display(description=_("last movements"))
    def recent_movements(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = obj.movements.select_related("actor").order_by("-created_at", "-pk")[:20]
        # The sign is written before escaping: format_html_join escapes every argument to text first,
        # so a "{:+d}" in its format failed and the admin showed "-" instead of the movements.
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
                    m.get_kind_display(),
                    f"{m.quantity:+d}",
                    m.actor or "—",
                    m.reason or "—",
                )
                for m in rows
            ),
        )
        if not rows:
            return "—"
        return format_html(
            '<div class="admin-table-scroll"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table></div>",
            _("when"),
            _("kind"),
            _("quantity"),
            _("who"),
            _("reason"),
            body,
        )


class NumberedReferencesChangeList(ChangeList):
    """A list whose rows are named by the orders and returns they belong to: the page's rows get
    those numbers in one query each (inventory.ports), so no row shows a database id."""

    def get_results(self, request):
        super().get_results(request)
        self.model_admin.number_references(self.result_list)


class StockRowAdmin(ReadOnlyAdminMixin, SellerScopedAdminMixin, admin.ModelAdmin):
    """Rows hanging off a stock level (movements, reservations): read-only, newest first,
    scoped to the seller's warehouses."""

    seller_field = "stock_level__warehouse__seller"
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return NumberedReferencesChangeList

    @admin.display(description=_("SKU"))
    def sku(self, obj):
        return obj.stock_level.variant.sku

    @admin.display(description=_("warehouse"))
    def warehouse(self, obj):
        return obj.stock_level.warehouse.code


@admin.register(Movement)
class MovementAdmin(StockRowAdmin):
    list_display = ["created_at", "sku", "warehouse", "kind", "quantity", "reference", "sold_as", "actor", "reason"]
    list_filter = ["kind", "reference_type", "stock_level__warehouse"]
    list_select_related = ["stock_level__variant", "stock_level__warehouse", "actor", "purchase_order", "sold_as"]
    search_fields = ["stock_level__variant__sku", "reason", "=reference_id"]
    # One movement opened alone: its reference by number, as in the list (not the raw reference id).
    fields = [
        "created_at",
        "stock_level",
        "kind",
        "quantity",
        "reference",
        "sold_as",
        "bundle_units",
        "actor",
        "reason",
    ]
    readonly_fields = ["reference"]

    def number_references(self, movements) -> None:
        def ids(kind):
            return [m.reference_id for m in movements if m.reference_type == kind and m.reference_id]

        orders, returns = ids(Movement.Reference.ORDER), ids(Movement.Reference.RETURN)
        numbers = {
            Movement.Reference.ORDER: ports.order_numbers(order_ids=orders) if orders else {},
            Movement.Reference.RETURN: ports.return_numbers(return_ids=returns) if returns else {},
        }
        for movement in movements:
            movement.reference_number = numbers.get(movement.reference_type, {}).get(movement.reference_id)

    @admin.display(description=_("reference"))
    def reference(self, obj):
        if obj.purchase_order_id:
            return obj.purchase_order.number
        if not hasattr(obj, "reference_number"):  # opened alone, not from the list
            self.number_references([obj])
        number = obj.reference_number
        return f"{obj.get_reference_type_display()} {number}" if number else obj.get_reference_type_display()


@admin.register(Reservation)
class ReservationAdmin(StockRowAdmin):
    list_display = [
        "created_at",
        "sku",
        "warehouse",
        "quantity",
        "status",
        "expires_at",
        "cart_key",
        "order",
        "customer",
    ]
    list_filter = ["status", "stock_level__warehouse"]
    list_select_related = ["stock_level__variant", "stock_level__warehouse", "customer"]
    search_fields = ["stock_level__variant__sku", "cart_key", "=order_id", "customer__email"]
    fields = [
        "created_at",
        "stock_level",
        "quantity",
        "status",
        "expires_at",
        "closed_at",
        "cart_key",
        "order",
        "customer",
    ]
    readonly_fields = ["order"]

    def number_references(self, reservations) -> None:
        ids = [reservation.order_id for reservation in reservations if reservation.order_id]
        numbers = ports.order_numbers(order_ids=ids) if ids else {}
        for reservation in reservations:
            reservation.order_number = numbers.get(reservation.order_id)

    @admin.display(description=pgettext_lazy("purchase order", "order"), ordering="order_id")
    def order(self, obj):
        if not hasattr(obj, "order_number"):  # opened alone, not from the list
            self.number_references([obj])
        return obj.order_number or "—"


@admin.register(Supplier)
class SupplierAdmin(ScopedHistoryAdmin):
    list_display = ["name", "ruc", "contact_name", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "ruc"]


class PurchaseOrderLineInline(MoneyAdminMixin, admin.TabularInline):
    money_fields = ("line_total",)
    model = PurchaseOrderLine
    formset = PurchaseOrderLineFormSet
    extra = 0
    fields = ["variant", "quantity_ordered", "unit_cost", "quantity_received", "line_total"]
    readonly_fields = ["quantity_received", "line_total"]
    autocomplete_fields = ["variant"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == PurchaseOrder.Status.DRAFT)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.editable = self.has_change_permission(request, obj)
        return formset

    @admin.display(description=_("line total"))
    def line_total(self, obj):
        return obj.line_total if obj.pk else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("variant")  # each row is named by its SKU


def _record_lines(formset) -> None:
    """Tell the admin's change message which lines were added, changed and deleted: it reads them
    off the formset, which the services' write never saved itself."""
    editable = getattr(formset, "editable", False)
    kept = [form for form in formset.forms if editable and form.cleaned_data and not formset._should_delete_form(form)]
    formset.new_objects = [form.instance for form in kept if form.instance.pk is None]
    formset.changed_objects = [
        (form.instance, form.changed_data) for form in kept if form.instance.pk and form.has_changed()
    ]
    formset.deleted_objects = [
        form.instance for form in formset.initial_forms if editable and formset._should_delete_form(form)
    ]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(MoneyAdminMixin, ScopedHistoryAdmin):
    money_fields = ("subtotal", "igv", "total")
    list_display = ["number", "supplier", "warehouse", "status", "subtotal", "igv", "total", "created_at"]
    list_filter = ["status", "warehouse", "supplier"]
    list_select_related = ["supplier", "warehouse"]
    search_fields = ["number", "supplier__name", "supplier__ruc"]
    autocomplete_fields = ["supplier"]
    readonly_fields = [
        "number",
        "status",
        "subtotal",
        "igv",
        "total",
        "created_by",
        "created_at",
        "ordered_at",
        "received_at",
    ]
    fields = [
        "number",
        "supplier",
        "warehouse",
        "status",
        "expected_at",
        "notes",
        "subtotal",
        "igv",
        "total",
        "created_by",
        "created_at",
        "ordered_at",
        "received_at",
    ]
    inlines = [PurchaseOrderLineInline]
    actions = ["place", "receive", "cancel"]

    def has_delete_permission(self, request, obj=None):
        """Never deleted: its receipts are movements in the ledger, and its number is referenced by
        them. A purchase order that should not go ahead is cancelled (purchase_order_cancel), which
        refuses one that has received goods."""
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != PurchaseOrder.Status.DRAFT:
            fields += ["supplier", "warehouse"]
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except InventoryError as error:  # e.g. placed by someone else since the form was shown: nothing saved
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Nothing here: the order and its lines are written together by the purchasing services, in
        save_related, once the lines' inline is valid too."""

    def save_related(self, request, form, formsets, change):
        lines = next((formset for formset in formsets if isinstance(formset, PurchaseOrderLineFormSet)), None)
        editable = lines is not None and lines.editable
        data = form.cleaned_data
        if change:
            order = services.purchase_order_update(
                purchase_order=form.instance,
                supplier=data.get("supplier"),
                warehouse=data.get("warehouse"),
                notes=data["notes"],
                expected_at=data["expected_at"],
                lines=lines.lines() if editable else None,
                actor=request.user,
            )
        else:
            order = services.purchase_order_create(
                supplier=data["supplier"],
                warehouse=data["warehouse"],
                notes=data["notes"],
                expected_at=data["expected_at"],
                lines=lines.lines() if editable else [],
                actor=request.user,
            )
        form.instance.pk, form.instance._state.adding = order.pk, False
        form.instance.refresh_from_db()
        for formset in formsets:
            _record_lines(formset)

    def _each(self, request, queryset, service, done_message):
        try:
            with transaction.atomic():
                for order in queryset:
                    service(purchase_order=order, actor=request.user)
        except InventoryError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done_message % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Mark as ordered (sent to the supplier)"), permissions=["change"])
    def place(self, request, queryset):
        self._each(
            request,
            queryset,
            services.purchase_order_place,
            ngettext_lazy("%(count)d purchase order placed.", "%(count)d purchase orders placed.", "count"),
        )

    @admin.action(description=_("Cancel the selected purchase orders"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            services.purchase_order_cancel,
            ngettext_lazy("%(count)d purchase order cancelled.", "%(count)d purchase orders cancelled.", "count"),
        )

    @admin.action(description=_("Receive goods (full or partial)"), permissions=["change"])
    def receive(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Receive one purchase order at a time."), messages.WARNING)
            return None
        order = queryset.get()
        form = ReceiveForm(request.POST if "apply" in request.POST else None, purchase_order=order)

        def apply(data):
            movements = services.purchase_order_receive(
                purchase_order=order,
                quantities=form.quantities(),
                actor=request.user,
                allow_over_receipt=data["allow_over_receipt"],
            )
            return _("%(units)d units received for %(number)s.") % {
                "units": sum(m.quantity for m in movements),
                "number": order.number,
            }

        return action_form(
            self,
            request,
            queryset,
            form=form,
            title=_("Receive %(number)s") % {"number": order.number},
            submit_label=_("Receive"),
            apply=apply,
        )


# --- stock on the catalog's product and variant pages ---------------------------------------


class StockLevelInline(admin.TabularInline):
    """Read-only: stock changes through the stock level actions, never by editing a number."""

    model = StockLevel
    extra = 0
    readonly_fields = ("warehouse", "on_hand", "reserved", "available", "minimum", "bin_location")
    fields = readonly_fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row is named "Polo básico (M) · Almacén Central": its variant's product and sizes come along.
        return (
            super()
            .get_queryset(request)
            .select_related("warehouse", "variant__product")
            .prefetch_related("variant__option_values")
            .with_availability()
        )

    @admin.display(description=_("reserved"))
    def reserved(self, obj):
        return obj.reserved

    @admin.display(description=_("available"))
    def available(self, obj):
        return obj.available


class StockedVariantAdmin(VariantAdmin):
    inlines = [*VariantAdmin.inlines, StockLevelInline]


class StockedProductAdmin(ProductAdmin):
    """The catalog's product admin plus a read-only stock table per variant and warehouse."""

    readonly_fields = [*ProductAdmin.readonly_fields, "stock"]
    # ProductAdmin's fieldsets are typed as their exact tuple, which one more section cannot match.
    fieldsets = (*ProductAdmin.fieldsets, (_("Stock"), {"fields": ("stock",)}))  # type: ignore[assignment]

    @admin.display(description=_("stock per variant and warehouse"))
    def stock(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        levels = (
            StockLevel.objects.filter(variant__product=obj)
            .select_related("variant", "warehouse")
            .with_availability()
            .order_by("variant__sku", "warehouse__priority")
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (lv.variant.sku, lv.warehouse.code, lv.on_hand, lv.reserved_units, lv.available_units, lv.minimum)
                for lv in levels
            ),
        )
        if not body:
            return "—"
        return format_html(
            '<div class="admin-table-scroll"><table><thead><tr><th>SKU</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table></div>",
            _("warehouse"),
            _("on hand"),
            _("reserved"),
            _("available"),
            _("minimum"),
            body,
        )


for model, model_admin in ((Product, StockedProductAdmin), (Variant, StockedVariantAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
