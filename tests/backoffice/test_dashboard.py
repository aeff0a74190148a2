"""The dashboard on the admin index: figures, links, a seller's own business only, flat queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice import selectors
from orders.models import Order
from shipping.models import Shipment
from tests.factories import (
    UserFactory,
    line_for,
    make_order,
    seller_variant,
)
from tests.factories import (
    paid_order_days_ago as paid_order,
)
from tests.harness import warm_site_settings

pytestmark = pytest.mark.django_db
INDEX = "/admin/"


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def test_figures_for_the_whole_shop(superuser, sellers):
    own, other = sellers
    mine = seller_variant(own, sku="MIO-1", price="100.00", units=3, minimum=5)  # low stock
    theirs = seller_variant(other, sku="AJENO-1", price="50.00")
    today_order = paid_order(line_for(mine), line_for(theirs, quantity=2))
    paid_order(line_for(theirs), days_ago=3)
    make_order(lines=[line_for(theirs)])  # awaiting payment
    leg = today_order.shipments.order_by("pk").first()
    Shipment.objects.filter(pk=leg.pk).update(ship_by=timezone.localdate() - timedelta(days=2))

    figures = selectors.dashboard()
    # A sale is the goods (the lines), without shipping (backoffice.selectors).
    assert figures.sales_today == Decimal("200.00") == today_order.total - today_order.shipping_total
    assert figures.orders_today == 1
    week_ago = Order.objects.exclude(pk=today_order.pk).filter(paid_at__isnull=False).get()
    assert figures.chart[-1].total == Decimal("200.00") and figures.chart[-4].total == Decimal("50.00")
    assert week_ago.total == Decimal("50.00") + week_ago.shipping_total
    assert len(figures.chart) == 30 and sum(day.orders for day in figures.chart) == 2
    assert figures.awaiting_payment == 1
    assert figures.shipments_overdue == 1
    assert figures.low_stock == 1


def test_a_seller_sees_only_their_own_business(client, sellers):
    """IDOR: seller A's dashboard never counts seller B's lines, legs or stock."""
    own, other = sellers
    mine = seller_variant(own, sku="MIO-1", price="100.00")
    theirs = seller_variant(other, sku="AJENO-1", price="50.00", units=2, minimum=10)
    mixed = paid_order(line_for(mine), line_for(theirs, quantity=2))
    paid_order(line_for(theirs))
    make_order(lines=[line_for(theirs)])  # another seller's unpaid order
    Shipment.objects.filter(order=mixed).update(ship_by=timezone.localdate() - timedelta(days=1))

    figures = selectors.dashboard(seller=own)
    assert figures.sales_today == Decimal("100.00") and figures.orders_today == 1
    assert figures.sales_month == Decimal("100.00") and figures.chart[-1].total == Decimal("100.00")
    assert figures.awaiting_payment == 0
    assert figures.shipments_overdue == 1  # only their own leg of the mixed order
    assert figures.low_stock == 0  # the other seller's low stock is not theirs

    client.force_login(own.user)
    page = client.get(INDEX).content.decode()
    assert "S/ 100.00" in page and "S/ 200.00" not in page and "S/ 215.00" not in page
    other_figures = selectors.dashboard(seller=other)
    assert other_figures.sales_today == Decimal("150.00") and other_figures.low_stock == 1


def test_index_shows_figures_linking_to_filtered_lists(client, superuser, sellers):
    own, _other = sellers
    order = paid_order(line_for(seller_variant(own, sku="MIO-1", price="80.00")))
    client.force_login(superuser)
    response = client.get(INDEX)
    page = response.content.decode()
    today = timezone.localdate()
    assert response.status_code == 200
    assert "S/ 80.00" in page and f"S/ {order.total:.2f}" not in page  # the goods, without shipping
    assert f"/admin/orders/order/?sold={today.isoformat()}" in page
    assert "/admin/orders/order/?status__exact=pending_payment" in page
    assert "/admin/shipping/shipment/?overdue=yes" in page
    assert "/admin/inventory/stocklevel/?state=below_min" in page
    assert f'data-day="{today.isoformat()}"' in page
    assert "<script" not in page.split('id="content"')[1].split("</main>")[0]
    assert 'style="' not in page
    # Each link opens a filtered list, not the admin's "invalid lookup" redirect.
    for url in [
        f"/admin/orders/order/?sold={today.isoformat()}",
        f"/admin/orders/order/?sold={today:%Y-%m}",
        "/admin/shipping/shipment/?overdue=yes",
        "/admin/inventory/stocklevel/?state=below_min",
    ]:
        listed = client.get(url)
        assert listed.status_code == 200, url
    listed = client.get(f"/admin/orders/order/?sold={today.isoformat()}").context["cl"].result_list
    assert [o.pk for o in listed] == [order.pk]


def test_a_user_without_a_role_sees_no_figures(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    page = client.get(INDEX).content.decode()
    assert "bo-dashboard" not in page


@pytest.mark.parametrize("who", ["staff", "seller"])
def test_index_query_count_is_flat(client, django_assert_num_queries, superuser, sellers, who):
    own, _other = sellers
    variant = seller_variant(own, sku="MIO-1", price="10.00", units=1000, minimum=2000)
    user = superuser if who == "staff" else own.user

    def count_for() -> int:
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        warm_site_settings()  # as a running store has them cached: the count measures the page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDEX).status_code == 200
        return len(queries)

    paid_order(line_for(variant))
    make_order(lines=[line_for(variant)])
    one = count_for()
    for index in range(99):
        paid_order(line_for(variant), days_ago=index % 30)
        if index % 3 == 0:
            make_order(lines=[line_for(variant)])
    seller_variant(own, sku="MIO-2", price="5.00", units=1, minimum=3)
    with django_assert_num_queries(one):
        assert client.get(INDEX).status_code == 200
