"""Real threads against PostgreSQL: two staff members take an order for the shop's last unit at
the same moment (one on WhatsApp, one on the phone): one order is placed, the other is told the
product ran out, and the stock adds up."""

from decimal import Decimal

import pytest
from django.db import connection

from checkout.services import CheckoutError
from checkout.staff_orders import staff_order_place
from demo.shipping import load_demo_shipping
from inventory.models import Reservation, StockLevel
from orders.models import Order, OrderChannel
from shipping.models import ShippingMethod
from tests.factories import LIMA, ProductFactory, VariantFactory, WarehouseFactory, ledger_mismatches, stock
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_staff_order_emails_in_threads(monkeypatch):
    """Eager tasks from several threads share a process-wide flag: the e-mail is not what this is about."""
    from orders.tasks import send_order_email

    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)


def test_two_staff_orders_for_the_last_unit_make_one_order(staff_member):
    load_demo_shipping()
    variant = VariantFactory(sku="PONCHO-U", product=ProductFactory(name="Poncho Andino", base_price=Decimal("89.00")))
    stock(variant, WarehouseFactory(code="LIM", priority=1), 1)
    method = ShippingMethod.objects.get(code="olva-lima")
    channels = [OrderChannel.WHATSAPP, OrderChannel.PHONE]

    def take(index: int) -> Order:
        return staff_order_place(
            taken_by=staff_member,
            channel=channels[index],
            email=f"cliente{index}@example.pe",
            phone="987654321",
            lines=[("PONCHO-U", "1")],
            address_data=dict(LIMA),
            shipping_method_id=method.pk,
            document_type="",
            document="",
            legal_name="",
            coupon_code="",
            key=f"staff-{index:032x}",
        )

    results, errors = run_in_threads(take, 2)

    assert len(results) == 1 and len(errors) == 1, (results, errors)
    assert isinstance(errors[0], CheckoutError) and "Poncho Andino" in str(errors[0])
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert Reservation.objects.active().filter(order_id=order.pk).count() == 1
    assert not Reservation.objects.active().exclude(order_id=order.pk).exists()
    level = StockLevel.objects.with_availability().get(variant=variant)
    assert level.on_hand == 1 and level.available_units == 0
    assert ledger_mismatches() == []
