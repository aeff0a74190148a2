"""Sellers work in the same admin as staff but see and touch only their own rows."""

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

from accounts.roles import Role

FULL_ACCESS_ROLES = (Role.ADMINISTRATOR, Role.CATALOG_MANAGER, Role.WAREHOUSE_OPERATOR, Role.SUPPORT)
NO_ROWS = "no-rows"  # a back-office user who is neither in a staff role nor an approved seller
_UNSET = object()


def seller_scope(request):
    """The Seller this back-office user is limited to, None for full access, or NO_ROWS."""
    user = request.user
    if user.is_superuser:
        return None
    scope = getattr(request, "_seller_scope", _UNSET)
    if scope is _UNSET:
        if user.groups.filter(name__in=FULL_ACCESS_ROLES).exists():
            scope = None
        else:
            seller = getattr(user, "seller", None)
            scope = seller if seller is not None and seller.is_approved else NO_ROWS
        request._seller_scope = scope
    return scope


def _within_scope(queryset, request, narrow):
    """Every row for full access, none for NO_ROWS, narrow(queryset, seller) for a seller."""
    scope = seller_scope(request)
    if scope is None:
        return queryset
    if scope is NO_ROWS:
        return queryset.none()
    return narrow(queryset, scope)


def _field_path(model, lookup: str) -> str:
    """The fields a changelist URL lookup walks ("order__customer__email__startswith" ->
    "order__customer__email"), "" for a parameter that names no field (a SimpleListFilter's)."""
    walked = []
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        walked.append(part)
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
    return LOOKUP_SEP.join(walked)


class SellerSearchMixin:
    """ModelAdmin mixin: what a seller may search and filter a list by.

    A list a seller sees would otherwise answer questions about customers: "?q=rosa@example.pe",
    or Django's own URL lookups on any of the model's columns ("?email=…", "?customer=7"), tell
    whether that person bought from them. Sellers search by `seller_search_fields` (None: the
    staff's search_fields, which then must name no customer: tests/accounts/test_seller_search.py
    checks every admin a seller opens) and filter only through the list's filters."""

    seller_search_fields: tuple[str, ...] | None = None
    seller_search_help_text: "StrOrPromise | None" = None

    if TYPE_CHECKING:  # what the ModelAdmin it is mixed into provides
        model: type[Model]
        date_hierarchy: ClassVar[str | None]

        def get_list_filter(self, request: HttpRequest) -> list[Any] | tuple[Any, ...]: ...

    def get_search_fields(self, request):
        if self.seller_search_fields is not None and seller_scope(request) is not None:
            return self.seller_search_fields
        return super().get_search_fields(request)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.seller_search_help_text is not None and seller_scope(request) is not None:
            changelist.search_help_text = self.seller_search_help_text
        return changelist

    def lookup_allowed(self, lookup, value, request=None):
        if request is None or seller_scope(request) is None:
            return super().lookup_allowed(lookup, value, request)
        path = _field_path(self.model, lookup)
        return not path or path in self._seller_filter_paths(request) or self._is_popup_lookup(lookup, value)

    def _is_popup_lookup(self, lookup, value) -> bool:
        """A raw-id popup's limit_choices_to, which the admin itself puts in the URL."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    def _seller_filter_paths(self, request) -> set[str]:
        """The field paths the list's own filters and date drill-down query, and a relation's pk."""
        paths = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request):
            name = item[0] if isinstance(item, (list, tuple)) else item
            if not isinstance(name, str):
                continue  # a SimpleListFilter: its parameter names no field
            paths.add(name)
            target = get_fields_from_path(self.model, name)[-1]
            related = target.related_model  # a model class once the apps are loaded, never "self" here
            if target.is_relation and related is not None and not isinstance(related, str):
                paths.add(f"{name}{LOOKUP_SEP}{related._meta.pk.name}")
        return paths


class SellerScopedAdminMixin(SellerSearchMixin):
    """ModelAdmin mixin.

    seller_field: the lookup from the model to its Seller ("pk" on Seller itself).
    scoped_readonly_fields: what a seller may see but not change on their own rows.
    """

    seller_field = "seller"
    scoped_readonly_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return _within_scope(super().get_queryset(request), request, self.scope_queryset)

    def scope_queryset(self, queryset, seller):
        """The rows of one seller; override when seller_field would repeat rows (a to-many lookup)."""
        return queryset.filter(**{self.seller_field: seller.pk})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_choices(db_field, request))
        if kwargs["queryset"] is None:
            del kwargs["queryset"]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_choices(db_field, request))
        if kwargs["queryset"] is None:
            del kwargs["queryset"]
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scoped_choices(self, db_field, request):
        """A seller's choices of a related model that is scoped too (a variant's product): only
        their own rows, so a posted id of another seller's row is refused by the form, whatever
        widget (select or autocomplete) shows the field. None: the default choices."""
        if seller_scope(request) is None:
            return None
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, (SellerScopedAdminMixin, SellerChoicesAdminMixin)):
            return related_admin.get_queryset(request)
        return None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if seller_scope(request) is not None:
            fields += [name for name in self.scoped_readonly_fields if name not in fields]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # A field a seller may not change is not in their form, so nothing can fill it in from
        # another (the admin would look the form field up and fail: a seller's own profile's slug).
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            field: sources
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if field not in readonly
        }

    def save_model(self, request, obj, form, change):
        scope = seller_scope(request)
        if scope is not None and scope is not NO_ROWS and self.seller_field == "seller":
            obj.seller = scope  # a seller cannot list a product under someone else
        super().save_model(request, obj, form, change)


class SellerChoicesAdminMixin:
    """ModelAdmin mixin for the shop's shared lists a seller lists under but does not own (brands,
    categories, product lines, option values): a seller sees, and the pickers of their forms offer,
    only the rows `seller_choices` keeps (the active ones); staff see them all.

    The scoped admins' foreign keys to such a model take their choices from here, so a posted id
    of a retired brand is refused by the form whatever widget showed it."""

    seller_choices: dict = {"is_active": True}

    def get_queryset(self, request):
        return _within_scope(
            super().get_queryset(request), request, lambda queryset, _seller: queryset.filter(**self.seller_choices)
        )
