"""Sellers work in the same admin as staff but see and touch only their own rows."""

from accounts.roles import Role

FULL_ACCESS_ROLES = (Role.ADMINISTRATOR, Role.CATALOG_MANAGER, Role.WAREHOUSE_OPERATOR, Role.SUPPORT)


def seller_scope(request):
    """The Seller whose rows this back-office user is limited to, or None for full access."""
    user = request.user
    if user.is_superuser:
        return None
    cached = getattr(request, "_seller_scope", False)
    if cached is not False:
        return cached
    if user.groups.filter(name__in=FULL_ACCESS_ROLES).exists():
        scope = None
    else:
        seller = getattr(user, "seller", None)
        # A back-office user who is neither staff role nor approved seller sees nothing.
        scope = seller if seller is not None and seller.is_approved else "nothing"
    request._seller_scope = scope
    return scope


class SellerScopedAdminMixin:
    """ModelAdmin mixin: `seller_field` is the lookup from the model to its Seller."""

    seller_field = "seller"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = seller_scope(request)
        if scope is None:
            return queryset
        if scope == "nothing":
            return queryset.none()
        return queryset.filter(**{self.seller_field: scope})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if seller_scope(request) is not None and self.seller_field == "seller" and "seller" not in fields:
            fields.append("seller")
        return fields

    def save_model(self, request, obj, form, change):
        scope = seller_scope(request)
        if scope not in (None, "nothing") and self.seller_field == "seller":
            obj.seller = scope  # a seller cannot list a product under someone else
        super().save_model(request, obj, form, change)
