"""The stock ledger and the reservations name the order a row belongs to by its number
("Pedido PED-20261125-0007"), never by its database id, in flat queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Movement, Reservation
from orders.models import Order
from tests.factories import UserFactory, VariantFactory, WarehouseFactory, line_for, make_order, pay, stock

pytestmark = pytest.mark.django_db


def _sold_order() -> Order:
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(lines=[line_for(variant)])
    pay(order)
    return order


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_ledger_and_the_holds_name_the_order_by_its_number(staff):
    order = _sold_order()
    sale = Movement.objects.get(kind=Movement.Kind.SALE, reference_id=order.pk)
    assert Reservation.objects.filter(order_id=order.pk).exists()

    movements = staff.get("/admin/inventory/movement/").content.decode()
    holds = staff.get("/admin/inventory/reservation/").content.decode()

    assert order.number in movements and order.number in holds
    assert f"{sale.get_reference_type_display()} {order.pk}<" not in movements
    assert '<td class="field-order">PED-' in holds


@pytest.mark.parametrize("url", ["/admin/inventory/movement/", "/admin/inventory/reservation/"])
def test_naming_the_orders_costs_no_query_per_row(staff, url):
    _sold_order()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        return len(queries)

    count()
    one = count()
    for _ in range(4):
        _sold_order()
    count()
    assert count() == one


def test_a_movement_and_a_hold_opened_alone_name_their_order_too(staff):
    order = _sold_order()
    sale = Movement.objects.get(kind=Movement.Kind.SALE, reference_id=order.pk)
    hold = Reservation.objects.get(order_id=order.pk)

    for url in (f"/admin/inventory/movement/{sale.pk}/change/", f"/admin/inventory/reservation/{hold.pk}/change/"):
        page = staff.get(url).content.decode()
        assert order.number in page, url
        assert "field-reference_id" not in page and "field-order_id" not in page, url  # the raw ids
