"""Ports (core.ports): the calls a lower app makes into an app above it, plugged in at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from catalog import ports as catalog_ports
from core.ports import Port
from inventory import selectors as stock
from orders import ports as orders_ports
from orders import selectors as order_selectors
from orders import services as order_services
from promotions import ports as promotions_ports
from shipping import ports as shipping_ports

# Each port and the function the app above must have plugged into it.
EXPECTED = [
    (catalog_ports.availability_by_variant, stock.availability_by_variant),
    (catalog_ports.bundle_availability, stock.bundle_availability),
    (catalog_ports.product_in_stock, stock.product_in_stock),
    (promotions_ports.buyer_has_ordered, order_selectors.buyer_has_ordered),
    (shipping_ports.order_lock, order_services.order_lock),
    (shipping_ports.order_follow_shipments, order_services.order_follow_shipments),
]


def test_every_declared_port_is_plugged_in_at_start_up():
    from backoffice.services import order_commissions_snapshot
    from payments.services.refunds import order_cancel_refunds_request
    from receipts import ports as receipts_ports
    from returns.selectors import return_goods_for_receipt

    expected = [*EXPECTED, (orders_ports.commissions_snapshot, order_commissions_snapshot),
                (orders_ports.cancel_refunds_request, order_cancel_refunds_request),
                (receipts_ports.return_goods, return_goods_for_receipt)]
    assert {port.name for port, _ in expected} == {port.name for port in Port.declared}
    for port, function in expected:
        assert port._function is function, port


def test_a_port_with_nothing_plugged_in_fails_loudly():
    port = Port("tests.nothing")
    try:
        with pytest.raises(ImproperlyConfigured, match="tests.nothing"):
            port(1)
        port.plug(lambda value: value * 2)
        assert port(21) == 42
    finally:
        Port.declared.remove(port)


def test_a_port_call_raises_what_the_plugged_function_raises():
    port = Port("tests.raises")
    try:
        port.plug(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            port()
    finally:
        Port.declared.remove(port)
