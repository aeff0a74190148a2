"""A paid order cancelled by the customer or staff opens its refund request itself (staff still
approve it in payments); only what is still refundable is requested."""

from decimal import Decimal

import pytest

from orders.models import PaymentStatus
from orders.services import order_cancel
from payments.models import Refund
from payments.selectors import refundable_amount
from payments.services.refunds import refund_request
from tests.factories import UserFactory, paid

pytestmark = pytest.mark.django_db


def test_staff_cancel_of_a_paid_order_requests_the_whole_refund():
    payment = paid()
    staff = UserFactory(is_staff=True)
    order = order_cancel(order=payment.order, actor=staff, reason="Sin stock del proveedor", by_customer=False)
    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.amount, refund.requested_by) == (Refund.Status.REQUESTED, payment.amount, staff)
    assert order.number in refund.reason and "Sin stock del proveedor" in refund.reason
    assert order.needs_attention and order.payment_status == PaymentStatus.PAID  # money moves only on approval
    assert refundable_amount(payment=payment) == Decimal("0.00")


def test_customer_cancel_requests_only_what_is_left():
    payment = paid()
    customer = payment.order.customer or UserFactory()
    refund_request(payment=payment, amount="10.00", reason="Compensación", actor=None)
    order_cancel(order=payment.order, actor=customer, reason="", by_customer=True)
    amounts = sorted(Refund.objects.filter(payment=payment).values_list("amount", flat=True))
    assert amounts == sorted([Decimal("10.00"), payment.amount - Decimal("10.00")])
    assert sum(amounts) == payment.amount


def test_unpaid_order_cancel_requests_nothing():
    from tests.factories import make_guest_order as make_order

    order = make_order()
    order_cancel(order=order, actor=None, reason="", by_customer=False)
    assert not Refund.objects.exists()
