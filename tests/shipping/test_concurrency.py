"""Two operators shipping one leg at the same moment ship it once (row locks, real threads)."""

import pytest
from django.db import connection

from orders.models import OrderStatus
from shipping import services
from shipping.exceptions import ShipmentError
from shipping.models import ShipmentEvent, ShipmentStatus
from tests.factories import UserFactory
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this checks: PostgreSQL only")


@pytest.fixture(autouse=True)
def _no_eager_tasks_in_threads(monkeypatch):
    # Eager tasks from several threads share a process-wide flag (tests/orders/test_concurrency.py).
    from orders.tasks import send_order_email

    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)


def test_two_operators_ship_one_leg_once(split_order):
    leg = split_order.shipments.order_by("pk").first()
    operators = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    numbers = ["40061123", "40061999"]

    def ship(index):
        return services.shipment_ship(shipment=leg.pk, actor=operators[index], tracking_number=numbers[index]).pk

    results, errors = run_in_threads(ship, 2)

    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ShipmentError)
    leg.refresh_from_db()
    assert leg.status == ShipmentStatus.SHIPPED and leg.tracking_number in numbers
    assert ShipmentEvent.objects.filter(shipment=leg, to_status=ShipmentStatus.SHIPPED).count() == 1
    assert ShipmentEvent.objects.filter(shipment=leg, to_status=ShipmentStatus.PACKED).count() == 1
    split_order.refresh_from_db()
    assert split_order.status == OrderStatus.PARTIALLY_SHIPPED
    assert split_order.status_changes.filter(to_status=OrderStatus.PARTIALLY_SHIPPED).count() == 1


def test_shipping_and_cancelling_at_once_never_leave_a_shipped_leg_on_a_cancelled_order(split_order):
    from orders.services import order_cancel

    leg = split_order.shipments.order_by("pk").first()

    def work(index):
        if index == 0:
            return services.shipment_ship(shipment=leg.pk, tracking_number="40061123").status
        return order_cancel(order=split_order, actor=None, reason="carrera", by_customer=False).status

    results, errors = run_in_threads(work, 2)

    assert len(results) + len(errors) == 2 and len(errors) == 1
    split_order.refresh_from_db()
    leg.refresh_from_db()
    if split_order.status == OrderStatus.CANCELLED:
        assert leg.status == ShipmentStatus.CANCELLED
    else:
        assert split_order.status == OrderStatus.PARTIALLY_SHIPPED and leg.status == ShipmentStatus.SHIPPED
