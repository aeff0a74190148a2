"""A paid order with a leg in each of two sellers' warehouses, for the fulfilment tests."""

import pytest

from inventory.models import Warehouse
from tests.factories import WarehouseFactory, line_for, paid_order, stocked_variant


@pytest.fixture
def seller_orders(sellers, olva):
    """One paid order with a leg in each seller's warehouse."""
    own, other = sellers
    own_wh = WarehouseFactory(code="MIO-01", seller=own, kind=Warehouse.Kind.OWN)
    other_wh = WarehouseFactory(code="AJENO-01", seller=other, kind=Warehouse.Kind.OWN)
    mine = stocked_variant(own_wh, seller=own, sku="MIO-1")
    theirs = stocked_variant(other_wh, seller=other, sku="AJENO-1")
    order = paid_order(lines=[line_for(mine), line_for(theirs)], method=olva)
    return order, order.shipments.get(warehouse=own_wh), order.shipments.get(warehouse=other_wh)
