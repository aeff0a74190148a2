"""Shared pieces of the admin's CSV/XLSX import and export (django-import-export).

Every import runs in one transaction and is refused whole when any row is invalid (the
preview names each bad row); a seller imports and exports only their own rows: lookups
outside their rows fail as "not found" and rows of other sellers are refused."""

from decimal import InvalidOperation
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, FieldDoesNotExist, FieldError, ValidationError
from django.http import HttpResponseRedirect
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from import_export.resources import Diff
from import_export.widgets import DecimalWidget, ForeignKeyWidget, IntegerWidget

from .admin_scoping import NO_ROWS, seller_scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ScopedForeignKeyWidget(ForeignKeyWidget):
    """A foreign key by a natural key (slug, SKU, code), looked up only among the rows the
    importing user may use; an unknown value is a row error that names it."""

    def __init__(self, model, field, *, label: "StrOrPromise", scope=None):
        super().__init__(model, field)
        self.label, self.scope = label, scope

    def scoped_to(self, scope) -> "ScopedForeignKeyWidget":
        """The same column, looking only among the rows that meet `scope`."""
        return ScopedForeignKeyWidget(self.model, self.field, label=self.label, scope=scope)

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        return queryset.filter(self.scope) if self.scope is not None else queryset

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(thing)s “%(value)s” you can use.") % {"thing": self.label, "value": value}
            ) from None


class AmountWidget(DecimalWidget):
    """A decimal whose bad value is a row error in words, not a decimal module traceback."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError, TypeError):
            raise ValueError(_("“%(value)s” is not a number such as 59.90.") % {"value": value}) from None


class WholeNumberWidget(IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (InvalidOperation, ValueError, TypeError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


class WholeValueDiff(Diff):
    """The import preview shows a changed value whole, before and after ("119.00 → 129.00"), not as
    a character diff whose pieces read as one number ("1129.00"); in <del> and <ins> without the
    style attributes the Content-Security-Policy refuses (admin.css colours them)."""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right):
            old, new = ("" if self.new else force_str(old)), force_str(new)
            if old == new:
                cells.append(conditional_escape(new))
            elif not old:
                cells.append(format_html("<ins>{}</ins>", new))
            elif not new:
                cells.append(format_html("<del>{}</del>", old))
            else:
                cells.append(format_html('<del>{}</del> <span class="ie-arrow">→</span> <ins>{}</ins>', old, new))
        return cells


class ScopedModelResource(resources.ModelResource):
    """A resource that knows who imports: `seller` (None for staff) and `actor`.

    seller_lookup: the path from the model to its Seller, to refuse another seller's rows.
    seller_scopes: for a seller's import, the foreign-key columns that may only name the seller's
    own rows, each with the condition (a function of the seller) those rows meet."""

    seller_lookup = "seller"
    seller_scopes: dict = {}
    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": AmountWidget,
        "IntegerField": WholeNumberWidget,
        "PositiveIntegerField": WholeNumberWidget,
        "PositiveSmallIntegerField": WholeNumberWidget,
        "SmallIntegerField": WholeNumberWidget,
    }

    class Meta:
        # Each row is validated by its model before anything is saved; unchanged rows are skipped
        # and shown as skipped in the preview.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, seller=None, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.seller, self.actor = seller, actor
        if seller is not None:
            for name, scope in self.seller_scopes.items():
                self.fields[name].widget = self.fields[name].widget.scoped_to(scope(seller))

    def get_diff_class(self):
        return WholeValueDiff

    def get_diff_headers(self):
        return [column_label(self, field) for field in self.get_import_fields()]

    def seller_of(self, instance):
        value = instance
        for part in self.seller_lookup.split("__"):
            value = getattr(value, f"{part}_id" if part == "seller" else part, None) if value is not None else None
        return value

    def after_init_instance(self, instance, new, row, **kwargs):
        if self.seller is not None and not new and self.seller_of(instance) != self.seller.pk:
            raise ValidationError(_("This row belongs to another seller: you can only import your own."))
        super().after_init_instance(instance, new, row, **kwargs)


def column_label(resource, field) -> str:
    """A file column as people read it: the model field's name in the shop's language, then the
    column's key in the file ("Precio (IGV incluido) (base_price)"), which stays as it is so an
    exported file imports back."""
    attribute = getattr(field, "attribute", None) or ""
    try:
        name = resource._meta.model._meta.get_field(attribute).verbose_name
    except FieldDoesNotExist:
        name = attribute.replace("_", " ") or field.column_name
    name = capfirst(name)
    return name if str(name).lower() == field.column_name.lower() else f"{name} ({field.column_name})"


class ExportForm(SelectableFieldsExportForm):
    """The export form's checkboxes name the columns in the shop's language (column_label)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return column_label(resource, field) if field is not None else field_name


class ScopedImportExportMixin(ImportExportMixin):
    """ModelAdmin mixin: CSV and XLSX, the user's seller scope handed to the resource; export uses
    the admin's (scoped) changelist rows."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    export_form_class = ExportForm

    def get_resource_kwargs(self, request, *args, **kwargs):
        scope = seller_scope(request)
        return {**kwargs, "seller": None if scope is None else scope, "actor": request.user}

    def get_import_data_kwargs(self, *args, **kwargs):
        # The confirmed import re-checks every row: one that became invalid since the preview
        # rolls the whole file back instead of leaving the others imported.
        return {**super().get_import_data_kwargs(*args, **kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            rows = sorted({row.number for row in result.invalid_rows} | {number for number, _e in result.row_errors()})
            messages.error(
                request,
                _(
                    "Nothing was imported: the file changed or its rows no longer pass the checks "
                    "(rows %(rows)s). Import it again to see why."
                )
                % {"rows": ", ".join(str(number) for number in rows if number is not None) or "—"},
            )
            return HttpResponseRedirect(request.path.replace("process_import/", "import/"))
        return super().process_result(result, request)

    def get_export_queryset(self, request):
        # The export reads the changelist's filters from the query string; one that names no field
        # of the model is the client's mistake (400), as the changelist itself refuses it.
        try:
            return super().get_export_queryset(request)
        except (IncorrectLookupParameters, FieldError, ValidationError):
            raise BadRequest(_("This export does not take the parameters given.")) from None

    def has_import_permission(self, request):
        return seller_scope(request) is not NO_ROWS and super().has_import_permission(request)

    def has_export_permission(self, request):
        return seller_scope(request) is not NO_ROWS and super().has_export_permission(request)
