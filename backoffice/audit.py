"""One list of recent changes across the audited models (django-simple-history), for the admin.

Two queries per model whatever the number of changes: the latest changes (with their user),
then the versions just before them, so each row gets its field-by-field diff (`diff_against`)
without a query per row; one or two more for a model whose rows are named through related rows
(NAMED_THROUGH).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse

from core.history import history_value

# The models whose changes the back office audits. Coupons and return requests join
# this list when their apps have history.
AUDITED_MODELS = (
    "orders.Order",
    "orders.OrderNote",
    "catalog.Product",
    "catalog.Variant",
    "catalog.Category",
    "catalog.Brand",
    "inventory.StockLevel",
    "payments.Payment",
    "payments.PaymentMethod",
    "payments.Refund",
    "shipping.ShippingMethod",
    "shipping.ShippingZone",
    "shipping.ShippingRate",
    "shipping.Shipment",
)
KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Rows with no name of their own (no number, SKU, name or code): named by their live row's __str__
# ("Polo básico (M) · Almacén Central", "PED-20261125-0007 · Pagado · S/ 115.00"), read for the whole
# list at once with what those names need (select_related, prefetch_related), never "#1467".
NAMED_THROUGH = {
    "inventory.StockLevel": (("variant__product", "warehouse"), ("variant__option_values",)),
    "orders.OrderNote": (("order",), ()),
    "payments.Payment": (("order",), ()),
    "payments.Refund": (("payment__order",), ()),
    "shipping.ShippingRate": (("method", "zone"), ()),
    "shipping.Shipment": (("order",), ()),
}


@dataclass
class AuditEntry:
    when: datetime
    who: str
    model: str
    object_id: int
    object_repr: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field's label, before, after) as shown
    url: str = ""


def audited_models(user) -> list:
    """The audited models this user may view."""
    models = [apps.get_model(label) for label in AUDITED_MODELS]
    return [model for model in models if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")]


def recent_changes(*, user, query: str = "", limit: int = 50) -> list[AuditEntry]:
    """The latest `limit` changes across the audited models the user may view, newest first.

    query matches the user's e-mail, the model's name, or an object id (digits)."""
    query = query.strip()[:100]
    entries: list[AuditEntry] = []
    for model in audited_models(user):
        history = model.history.model
        rows = history.objects.select_related("history_user")
        if query:
            name = str(model._meta.verbose_name).lower()
            condition = Q(history_user__email__icontains=query)
            if query.isdigit():
                condition |= Q(id=int(query))
            if query.lower() in name or query.lower() in model._meta.model_name:
                condition = Q()
            rows = rows.filter(condition)
        previous = (
            history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        latest = list(rows.annotate(previous_id=Subquery(previous)).order_by("-history_date", "-history_id")[:limit])
        before = history.objects.in_bulk([row.previous_id for row in latest if row.previous_id])
        names = _live_names(model, {row.id for row in latest})
        for row in latest:
            changes: list[tuple[str, str, str]] = []
            older = before.get(row.previous_id)
            if older is not None and row.history_type == "~":
                delta = row.diff_against(older)
                changes = [(_label(model, change.field), *_values(model, change)) for change in delta.changes]
            entries.append(
                AuditEntry(
                    when=row.history_date,
                    who=getattr(row.history_user, "email", "") or "",
                    model=str(model._meta.verbose_name),
                    object_id=row.id,
                    object_repr=names.get(row.id) or _repr(row),
                    kind=KINDS.get(row.history_type, row.history_type),
                    changes=changes,
                    url=_history_url(model, row.id),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field gone from the model since
        return name


def _values(model, change) -> tuple[str, str]:
    try:
        field = model._meta.get_field(change.field)
    except Exception:  # a field gone from the model since
        return str(change.old), str(change.new)
    return history_value(field, change.old), history_value(field, change.new)


def _live_names(model, ids: set) -> dict:
    """{id: name} of the rows of a model in NAMED_THROUGH that still exist (one or two queries)."""
    related = NAMED_THROUGH.get(model._meta.label)
    if related is None or not ids:
        return {}
    rows = model._default_manager.filter(pk__in=ids).select_related(*related[0]).prefetch_related(*related[1])
    return {row.pk: str(row)[:120] for row in rows}


def _repr(row) -> str:
    """A name from the row's own fields (a model's __str__ may query related rows: not per row)."""
    for attribute in ("number", "sku", "name", "code", "tracking_number"):
        value = getattr(row, attribute, "")
        if value:
            return f"{value}"[:120]
    return f"#{row.id}"


def _history_url(model, object_id) -> str:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[object_id])
    except NoReverseMatch:
        return ""
