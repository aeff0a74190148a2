"""Reads about payments made later (a PagoEfectivo CIP paid at an agent or from a bank app): the
code an order waits for, for the order page, its voucher and its e-mail, and the test gateway's
demo agent that looks a code up. (Kept apart from selectors.py while Culqi's work changes it.)"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.urls import reverse

from orders.models import Order, OrderStatus

from .models import Payment, Provider

# A CIP is eight digits (PagoEfectivo's own codes; the test gateway draws its own the same way).
CIP_DIGITS = 8


@dataclass(frozen=True)
class WaitingPayment:
    """What the shopper needs to pay later: the code, the amount, until when, and where."""

    payment: Payment
    code: str
    amount: Decimal
    expires_at: datetime
    method_name: str
    instructions_url: str
    is_test: bool  # the store's test gateway: "paid" at the demo agent page

    @property
    def code_groups(self) -> str:
        """The code in groups of four, as agents read it aloud."""
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


def order_waiting_payment(order: Order) -> WaitingPayment | None:
    """The attempt an order awaiting payment waits on (the latest with a code), or None. One query."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return None
    payment = (
        Payment.objects.filter(order_id=order.pk, status=Payment.Status.WAITING)
        .exclude(pay_code="")
        .select_related("method")
        .order_by("-pk")
        .first()
    )
    if payment is None:
        return None
    deadline = order.payment_deadline()
    expires_at = min(payment.pay_code_expires_at or deadline, deadline)
    is_test = payment.provider == Provider.TEST
    return WaitingPayment(
        payment=payment,
        code=payment.pay_code,
        amount=payment.amount,
        expires_at=expires_at,
        method_name=payment.method.name,
        instructions_url=reverse("testgateway:agent") if is_test else payment.pay_instructions_url,
        is_test=is_test,
    )


def payment_waiting_for_test_cip(code: str) -> Payment | None:
    """The test gateway's attempt waiting to be paid with this CIP (the demo agent), or None."""
    return (
        Payment.objects.filter(provider=Provider.TEST, pay_code=code, status=Payment.Status.WAITING)
        .select_related("order", "method")
        .first()
    )
