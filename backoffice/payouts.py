"""What the shop owes each seller for a period (Lima dates).

- sales: the seller's lines of orders paid in the period and not cancelled (IGV included, after
  discounts, no shipping);
- commission: the snapshots kept on those lines when they were paid;
- refunds: the seller's share of the refunds that succeeded in the period, and of the store credit
  and gift cards returns gave in it (those of a cancelled order, which was no sale, left out), as
  the sales' definition nets them (backoffice.selectors). A refund belongs to a
  payment, not to lines, so it is shared out in proportion to each seller's lines in the order's
  total (what is left, such as shipping, stays with the shop); the commission on that share is
  given back to the seller at the lines' own rate;
- returns: the value of the seller's units received back in the period. Shown for reconciliation
  and not deducted: the money that went back to the customer is already in refunds;
- to pay = sales − commission − refunds + commission refunded.

A fixed number of queries whatever the number of sellers, orders and refunds.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Seller
from orders.models import OrderLine, OrderStatus
from payments.models import Refund
from returns.models import ReturnLine, ReturnRequest

from .reports import paid_lines
from .selectors import _start_of

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
COLUMNS = [
    ("seller", _("Seller")),
    ("orders", _("Orders")),
    ("sales", _("Sales (PEN)")),
    ("commission", _("Commission")),
    ("refunds", _("Refunds")),
    ("commission_refunded", _("Commission refunded")),
    ("returns", _("Returned goods")),
    ("to_pay", _("To pay")),
]
AMOUNTS = ("sales", "commission", "refunds", "commission_refunded", "returns", "to_pay")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _between(field: str, since: date, until: date) -> Q:
    return Q(**{f"{field}__gte": _start_of(since), f"{field}__lt": _start_of(until + timedelta(days=1))})


def seller_payouts(*, since: date, until: date, seller: Seller | None = None) -> list[dict]:
    """One row per seller with something in the period, by store name; [] for an empty period."""
    rows: dict[int, dict] = {}

    def row(seller_id: int) -> dict:
        return rows.setdefault(seller_id, {"seller_id": seller_id, "orders": 0, **dict.fromkeys(AMOUNTS, ZERO)})

    seller_lines = OrderLine.objects.filter(seller__isnull=False)
    if seller is not None:
        seller_lines = seller_lines.filter(seller=seller)

    sales = (
        paid_lines(since=since, until=until, seller=seller)
        .filter(seller__isnull=False)
        .order_by()
        .values("seller_id")
        .annotate(
            orders=Count("order_id", distinct=True),
            sales=Sum("line_total"),
            commission=Coalesce(Sum("commission__amount"), ZERO),
        )
    )
    for group in sales:
        current = row(group["seller_id"])
        current["orders"] = group["orders"]
        current["sales"] = _cents(Decimal(group["sales"]))
        current["commission"] = _cents(Decimal(group["commission"]))

    refunds = Refund.objects.filter(
        _between("approved_at", since, until) | (Q(approved_at__isnull=True) & _between("created_at", since, until)),
        status=Refund.Status.SUCCEEDED,
    ).exclude(payment__order__status=OrderStatus.CANCELLED)  # a cancelled order is not among the sales either
    refund_rows = list(refunds.values_list("amount", "payment__order_id", "payment__order__total"))
    # What a return gave back as store credit or (a guest's) gift card un-sells the goods as a refund
    # does (the sales' definition, backoffice.selectors.refunded): shared out the same way.
    for issued in ("store_credit", "gift_card"):
        refund_rows += (
            ReturnRequest.objects.filter(_between(f"{issued}__created_at", since, until))
            .exclude(order__status=OrderStatus.CANCELLED)
            .values_list(f"{issued}__amount", "order_id", "order__total")
        )
    if refund_rows:
        # order id → [(seller id, their lines' total, their commission)]
        shares: defaultdict[int, list[tuple[int, Decimal, Decimal]]] = defaultdict(list)
        for order_id, seller_id, lines_total, lines_commission in (
            seller_lines.filter(order_id__in={order_id for _amount, order_id, _total in refund_rows})
            .order_by()
            .values("order_id", "seller_id")
            .annotate(total=Sum("line_total"), commission_total=Coalesce(Sum("commission__amount"), ZERO))
            .values_list("order_id", "seller_id", "total", "commission_total")
        ):
            shares[order_id].append((seller_id, Decimal(lines_total), Decimal(lines_commission)))
        for amount, order_id, order_total in refund_rows:
            for seller_id, total, commission in shares.get(order_id, ()):
                if not order_total or not total:
                    continue
                share = _cents(min(amount * total / order_total, total))
                current = row(seller_id)
                current["refunds"] += share
                current["commission_refunded"] += _cents(share * commission / total)

    returned = ReturnLine.objects.filter(_between("received_at", since, until), order_line__in=seller_lines)
    for seller_id, quantity, line_total, line_quantity in returned.values_list(
        "order_line__seller_id", "quantity", "order_line__line_total", "order_line__quantity"
    ):
        row(seller_id)["returns"] += _cents(Decimal(line_total) * quantity / line_quantity)

    names = dict(Seller.objects.filter(pk__in=rows).values_list("pk", "store_name")) if rows else {}
    for current in rows.values():
        current["seller"] = names.get(current["seller_id"], "")
        current["to_pay"] = (
            current["sales"] - current["commission"] - current["refunds"] + current["commission_refunded"]
        )
    return sorted(rows.values(), key=lambda current: (current["seller"].lower(), current["seller_id"]))


def totals(rows: list[dict]) -> dict:
    return {name: sum((current[name] for current in rows), start=ZERO) for name in AMOUNTS} | {
        "orders": sum(current["orders"] for current in rows)
    }
