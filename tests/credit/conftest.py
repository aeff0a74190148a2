"""A customer's delivered order paid through the test gateway (2 polos at 59.90, 1 casaca at
129.00, 10.00 off the order, 15.00 shipping: 233.70), to return and resolve."""

from decimal import Decimal

import pytest

from credit.services import store_credit_issue
from payments.services import payment_dummy_pay, payment_method_ensure_dummy, payment_start
from returns import services as returns_services
from returns.services import ReceiveLineData, ReturnLineData
from tests.orders.conftest import line_for, make_order
from tests.returns.conftest import customer, deliver, staff, warehouse  # noqa: F401 - fixtures
from tests.shipping.conftest import olva, stocked_variant  # noqa: F401 - fixtures


@pytest.fixture
def gateway_order(warehouse, olva, customer):  # noqa: F811
    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = make_order(lines=[line_for(polo, quantity=2), line_for(casaca)], customer=customer,
                       shipping_method_id=olva.pk, discount_total=Decimal("10.00"))
    payment = payment_start(order=order, method=payment_method_ensure_dummy())
    payment_dummy_pay(payment=payment)
    order.refresh_from_db()
    return deliver(order)


def received_return(order, staff, warehouse, *, units=None, resolution="credit"):  # noqa: F811
    """A return of `units` {sku: quantity} (default: one polo), approved and received as resellable."""
    units = units or {"POLO-M": 1}
    request = returns_services.return_request_create(order=order, resolution=resolution, actor=order.customer, lines=[
        ReturnLineData(order_line_id=order.lines.get(sku=sku).pk, quantity=quantity, reason="wrong_size",
                       declared_condition="new") for sku, quantity in units.items()])
    returns_services.return_approve(request=request, actor=staff)
    returns_services.return_receive(request=request, actor=staff, lines=[
        ReceiveLineData(return_line_id=line.pk, found_condition="resellable", warehouse_id=warehouse.pk)
        for line in request.lines.all()])
    request.refresh_from_db()
    return request


@pytest.fixture
def credit(customer):  # noqa: F811
    return store_credit_issue(customer=customer, amount="100.00")
