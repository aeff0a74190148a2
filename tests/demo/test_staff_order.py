"""The demo's WhatsApp order: taken by the demo support user for a guest and paid; once."""

from decimal import Decimal

import pytest

from demo.shipping import load_demo_shipping
from demo.staff_orders import DEMO_STAFF_EMAIL, load_demo_staff_order
from orders.models import Order, OrderChannel, OrderStatus
from payments.services import payment_method_ensure_test_gateway
from tests.factories import ProductFactory, UserFactory, VariantFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


def test_the_demo_whatsapp_order_is_taken_by_support_paid_and_made_once(django_capture_on_commit_callbacks):
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    warehouse = WarehouseFactory(code="LIM-CENTRAL", priority=1)
    for index in range(25):
        variant = VariantFactory(sku=f"DEMO-{index}", product=ProductFactory(base_price=Decimal("40.00") + index))
        stock(variant, warehouse, 10)
    assert load_demo_staff_order() is None  # no support user yet: nothing is made
    lucia = UserFactory(email=DEMO_STAFF_EMAIL, is_staff=True, first_name="Lucía", last_name="Flores")

    with django_capture_on_commit_callbacks(execute=True):
        number = load_demo_staff_order()
    order = Order.objects.get(number=number)
    assert order.channel == OrderChannel.WHATSAPP and order.taken_by == lucia and order.customer is None
    assert order.status == OrderStatus.PAID and order.lines.count() == 2
    assert order.shipping_address["district"] == "Santiago de Surco"

    assert load_demo_staff_order() == number
    assert Order.objects.count() == 1
