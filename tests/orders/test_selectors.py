"""An order with its details (orders.selectors.order_detail): its lines, history and shipments, each
shipment with its lines and events, read as Django's prefetches leave them, by queries compiled once."""

import pytest

from orders import selectors
from orders.models import OrderLine, OrderStatusChange
from shipping.models import ShipmentEvent, ShipmentLine
from tests.harness import compiled_models

pytestmark = pytest.mark.django_db


def test_the_details_are_what_django_reads_with_no_query_more(split_order, django_assert_num_queries):
    order = selectors.order_with_details(pk=split_order.pk)
    with django_assert_num_queries(0):
        lines, history, shipments = (
            list(order.lines.all()),
            list(order.status_changes.all()),
            list(order.shipments.all()),
        )
        legs = [(list(shipment.lines.all()), list(shipment.events.all())) for shipment in shipments]
        assert all(line.order is order for line in lines) and all(shipment.order is order for shipment in shipments)
        assert all(
            line.shipment is shipment for shipment, (leg, _) in zip(shipments, legs, strict=True) for line in leg
        )
        names = [line.order_line.product_name for leg, _ in legs for line in leg]
    assert lines == list(OrderLine.objects.filter(order=order).order_by("pk"))
    assert history == list(OrderStatusChange.objects.filter(order=order).order_by("created_at", "pk"))
    assert len(shipments) == 2  # one leg from each warehouse
    for shipment, (leg, events) in zip(shipments, legs, strict=True):
        assert leg == list(ShipmentLine.objects.filter(shipment=shipment).order_by("order_line_id", "pk"))
        assert events == list(ShipmentEvent.objects.filter(shipment=shipment).order_by("created_at", "pk"))
    assert len(names) == 2 and all(names)


def test_a_second_read_compiles_only_the_order_s_own_query(split_order, monkeypatch):
    selectors.order_with_details(pk=split_order.pk)
    compiled = compiled_models(monkeypatch)
    selectors.order_with_details(pk=split_order.pk)
    assert compiled == ["Order"]
