"""Sales reports: net sales between two Lima dates, grouped by day, region, seller, category or
channel. One aggregate query per report (GROUP BY in the database), whatever the number of orders.

Sales are what backoffice.selectors defines, as the dashboard counts them: the lines' totals (IGV
included, after line discounts; no shipping, no gift cards sold) of orders paid and not cancelled,
less each line's share of the money given back for its order, so every grouping adds up to the same
figure and a seller's report is just their lines. A line counts on the day its order was paid; the
region is the department of the order's shipping address snapshot.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo
from orders.models import OrderChannel

from .selectors import _start_of, net_line_total, sold_lines

GROUPINGS = ("day", "region", "seller", "category", "channel")
# Keys stay as they are (CSV and JSON); the titles of the table are the shop's language.
COLUMNS = [("key", _("Group")), ("orders", _("Orders")), ("units", _("Units")), ("sales", _("Sales (PEN)"))]
_GROUP_BY = {
    "day": TruncDate("order__paid_at"),
    "region": F("order__shipping_address__department"),
    "seller": F("seller__store_name"),
    "category": F("variant__product__category__name"),
    "channel": F("order__channel"),  # the online store, or an order staff took on WhatsApp or the phone
}


def paid_lines(*, since: date, until: date, seller=None, channel: str = ""):
    """Order lines of orders paid in [since, until] (Lima dates) and not cancelled (taken through
    `channel` only, when given)."""
    lines = sold_lines().filter(
        order__paid_at__gte=_start_of(since), order__paid_at__lt=_start_of(until + timedelta(days=1))
    )
    if channel:
        lines = lines.filter(order__channel=channel)
    return lines.filter(seller=seller) if seller is not None else lines


def sales_report(*, by: str, since: date, until: date, seller=None, channel: str = "") -> list[dict]:
    """[{key, orders, units, sales}] per group, by key; empty when nothing was paid in the range.
    channel: only the orders taken through it (web, whatsapp, phone); "" for all."""
    if by not in GROUPINGS:
        raise ValueError(f"Unknown grouping {by!r}: one of {', '.join(GROUPINGS)}.")
    rows = (
        paid_lines(since=since, until=until, seller=seller, channel=channel)
        .annotate(group=_GROUP_BY[by])
        .order_by()
        .values("group")
        .annotate(orders=Count("order_id", distinct=True), units=Sum("quantity"), sales=Sum(net_line_total()))
        .order_by("group")
    )
    return [
        {
            "key": _label(by, row["group"]),
            "orders": row["orders"],
            "units": row["units"],
            "sales": Decimal(row["sales"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        }
        for row in rows
    ]


def _label(by: str, group) -> str:
    if by == "day":
        return group.isoformat()
    if by == "region":
        # SQLite's JSON extraction gives "08" back as the number 8: the code is two digits again.
        code = f"{group:02d}" if isinstance(group, int) else (group or "")
        place = ubigeo.department(code) if code else None
        return place.name if place else (code or "—")
    if by == "channel":
        return str(OrderChannel(group).label) if group in OrderChannel.values else (group or "—")
    return group or "—"  # lines without a seller are the shop's own


def month_chunks(since: date, until: date) -> list[tuple[date, date]]:
    """[since, until] cut at month ends, so long reports can show their progress month by month."""
    chunks, start = [], since
    while start <= until:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(until, next_month - timedelta(days=1))
        chunks.append((start, end))
        start = next_month
    return chunks


def sales_report_by_month(
    *, by: str, since: date, until: date, seller=None, channel: str = "", progress=iter
) -> list[dict]:
    """sales_report() run one month at a time (one query each) and merged: the same rows, with a
    progress bar over the months. An order is paid at one moment, so it falls in one month only and
    the per-group order counts add up exactly."""
    merged: dict[str, dict] = {}
    for start, end in progress(month_chunks(since, until)):
        for row in sales_report(by=by, since=start, until=end, seller=seller, channel=channel):
            current = merged.setdefault(
                row["key"], {"key": row["key"], "orders": 0, "units": 0, "sales": Decimal("0.00")}
            )
            current["orders"] += row["orders"]
            current["units"] += row["units"]
            current["sales"] += row["sales"]
    return [merged[key] for key in sorted(merged)]


def totals(rows: list[dict], *, by: str) -> dict:
    """The report's last row: units and sales of every group, and its orders where an order falls in
    one group only (a day, a region, a channel); an order with several sellers' or categories' lines
    counts in each of their groups, so there the sum of orders is None (not a count of orders)."""
    orders = sum(row["orders"] for row in rows) if by in ("day", "region", "channel") else None
    return {
        "orders": orders,
        "units": sum(row["units"] for row in rows),
        "sales": sum((row["sales"] for row in rows), Decimal("0.00")),
    }
