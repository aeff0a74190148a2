"""A customer's delivered order (2 units of a polo, 1 casaca) to return lines of."""

import pytest

from shipping import services as shipping_services
from tests.factories import UserFactory, WarehouseFactory
from tests.orders.conftest import line_for
from tests.shipping.conftest import olva, operator, paid_order, stocked_variant  # noqa: F401 - fixtures

__all__ = ["olva", "operator"]


def deliver(order):
    for shipment in order.shipments.order_by("pk"):
        shipping_services.shipment_ship(shipment=shipment, tracking_number="40061123")
        shipping_services.shipment_deliver(shipment=shipment)
    order.refresh_from_db()
    return order


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="LIM-CENTRAL", priority=1)


@pytest.fixture
def customer(db):
    return UserFactory(email="rosa@example.pe")


@pytest.fixture
def delivered_order(warehouse, olva, customer):  # noqa: F811
    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = paid_order(lines=[line_for(polo, quantity=2), line_for(casaca)], method=olva, customer=customer,
                       email=customer.email)
    return deliver(order)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


def many_requests(warehouse, olva, customer, count):  # noqa: F811
    """A delivered order of `count` units with one single-unit return request per unit."""
    from returns.services import ReturnLineData, return_request_create

    variant = stocked_variant(warehouse, units=count + 5, sku=f"MEDIAS-{count}")
    order = deliver(paid_order(lines=[line_for(variant, quantity=count)], method=olva, customer=customer,
                               email=customer.email))
    line = order.lines.get()
    return [return_request_create(order=order, lines=[ReturnLineData(
        order_line_id=line.pk, quantity=1, reason="changed_mind", declared_condition="new")], actor=customer)
        for _ in range(count)]
