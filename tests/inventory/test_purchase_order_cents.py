"""A purchase order whose subtotal and IGV add up to its total is saved on SQLite too, where
decimals are stored as floats (0.10 + 0.02 is not 0.12 there): the demo's first purchase order
at a believable unit cost stopped `make run` with "CHECK constraint failed: inventory_po_total_adds_up"."""

from decimal import Decimal

import pytest

from inventory import services
from tests.factories import SupplierFactory, VariantFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("unit_cost", ["0.10", "2463.55", "1187.37", "33.33"])
def test_a_purchase_order_total_to_the_cent_is_saved(unit_cost):
    order = services.purchase_order_create(
        supplier=SupplierFactory(), warehouse=WarehouseFactory(), lines=[(VariantFactory(), 1, Decimal(unit_cost))]
    )
    order.refresh_from_db()
    assert order.subtotal == Decimal(unit_cost)
    assert order.total == order.subtotal + order.igv
