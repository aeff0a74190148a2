from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db.models import Field
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise


class ReadOnlyAdminMixin:
    """For records written only by services (ledgers, snapshots, history, gateway results):
    staff read them in the admin; nothing is added, edited or deleted by hand. Works on model
    admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MoneyAdminMixin:
    """Money in the back office as the shop writes it ("S/ 58.90", not the admin's localized
    "58,90"), in list columns and read-only fields alike. Name the model's money fields in
    `money_fields`; each is shown through a `<field>_money` display. Works on model admins
    and inlines; editable fields stay plain inputs."""

    money_fields: tuple[str, ...] = ()

    if TYPE_CHECKING:  # what the model admin or inline it is mixed into provides
        model: type[Model]

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool: ...

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.money_fields:
            setattr(self, self._money_name(name), self._money_display(name))

    @staticmethod
    def _money_name(name: str) -> str:
        return f"{name}_money"

    def _money_display(self, name: str):
        from core.money import format_money

        description: StrOrPromise | None
        ordering: str | None
        try:
            description, ordering = cast("Field[Any, Any]", self.model._meta.get_field(name)).verbose_name, name
        except FieldDoesNotExist:  # a model property (a computed amount), labelled by the admin's display of it
            description, ordering = getattr(getattr(self, name, None), "short_description", None), None
            if description is None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.money_fields names {name!r}, a property: give the admin an "
                    f"@admin.display(description=...) method of that name for its column's label"
                ) from None

        @admin.display(description=description, ordering=ordering)
        def display(obj):
            try:
                value = getattr(obj, name, None)
            except (TypeError, ArithmeticError):  # a computed amount of a blank inline row
                value = None
            return format_money(value) if value is not None else "—"

        return display

    def _as_money(self, names, readonly) -> list:
        return [
            self._money_name(n) if isinstance(n, str) and n in self.money_fields and n in readonly else n for n in names
        ]

    def _readonly_money(self, request, obj) -> set[str]:
        """The money fields shown read-only on this page (all of them on a view-only page)."""
        if obj is not None and not self.has_change_permission(request, obj):
            return set(self.money_fields)
        shown = {self._money_name(n): n for n in self.money_fields}
        return {shown.get(n, n) for n in self.get_readonly_fields(request, obj)} & set(self.money_fields)

    def get_list_display(self, request):
        names = super().get_list_display(request)
        return self._as_money(names, set(self.money_fields) - set(getattr(self, "list_editable", ()) or ()))

    def get_readonly_fields(self, request, obj=None):
        names = super().get_readonly_fields(request, obj)
        return self._as_money(names, set(names))

    def get_exclude(self, request, obj=None):
        # A money field shown through its display is not also a form field.
        return [*(super().get_exclude(request, obj) or ()), *self._readonly_money(request, obj)]

    def get_fields(self, request, obj=None):
        return self._as_money(super().get_fields(request, obj), self._readonly_money(request, obj))

    def get_fieldsets(self, request, obj=None):
        readonly = self._readonly_money(request, obj)
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        self._as_money(row, readonly)
                        if isinstance(row, (list, tuple))
                        else self._as_money([row], readonly)[0]
                        for row in options["fields"]
                    ],
                },
            )
            for title, options in super().get_fieldsets(request, obj)
        ]


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin that shows a row's history only when the row is in get_queryset(), and
    never reverts it.

    simple-history falls back to the latest historical version when the queryset hides the row,
    which would show a seller another seller's rows (or an operator another warehouse's). Only a
    superuser still sees the history of deleted rows.

    The history is a record, not an undo: SIMPLE_HISTORY_REVERT_DISABLED hides simple-history's
    "Revert" button, and the version form behind it (which still saved a POST) is refused. A
    revert wrote an old row straight back (a cancelled, refunded order "paid" again) past the
    services that keep stock, refunds, credit and receipts in step with it."""

    def get_historical_record_context_helper(self, request, historical_record):
        from .history import ReadableHistoryContext

        return ReadableHistoryContext(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class StatusHistoryInline(ReadOnlyInline):
    """The status changes of an order, a shipment or a return: who moved it, when, and why."""

    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class OrderLineColumnsMixin:
    """SKU and product columns of rows that point at an order line (shipment and return lines)."""

    @admin.display(description=_("SKU"))
    def sku(self, obj):
        return obj.order_line.sku

    @admin.display(description=_("product"))
    def product(self, obj):
        return " · ".join(filter(None, [obj.order_line.product_name, obj.order_line.options]))
