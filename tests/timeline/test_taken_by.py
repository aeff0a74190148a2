"""The timeline of an order staff took on WhatsApp or the phone says who took it (staff only)."""

import pytest

from orders import ports
from orders.models import Order, OrderChannel
from orders.timeline import Audience
from tests.factories import UserFactory, WarehouseFactory, line_for, make_order, stocked_variant

pytestmark = pytest.mark.django_db


def taken_order(channel: str, taken_by) -> Order:
    order = make_order(lines=[line_for(stocked_variant(WarehouseFactory(), sku=f"T-{channel}"))])
    Order.objects.filter(pk=order.pk).update(channel=channel, taken_by=taken_by)
    order.refresh_from_db()
    return order


def titles(order, audience=Audience.STAFF) -> list[str]:
    return [event.title for event in ports.order_timeline(order=order, audience=audience)]


def test_staff_read_who_took_the_order_and_how():
    lucia = UserFactory(first_name="Lucía", last_name="Ramos", is_staff=True)
    whatsapp = taken_order(OrderChannel.WHATSAPP, lucia)
    assert titles(whatsapp)[:2] == ["Pedido realizado", "Pedido tomado por Lucía Ramos por WhatsApp"]
    event = ports.order_timeline(order=whatsapp, audience=Audience.STAFF)[1]
    assert event.who == "Lucía Ramos"
    assert "Pedido tomado por Lucía Ramos por teléfono" in titles(taken_order(OrderChannel.PHONE, lucia))


def test_the_customer_and_web_orders_have_no_such_event():
    order = taken_order(OrderChannel.WHATSAPP, UserFactory(is_staff=True))
    assert not any("tomado" in title for title in titles(order, Audience.CUSTOMER))
    web = make_order(lines=[line_for(stocked_variant(WarehouseFactory(), sku="T-WEB"))])
    assert not any("tomado" in title for title in titles(web))
