"""One definition of a sale (issue 45, item 5): the admin's "Ventas de hoy", `manage.py sales_report`
and the sales report page give the same figure and order count on the same data: goods of orders paid
and not cancelled, IGV included, net of what went back for them; shipping and gift cards sold are
not sales, and each page says so."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice import selectors
from credit.services.gift_cards import (
    gift_card_details_clean,
    gift_card_issue,
    gift_card_issue_for_return,
    gift_card_spend,
)
from orders import services as order_services
from orders.models import Order
from payments.models import Payment, Refund
from payments.services.refunds import refund_approve, refund_request
from returns.services import ReturnLineData, return_request_create
from tests.factories import UserFactory, deliver, line_for, make_order, pay, stocked_variant

pytestmark = pytest.mark.django_db
URL = "/admin/reports/sales/"


@pytest.fixture
def day(warehouse, olva, customer):
    """Today's paid orders: goods with shipping; goods paid partly with a gift card; an order of
    gift cards only; goods partly refunded; goods cancelled after payment (refunded in full); a
    guest's goods, part of which came back on a gift card for a return; and one order never paid."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    polo = stocked_variant(warehouse, sku="POLO-M", price="100.00")
    casaca = stocked_variant(warehouse, sku="CASACA-L", price="200.00")

    def goods(*lines, **extra):
        return make_order(lines=list(lines), shipping_method_id=olva.pk, **extra)

    plain = goods(line_for(polo))  # 100 + shipping
    pay(plain)
    card = gift_card_issue(
        actor=admin,
        amount="150",
        recipient_name="Rosa",
        recipient_email="rosa@example.pe",
        sender_name="Kallpa",
        reason="Cortesía",
    )
    with_card = goods(line_for(casaca))  # 200 + shipping, 150 of it with the card
    gift_card_spend(code=card.code, order=with_card, amount="150.00")
    pay(with_card)
    cards_only = order_services.order_create_for_gift_cards(
        customer=customer,
        email=customer.email,
        idempotency_key="gc",
        cards=[
            gift_card_details_clean(
                amount="300",
                recipient_name="Lucía",
                recipient_email="lucia@example.pe",
                sender_name="Rosa",
                deliver_on=timezone.localdate(),
            )
        ],
    )
    order_services.order_payment_record(order=cards_only)
    refunded = goods(line_for(polo, quantity=2))  # 200 + shipping, 50 given back
    pay(refunded)
    payment = Payment.objects.get(order=refunded, status=Payment.Status.SUCCEEDED)
    refund_approve(
        refund=refund_request(payment=payment, amount="50.00", reason="Compensación", actor=admin), actor=admin
    )
    cancelled = goods(line_for(casaca))
    pay(cancelled)
    cancelled = order_services.order_cancel(order=cancelled, actor=admin, reason="Sin stock", by_customer=False)
    for pending in Refund.objects.filter(payment__order=cancelled, status=Refund.Status.REQUESTED):
        refund_approve(refund=pending, actor=admin)
    guest = goods(line_for(polo))  # a guest's: a return gave 40 back on a new gift card
    pay(guest)
    deliver(Order.objects.get(pk=guest.pk))
    request = return_request_create(
        order=guest,
        lines=[
            ReturnLineData(
                order_line_id=guest.lines.get().pk, quantity=1, reason="changed_mind", declared_condition="new"
            )
        ],
    )
    gift_card_issue_for_return(return_request=request, amount="40.00", email=guest.email, name="Invitada")
    goods(line_for(polo))  # never paid
    return {"admin": admin, "orders": [plain, with_card, refunded, guest], "cards_only": cards_only}


def expected(day) -> tuple[Decimal, int]:
    """Goods (the lines) of the paid orders not cancelled, less what went back for them, shared over the
    lines by their weight in the order's total."""
    total = Decimal("0")
    back = {day["orders"][2].pk: Decimal("50.00"), day["orders"][3].pk: Decimal("40.00")}
    for order in day["orders"]:
        order = Order.objects.get(pk=order.pk)
        lines = sum((line.line_total for line in order.lines.all()), Decimal("0"))
        total += lines - back.get(order.pk, Decimal("0")) * lines / order.total
    return total.quantize(Decimal("0.01")), len(day["orders"])


def test_the_dashboard_the_command_and_the_page_count_the_same_sales(day, client):
    amount, orders = expected(day)
    today = timezone.localdate().isoformat()

    figures = selectors.dashboard()
    assert (figures.sales_today, figures.orders_today) == (amount, orders)
    assert (figures.chart[-1].total, figures.chart[-1].orders) == (amount, orders)

    out = StringIO()
    call_command("sales_report", "--by", "day", "--from", today, "--to", today, "--format", "json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert (Decimal(row["sales"]), row["orders"]) == (amount, orders)

    client.force_login(day["admin"])
    page = client.get(URL, {"by": "day", "date_from": today, "date_to": today, "format": "html"})
    assert page.status_code == 200
    assert [(r["orders"], r["sales"]) for r in page.context["rows"]] == [(orders, amount)]
    html = page.content.decode()
    assert f"S/ {amount:,.2f}" in html and "<table" in html


def test_each_page_says_what_a_sale_counts(day, client):
    client.force_login(day["admin"])
    index = client.get("/admin/").content.decode()
    report = client.get(URL).content.decode()
    for html in (index, report):
        assert "sin envío" in html and "tarjetas de regalo" in html


def test_the_report_page_shows_its_table_by_default_and_still_downloads(day, client):
    client.force_login(day["admin"])
    first = client.get(URL)
    assert first.status_code == 200 and first.context["rows"] is not None and "<table" in first.content.decode()
    today = timezone.localdate().isoformat()
    download = client.get(URL, {"by": "seller", "date_from": today, "date_to": today, "format": "csv"})
    assert download["Content-Type"].startswith("text/csv")


def test_a_sellers_payout_takes_off_what_a_return_gave_back_in_store_credit_as_its_dashboard_does(
    gateway_order, staff, warehouse
):
    """Money given back as store credit for a return un-sells the goods for the seller too: the payout's
    refunds carry it, so the seller's dashboard (net sales) and payouts (sales - refunds) agree."""
    from accounts.models import Seller
    from backoffice.payouts import seller_payouts
    from credit.models import StoreCredit
    from orders.models import OrderLine
    from returns.services import return_resolve
    from tests.factories import SellerFactory, received_return

    seller = SellerFactory(ruc="20100070970", store_name="Andes Tech", slug="andes-tech")
    OrderLine.objects.filter(order=gateway_order).update(seller=seller)
    return_resolve(request=received_return(gateway_order, staff, warehouse, resolution="credit"), actor=staff)
    credit = StoreCredit.objects.get(return_request__order=gateway_order)
    today = timezone.localdate()
    [row] = seller_payouts(since=today, until=today, seller=Seller.objects.get(pk=seller.pk))
    goods = sum((line.line_total for line in gateway_order.lines.all()), Decimal("0"))
    share = (credit.amount * goods / gateway_order.total).quantize(Decimal("0.01"))
    assert row["refunds"] == share
    assert selectors.dashboard(seller=seller).sales_today == row["sales"] - row["refunds"]


def test_the_sales_cards_open_the_orders_they_count(day, client):
    # They opened every order paid that day: the gift cards' order and the cancelled one too.
    import re
    from html import unescape

    client.force_login(day["admin"])
    index = client.get("/admin/").content.decode()
    for card in ("today", "month"):
        url = (
            unescape(re.search(r'<a href="([^"]+)" class="bo-card bo-card--sales">', index).group(1))
            if card == "today"
            else unescape(re.findall(r'<a href="([^"]+)" class="bo-card bo-card--sales">', index)[1])
        )
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert {o.pk for o in listed.context["cl"].result_list} == {o.pk for o in day["orders"]}


def test_a_sales_filter_that_names_no_day_is_refused_cleanly(day, client):
    client.force_login(day["admin"])
    answer = client.get("/admin/orders/order/", {"sold": "ayer"})
    assert answer.status_code == 302 and "e=1" in answer["Location"]
