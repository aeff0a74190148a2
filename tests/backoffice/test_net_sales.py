"""Net sales: the dashboard, every grouping of the sales report and the sellers' payouts count
what was paid, minus cancelled orders and the money refunded, and each total reconciles with
the orders and refunds behind it (computed here straight from those rows)."""

import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import services as account_services
from backoffice import selectors
from backoffice.payouts import seller_payouts
from backoffice.reports import GROUPINGS, sales_report
from orders import services as order_services
from orders.models import Order, OrderStatus
from payments.models import Payment, Refund
from payments.services.refunds import refund_approve, refund_request
from tests.factories import (
    SHIPPING_ADDRESS,
    CategoryFactory,
    SellerFactory,
    UserFactory,
    line_for,
    make_order,
    pay,
    seller_variant,
)
from tests.harness import shared_by_module

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def refund(order, amount: str, admin) -> None:
    payment = Payment.objects.get(order=order, status=Payment.Status.SUCCEEDED)
    refund_approve(refund=refund_request(payment=payment, amount=amount, reason="Devolución", actor=admin), actor=admin)


@shared_by_module
def ledger():
    admin = UserFactory(is_staff=True, is_superuser=True)
    own = SellerFactory(ruc="20100070970", store_name="Tejidos Vicús", slug="vicus")
    other = SellerFactory(ruc="10467793549", store_name="Andes Tech", slug="andes")
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=admin)
        seller.user.refresh_from_db()
    chompa = seller_variant(own, sku="VIC-CHO", price="100.00")
    audifonos = seller_variant(other, sku="AND-AUD", price="40.00")
    chompa.product.category = CategoryFactory(name="Chompas")
    chompa.product.save()
    audifonos.product.category = CategoryFactory(name="Audífonos")
    audifonos.product.save()

    mixed = make_order(lines=[line_for(chompa), line_for(audifonos, quantity=2)])  # 100 + 80 + 15 = 195
    pay(mixed)
    refund(mixed, "39.00", admin)  # partly refunded: 20.00 of the chompa, 16.00 of the audífonos
    cancelled = make_order(lines=[line_for(audifonos)])  # 40 + 15, Cusco
    Order.objects.filter(pk=cancelled.pk).update(shipping_address={**SHIPPING_ADDRESS, "department": "08"})
    pay(cancelled)
    cancelled = order_services.order_cancel(order=cancelled, actor=admin, reason="Sin stock", by_customer=False)
    for pending in Refund.objects.filter(payment__order=cancelled, status=Refund.Status.REQUESTED):
        refund_approve(refund=pending, actor=admin)
    returned = make_order(lines=[line_for(chompa)])  # 115, all of it given back (unshipped: that cancels it)
    pay(returned)
    refund(returned, "115.00", admin)
    yesterday = make_order(lines=[line_for(chompa, quantity=2)])  # 200 + 15
    pay(yesterday)
    Order.objects.filter(pk=yesterday.pk).update(paid_at=timezone.now() - timedelta(days=1))
    make_order(lines=[line_for(chompa)])  # never paid
    return {"admin": admin, "own": own, "other": other, "cancelled": cancelled}


def from_the_ledger(*, seller=None) -> tuple[Decimal, Decimal]:
    """(order totals, their lines) of paid orders not cancelled, less their succeeded refunds: the
    refunds shared out over the lines by their weight in the order total."""
    totals = lines_net = Decimal("0")
    for order in Order.objects.filter(paid_at__isnull=False).exclude(status=OrderStatus.CANCELLED):
        refunded = sum(
            (r.amount for r in Refund.objects.filter(payment__order=order, status=Refund.Status.SUCCEEDED)),
            Decimal("0"),
        )
        lines = order.lines.filter(seller=seller) if seller is not None else order.lines.all()
        lines_total = sum((line.line_total for line in lines), Decimal("0"))
        totals += order.total - refunded
        lines_net += lines_total - refunded * lines_total / order.total
    return totals.quantize(CENT, ROUND_HALF_UP), lines_net.quantize(CENT, ROUND_HALF_UP)


def test_every_report_reconciles_with_the_orders_and_refunds(ledger):
    assert ledger["cancelled"].status == OrderStatus.CANCELLED
    assert Refund.objects.filter(payment__order=ledger["cancelled"], status=Refund.Status.SUCCEEDED).exists()
    today = timezone.localdate()
    since = today - timedelta(days=5)
    _order_totals, lines_net = from_the_ledger()
    # 195 - 39 = 156 of lines 180 - 36 = 144; 115 - 115 = 0; 215 of lines 200; the cancelled one: nothing.
    assert lines_net == Decimal("344.00")
    for by in GROUPINGS:
        rows = sales_report(by=by, since=since, until=today)
        assert sum(row["sales"] for row in rows) == lines_net, by
    by_seller = {row["key"]: row["sales"] for row in sales_report(by="seller", since=since, until=today)}
    assert by_seller == {
        "Tejidos Vicús": from_the_ledger(seller=ledger["own"])[1],
        "Andes Tech": from_the_ledger(seller=ledger["other"])[1],
    }
    assert by_seller == {"Tejidos Vicús": Decimal("280.00"), "Andes Tech": Decimal("64.00")}
    by_region = {row["key"]: row for row in sales_report(by="region", since=since, until=today)}
    assert "Cusco" not in by_region  # its only order was cancelled
    by_category = {row["key"]: row["sales"] for row in sales_report(by="category", since=since, until=today)}
    assert by_category == {"Chompas": Decimal("280.00"), "Audífonos": Decimal("64.00")}
    by_day = {row["key"]: row["sales"] for row in sales_report(by="day", since=since, until=today)}
    assert by_day == {(today - timedelta(days=1)).isoformat(): Decimal("200.00"), today.isoformat(): Decimal("144.00")}


def test_the_dashboard_counts_net_sales(ledger):
    _order_totals, lines_net = from_the_ledger()
    figures = selectors.dashboard()
    # The goods as the sales report counts them (one definition): 144 + 0 + 200, no shipping.
    assert sum(day.total for day in figures.chart) == lines_net == Decimal("344.00")
    assert figures.sales_today == Decimal("144.00")
    # The mixed order; not the cancelled one, nor the one refunded in full before it shipped (cancelled by it).
    assert figures.orders_today == 1
    own = selectors.dashboard(seller=ledger["own"])
    assert sum(day.total for day in own.chart) == from_the_ledger(seller=ledger["own"])[1] == Decimal("280.00")
    assert own.sales_today == Decimal("80.00")  # the chompa of the mixed order, less its share of the refund


def test_the_dashboard_drops_when_an_order_is_refunded(ledger):
    before = selectors.dashboard().sales_today
    order = make_order(lines=[line_for(ledger["own"].products.get().variants.get())])
    pay(order)  # 100 of goods + 15 of shipping
    assert selectors.dashboard().sales_today == before + Decimal("100.00")
    refund(order, "46.00", ledger["admin"])  # shared over the lines by their weight in the total: 40 of the goods
    assert selectors.dashboard().sales_today == before + Decimal("60.00")


def test_payouts_leave_the_cancelled_order_out(ledger):
    today = timezone.localdate()
    rows = {row["seller"]: row for row in seller_payouts(since=today - timedelta(days=5), until=today)}
    andes = rows["Andes Tech"]
    # Only the mixed order's audífonos: the cancelled order is neither a sale nor a refund to share.
    assert (andes["orders"], andes["sales"], andes["refunds"]) == (1, Decimal("80.00"), Decimal("16.00"))


def test_reports_default_to_the_last_30_days(ledger):
    out = StringIO()
    call_command("sales_report", "--by", "seller", "--format", "json", stdout=out)
    assert {row["key"]: row["sales"] for row in json.loads(out.getvalue())} == {
        "Tejidos Vicús": "280.00",
        "Andes Tech": "64.00",
    }
    out = StringIO()
    call_command("seller_payouts", "--format", "json", stdout=out)
    assert {row["seller"] for row in json.loads(out.getvalue())} == {"Tejidos Vicús", "Andes Tech"}


def test_a_return_paid_back_in_store_credit_leaves_the_net_sales(gateway_order, staff, warehouse):
    """Store credit given for returned units un-sells them as a refund does."""
    from credit.models import StoreCredit
    from returns.services import return_resolve
    from tests.factories import received_return

    def net() -> Decimal:
        lines = selectors.sold_lines().filter(order=gateway_order).annotate(net=selectors.net_line_total())
        return sum((line.net for line in lines), Decimal("0")).quantize(CENT, ROUND_HALF_UP)

    goods = sum((line.line_total for line in gateway_order.lines.all()), Decimal("0"))
    assert net() == goods
    return_resolve(request=received_return(gateway_order, staff, warehouse, resolution="credit"), actor=staff)
    credit = StoreCredit.objects.get(return_request__order=gateway_order)
    assert net() == (goods - credit.amount * goods / gateway_order.total).quantize(CENT, ROUND_HALF_UP)
