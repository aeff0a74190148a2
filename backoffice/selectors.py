"""The figures of the admin index (the shop's daily dashboard), for all the business or one seller,
and the one definition of a sale that the dashboard, its chart, the sales report (page and
`manage.py sales_report`) and the sellers' payouts share.

A sale is the goods of a paid order (its lines: IGV included, after every discount) that was not
cancelled, counted on the Lima day the order was paid, in PEN, net of the money given back for it
(its succeeded refunds, and the store credit and gift cards its returns gave, whenever they
happened) shared out over the order's lines by their weight in its total. Not sales: the shipping
charged (no seller, category or product to put it under) and gift cards sold (money paid in advance,
no sale of goods until the card is spent: SUNAT Informe N.° 097-2010-SUNAT/2B0000, credit/models.py);
a gift card or store credit spent is a means of payment, so the goods it paid are sales. The pages
say so. For a seller, their own lines. Every figure is one aggregate query, whatever the number of
rows: the dashboard costs the same for 1 and 100,000 orders.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, DecimalField, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.utils import timezone

from accounts.models import Seller
from inventory.selectors import low_stock_levels
from orders.models import Order, OrderLine, OrderStatus
from orders.selectors import sold_order
from payments.models import Refund
from returns.models import ReturnRequest
from shipping.models import NOT_YET_SHIPPED, Shipment

ZERO = Decimal("0.00")
CHART_DAYS = 30


@dataclass(frozen=True)
class DaySales:
    day: date
    total: Decimal
    orders: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    sales_today: Decimal
    orders_today: int
    sales_month: Decimal
    orders_month: int
    awaiting_payment: int
    shipments_overdue: int
    shipments_due_today: int
    low_stock: int
    chart: list[DaySales]

    @property
    def chart_max(self) -> Decimal:
        return max((day.total for day in self.chart), default=ZERO)


def _cents(value: Decimal | int | float | str | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


_MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=14, decimal_places=2)


def refunded(order_field: str) -> CombinedExpression:
    """The money given back for an order, 0 when none: its succeeded refunds, and the store credit
    and gift cards (a guest's) its returns gave (a return paid back that way un-sells its units as a
    refund does). A subquery on the order id in `order_field`."""
    refunds = (
        Refund.objects.filter(payment__order_id=OuterRef(order_field), status=Refund.Status.SUCCEEDED)
        .order_by()
        .values("payment__order_id")
        .annotate(amount=Sum("amount"))
        .values("amount")
    )
    given = [Coalesce(Subquery(refunds, output_field=_MONEY), Value(ZERO), output_field=_MONEY)]
    for issued in ("store_credit", "gift_card"):
        credits = (
            ReturnRequest.objects.filter(order_id=OuterRef(order_field), **{f"{issued}__isnull": False})
            .order_by()
            .values("order_id")
            .annotate(amount=Sum(f"{issued}__amount"))
            .values("amount")
        )
        given.append(Coalesce(Subquery(credits, output_field=_MONEY), Value(ZERO), output_field=_MONEY))
    return given[0] + given[1] + given[2]


def net_line_total() -> CombinedExpression:
    """A line's total less its share of its order's refunds (by the line's weight in the order total)."""
    line_total: F | Cast = F("line_total")
    if connection.vendor == "sqlite":
        # SQLite keeps 200.00 as the integer 200 and divides integers to an integer (50 × 200 / 208 = 48,
        # not 48.08): the embedded default computes the share in floating point instead.
        line_total = Cast(line_total, FloatField())
    share = refunded("order_id") * line_total / NullIf(F("order__total"), Value(ZERO))
    return F("line_total") - Coalesce(share, Value(ZERO), output_field=_MONEY)


def sold_lines() -> QuerySet[OrderLine]:
    """The lines whose goods are sales: of orders paid and not cancelled afterwards (a cancelled
    order sold nothing). An order of gift cards only has none."""
    return OrderLine.objects.filter(sold_order("order__"))


def _sales(*, seller: Seller | None, since: datetime) -> tuple[QuerySet[OrderLine], str, str]:
    """Net sales since a moment, as lines annotated with `net`, and their (order field, paid-at field)."""
    lines = sold_lines().filter(order__paid_at__gte=since)
    if seller is not None:
        lines = lines.filter(seller=seller)
    return lines.annotate(net=net_line_total()), "order_id", "order__paid_at"


def sales_by_day(*, seller: Seller | None = None, since: date, until: date) -> list[DaySales]:
    """Paid sales per Lima day in [since, until], every day present (zero when none); one query."""
    rows, order, paid_at = _sales(seller=seller, since=_start_of(since))
    rows = rows.filter(**{f"{paid_at}__lt": _start_of(until + timedelta(days=1))})
    per_day = {
        row["day"]: row
        for row in rows.annotate(day=TruncDate(paid_at))
        .order_by()
        .values("day")
        .annotate(total=Sum("net"), orders=Count(order, distinct=True))
    }
    days = [since + timedelta(days=offset) for offset in range((until - since).days + 1)]
    return [
        DaySales(
            day=day,
            total=_cents(per_day[day]["total"]) if day in per_day else ZERO,
            orders=per_day[day]["orders"] if day in per_day else 0,
        )
        for day in days
    ]


def dashboard(
    *, seller: Seller | None = None, warehouse_ids: list[int] | None = None, today: date | None = None
) -> Dashboard:
    """The dashboard of the whole shop (seller None) or of one seller's business.

    warehouse_ids limits the shipments to those warehouses (an operator assigned to some).
    Five queries, whatever the data.
    """
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    chart_start = today - timedelta(days=CHART_DAYS - 1)
    # One query for today and the month: the sums over the month, today's filtered.
    rows, order, paid_at = _sales(seller=seller, since=_start_of(month_start))
    today_filter = Q(**{f"{paid_at}__gte": _start_of(today)})
    totals = rows.order_by().aggregate(
        month=Sum("net"),
        month_orders=Count(order, distinct=True),
        today=Sum("net", filter=today_filter),
        today_orders=Count(order, distinct=True, filter=today_filter),
    )

    pending = Order.objects.filter(status=OrderStatus.PENDING_PAYMENT)
    legs = Shipment.objects.filter(status__in=NOT_YET_SHIPPED, ship_by__lte=today)
    levels = low_stock_levels()
    if seller is not None:
        pending = pending.filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"), seller=seller)))
        legs = legs.filter(warehouse__seller=seller)
        levels = levels.filter(warehouse__seller=seller)
    if warehouse_ids:
        legs = legs.filter(warehouse_id__in=warehouse_ids)
        levels = levels.filter(warehouse_id__in=warehouse_ids)
    due = legs.order_by().aggregate(
        overdue=Count("pk", filter=Q(ship_by__lt=today)), due_today=Count("pk", filter=Q(ship_by=today))
    )

    return Dashboard(
        today=today,
        sales_today=_cents(totals["today"]),
        orders_today=totals["today_orders"],
        sales_month=_cents(totals["month"]),
        orders_month=totals["month_orders"],
        awaiting_payment=pending.order_by().count(),
        shipments_overdue=due["overdue"],
        shipments_due_today=due["due_today"],
        low_stock=levels.order_by().count(),
        chart=sales_by_day(seller=seller, since=chart_start, until=today),
    )
