from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.roles import Role
from orders import services
from orders.models import Order, OrderStatus
from tests.factories import (
    ProductFactory,
    UserFactory,
    VariantFactory,
    line_for,
    make_order,
    ship_everything,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def support(db):
    user = UserFactory()
    account_services.user_add_role(user=user, role=Role.SUPPORT)
    return user


def changelist_queries(client, url=CHANGELIST) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_is_flat(client, superuser, variant):
    client.force_login(superuser)
    make_order(variant=variant)
    changelist_queries(client)  # warm the session, permissions and content-type caches
    few = changelist_queries(client)
    for i in range(25):
        make_order(email=f"c{i}@example.pe", variant=variant)
    assert changelist_queries(client) == few


def test_search_and_filters(client, superuser, variant):
    client.force_login(superuser)
    buyer = UserFactory(dni="45678912")
    by_dni = make_order(customer=buyer, variant=variant)
    by_ruc = make_order(
        email="empresa@example.pe",
        variant=variant,
        customer_document="20100070970",
        customer_legal_name="Comercial Andina S.A.C.",
    )
    paid = make_order(email="pagado@example.pe", variant=variant)
    services.order_payment_record(order=paid)

    def found(**params):
        return {o.pk for o in client.get(CHANGELIST, params).context["cl"].result_list}

    assert found(q=by_dni.number) == {by_dni.pk}
    assert found(q="45678912") == {by_dni.pk}
    assert found(q="20100070970") == {by_ruc.pk}
    assert found(q="empresa@") == {by_ruc.pk}
    assert found(status__exact="paid") == {paid.pk}
    assert found(payment_status__exact="unpaid") == {by_dni.pk, by_ruc.pk}


def test_change_page_shows_lines_history_and_snapshots(client, superuser, order):
    client.force_login(superuser)
    response = client.get(f"{CHANGELIST}{order.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert order.lines.get().sku in page and "Jr. Junín 123" in page and "S/ 63.27" in page
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_actions_go_through_the_transitions_and_report_refusals(client, superuser, variant):
    client.force_login(superuser)
    paid = make_order(email="a@example.pe", variant=variant)
    services.order_payment_record(order=paid)
    unpaid = make_order(email="b@example.pe", variant=variant)

    response = client.post(
        CHANGELIST, {"action": "mark_processing", "_selected_action": [paid.pk, unpaid.pk]}, follow=True
    )

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PROCESSING
    assert Order.objects.get(pk=unpaid.pk).status == OrderStatus.PENDING_PAYMENT
    assert any(unpaid.number in m for m in messages)
    assert any("1" in m for m in messages)
    assert Order.objects.get(pk=paid.pk).status_changes.last().actor == superuser


def test_cancel_action_and_shipped_orders_are_refused(client, support, variant):
    client.force_login(support)
    open_order = make_order(email="a@example.pe", variant=variant)
    shipped = make_order(email="b@example.pe", variant=variant)
    services.order_payment_record(order=shipped)
    ship_everything(shipped)

    response = client.post(
        CHANGELIST, {"action": "cancel_orders", "_selected_action": [open_order.pk, shipped.pk]}, follow=True
    )

    assert Order.objects.get(pk=open_order.pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=shipped.pk).status == OrderStatus.SHIPPED
    assert any(shipped.number in str(m) and "devolución" in str(m) for m in response.context["messages"])


def test_the_order_admin_no_longer_ships_or_delivers(client, superuser, variant):
    """Shipping happens per shipment (the shipments admin); the order only follows."""
    client.force_login(superuser)
    paid = make_order(email="a@example.pe", variant=variant)
    services.order_payment_record(order=paid)
    response = client.get(CHANGELIST)
    actions = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert "mark_shipped" not in actions and "mark_delivered" not in actions
    client.post(CHANGELIST, {"action": "mark_shipped", "_selected_action": [paid.pk]})
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID


class TestSellerScope:
    def test_a_seller_sees_only_orders_with_their_lines_and_only_those_lines(self, client, sellers):
        own, other = sellers
        mine = VariantFactory(product=ProductFactory(seller=own, base_price=Decimal("10")), sku="MIO-1")
        theirs = VariantFactory(product=ProductFactory(seller=other, base_price=Decimal("20")), sku="AJENO-1")
        mixed = make_order(lines=[line_for(mine), line_for(mine, quantity=2), line_for(theirs)])
        only_theirs = make_order(email="x@example.pe", lines=[line_for(theirs)])
        client.force_login(own.user)

        listed = [o.pk for o in client.get(CHANGELIST).context["cl"].result_list]
        assert listed == [mixed.pk]  # once, although it has two of the seller's lines
        assert client.get(f"{CHANGELIST}{only_theirs.pk}/change/").status_code in (302, 404)
        page = client.get(f"{CHANGELIST}{mixed.pk}/change/").content.decode()
        assert "MIO-1" in page and "AJENO-1" not in page
        # The order's totals include another seller's line: a seller does not see them.
        assert "field-number" in page and "field-seller_delivery_display" in page
        assert "field-total" not in page and "field-subtotal" not in page and "field-email" not in page

        lines = client.get("/admin/orders/orderline/").context["cl"].result_list
        assert sorted(line.sku for line in lines) == ["MIO-1", "MIO-1"]


def test_the_order_page_in_the_back_office_shows_each_discount_source(client, superuser):
    from dataclasses import replace

    variant = VariantFactory(product=ProductFactory(base_price=Decimal("200.00")))
    line = replace(
        line_for(variant, quantity=1),
        discount=Decimal("50.00"),
        automatic_discount=Decimal("30.00"),
        automatic_discount_name="Semana del Hogar",
        kit_discount=Decimal("17.00"),
        kit_name="Kit Sala",
        kit_discount_percent=Decimal("10"),
        coupon_discount=Decimal("3.00"),
    )
    order = make_order(lines=[line], coupon_code="VERANO10")
    client.force_login(superuser)
    page = client.get(f"{CHANGELIST}{order.pk}/change/").content.decode()
    for text in ("S/ 50.00", "Semana del Hogar: −S/ 30.00", "Kit Sala (−10 %): −S/ 17.00", "Cupón VERANO10: −S/ 3.00"):
        assert text in page
