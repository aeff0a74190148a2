"""What the cart asks of the apps above it (core.ports), plugged in at start-up by checkout
(checkout.apps), which sits above the cart, orders and payments."""

from dataclasses import dataclass
from datetime import datetime

from core.ports import port


@dataclass(frozen=True)
class UnpaidOrder:
    """An order of the shopper's still waiting for payment: its number, where it is paid, and when
    its window closes (its held units are released then)."""

    number: str
    pay_url: str
    deadline: datetime


@port
def unpaid_order(*, order_id: int) -> UnpaidOrder | None:
    """The order whose holds count toward a purchase limit, while it can still be paid; None once
    it is paid, cancelled or past its window. The cart's refusal then says to pay it."""
