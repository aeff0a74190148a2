"""The dashboard on the admin index: {% admin_dashboard %} in templates/admin/index.html."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from accounts.admin_scoping import NO_ROWS, seller_scope
from backoffice import selectors
from shipping.selectors import assigned_warehouse_ids

register = template.Library()

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 160, 4


def _link(user, perm: str, url_name: str, **params) -> str:
    """The filtered changelist, or "" when the user may not open it."""
    if not user.has_perm(perm):
        return ""
    url = reverse(url_name)
    return f"{url}?{urlencode(params)}" if params else url


def _bars(chart, ceiling, user) -> list[dict]:
    """SVG geometry of the 30-day chart (attributes, not inline styles: CSP forbids those)."""
    slot = CHART_WIDTH / len(chart)
    bars = []
    for index, day in enumerate(chart):
        height = round(float(day.total / ceiling) * CHART_HEIGHT, 1) if ceiling else 0
        height = max(height, 2.0 if day.total else 0.0)
        bars.append(
            {
                "day": day,
                "x": round(index * slot + BAR_GAP / 2, 1),
                "width": round(slot - BAR_GAP, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "height": height,
                "url": _link(user, "orders.view_order", "admin:orders_order_changelist", sold=day.day.isoformat()),
            }
        )
    return bars


@register.inclusion_tag("backoffice/dashboard.html", takes_context=True)
def admin_dashboard(context):
    request = context["request"]
    user = request.user
    scope = seller_scope(request)
    if scope is NO_ROWS:
        return {"dashboard": None}
    seller = scope
    warehouse_ids = None
    if seller is None and not user.is_superuser:
        warehouse_ids = assigned_warehouse_ids(user=user) or None
    figures = selectors.dashboard(seller=seller, warehouse_ids=warehouse_ids)
    today = figures.today
    return {
        "dashboard": figures,
        "seller": seller,
        "bars": _bars(figures.chart, figures.chart_max, user),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "links": {
            # the orders the figures count (orders.admin.SoldFilter), not every order paid that day
            "today": _link(user, "orders.view_order", "admin:orders_order_changelist", sold=today.isoformat()),
            "month": _link(user, "orders.view_order", "admin:orders_order_changelist", sold=today.strftime("%Y-%m")),
            "awaiting": _link(
                user, "orders.view_order", "admin:orders_order_changelist", status__exact="pending_payment"
            ),
            "overdue": _link(user, "shipping.view_shipment", "admin:shipping_shipment_changelist", overdue="yes"),
            "due_today": _link(user, "shipping.view_shipment", "admin:shipping_shipment_changelist", overdue="today"),
            "low_stock": _link(
                user, "inventory.view_stocklevel", "admin:inventory_stocklevel_changelist", state="below_min"
            ),
            # a seller's own payouts; for staff, what sellers earn is the administrators' business
            "payouts": reverse("backoffice_payouts")
            if seller is not None
            else _link(user, "backoffice.view_linecommission", "backoffice_payouts"),
        },
    }
