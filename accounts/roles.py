"""Roles are Django groups; this module is the one place that says what each may do.

A rule is (app label, model or "*", actions or "*"). Rules name whole apps where a
role owns an area, so models added by later capabilities are granted on the next
`migrate` without touching this file.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class Role:
    CUSTOMER = "customer"
    SELLER = "seller"
    CATALOG_MANAGER = "catalog manager"
    WAREHOUSE_OPERATOR = "warehouse operator"
    SUPPORT = "support"
    ADMINISTRATOR = "administrator"

    ALL = (CUSTOMER, SELLER, CATALOG_MANAGER, WAREHOUSE_OPERATOR, SUPPORT, ADMINISTRATOR)
    # Roles that work in the Django admin and therefore need is_staff.
    BACK_OFFICE = (SELLER, CATALOG_MANAGER, WAREHOUSE_OPERATOR, SUPPORT, ADMINISTRATOR)


ANY = "*"
READ = ("view",)
EDIT = ("view", "add", "change")

RULES: dict[str, list[tuple[str, str, tuple[str, ...] | str]]] = {
    Role.CUSTOMER: [],
    # Sellers see only their own rows: the admin filters querysets by seller.
    Role.SELLER: [
        ("accounts", "seller", ("view", "change")),
        ("catalog", "product", EDIT),
        ("catalog", "variant", EDIT),
        ("catalog", "productimage", ANY),
        ("catalog", "pricehistory", READ),
        # The shop's taxonomy a seller lists under: what the product form's pickers offer them
        # (the admin shows a seller only the active rows).
        ("catalog", "brand", READ),
        ("catalog", "category", READ),
        ("catalog", "productline", READ),
        # A new size or colour they sell in: added, never changed (other sellers list under it too).
        ("catalog", "optionvalue", ("view", "add")),
        # Their own warehouses (the admin scopes them): the first one made from the stock form.
        ("inventory", "warehouse", EDIT),
        # Their own warehouses' levels: add (a new variant's first units), change (minimum, bin) and
        # the receive/adjust/transfer actions.
        ("inventory", "stocklevel", EDIT),
        ("inventory", "movement", READ),
        ("orders", "order", READ),
        ("orders", "orderline", READ),
        ("shipping", "shipment", EDIT),
        ("returns", "returnrequest", READ),
        ("returns", "returnline", READ),
        ("reviews", "review", READ),
    ],
    Role.CATALOG_MANAGER: [
        ("catalog", ANY, ANY),
        ("promotions", ANY, ANY),
        ("reviews", ANY, ANY),
        ("inventory", "stocklevel", READ),
    ],
    Role.WAREHOUSE_OPERATOR: [
        ("inventory", ANY, ANY),
        ("shipping", ANY, ANY),
        ("returns", ANY, EDIT),
        ("catalog", "product", READ),
        ("catalog", "variant", READ),
        ("orders", "order", READ),
        ("orders", "orderline", READ),
        # Purchasing: what shoppers wait for ("Avísame"), and the history of those alerts.
        ("alerts", "variantdemand", READ),
        ("alerts", "stockalert", READ),
    ],
    Role.SUPPORT: [
        ("accounts", "user", ("view", "change")),
        ("accounts", "address", READ),
        ("orders", ANY, EDIT),
        ("returns", ANY, ANY),
        ("reviews", ANY, ("view", "change")),
        ("payments", "payment", READ),
        ("payments", "refund", EDIT),
        ("shipping", "shipment", READ),
        ("catalog", "product", READ),
        # The Libro de Reclamaciones (answering a sheet is its change) and the policy pages.
        ("complaints", ANY, ("view", "change")),
        ("legal", "policyversion", EDIT),
        ("legal", "consent", READ),
        ("alerts", ANY, READ),
    ],
    # Every permission there is; only the superuser flag stays with the super admin.
    Role.ADMINISTRATOR: [(ANY, ANY, ANY)],
}


def permissions_for(role: str):
    """The Permission queryset a role's rules grant (an empty set for no rules)."""
    condition = Q(pk__in=[])
    for app_label, model, actions in RULES[role]:
        rule = Q(pk__isnull=False)  # an empty Q() would vanish from the OR below
        if app_label != ANY:
            rule &= Q(content_type__app_label=app_label)
        if model != ANY:
            rule &= Q(content_type__model=model)
        if actions != ANY:
            codenames = Q()
            for action in actions:
                codenames |= Q(codename__startswith=f"{action}_")
            rule &= codenames
        condition |= rule
    return Permission.objects.filter(condition)


def roles_sync() -> None:
    """Create every role's group and set its permissions to exactly what RULES grant."""
    for role in Role.ALL:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role))
