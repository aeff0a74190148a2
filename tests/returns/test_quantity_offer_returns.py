"""Returning units of a 3x2: the offer's discount is spread over its units (promotions.stacking
step 2), so one returned unit gives back its paid share (a third of the two paid), never the
free unit's price, and returning the rest gives back exactly what was paid."""

from dataclasses import replace
from decimal import Decimal

import pytest

from returns.services import return_amount
from tests.factories import deliver, line_for, paid_order, received_return, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_for_two_order(warehouse, olva, customer):
    polo = stocked_variant(warehouse, sku="POLO-M")  # 59.90
    line = replace(line_for(polo, quantity=3), offer_discount=Decimal("59.90"), discount=Decimal("59.90"),
                   offer_discount_name="3x2 Polos")
    order = paid_order(lines=[line], method=olva, customer=customer, email=customer.email)
    return deliver(order)


def test_one_unit_then_the_rest(three_for_two_order, staff, warehouse):
    order = three_for_two_order
    line = order.lines.get()
    assert line.line_total == Decimal("119.80") and line.offer_discount_name == "3x2 Polos"
    first = received_return(order, staff, warehouse, units={"POLO-M": 1})
    assert return_amount(request=first) == Decimal("39.93")  # never 59.90
    rest = received_return(order, staff, warehouse, units={"POLO-M": 2})
    shipping = order.shipping_total
    assert return_amount(request=rest) - shipping == Decimal("79.87")
    assert Decimal("39.93") + Decimal("79.87") == line.line_total
