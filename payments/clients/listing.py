"""What a gateway's own list of a day's money says, in one shape for every gateway: the payments it
captured and the refunds it made. Each client's listing function (stripe_checkout.day_list,
paypal_orders.day_list, mercadopago_checkout.day_list, culqi.day_list) returns a GatewayDay;
reconciliation compares it with the store's rows. Only money that moved is listed: a declined,
pending or cancelled attempt took nothing."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ListedPayment:
    reference: str  # as the store records it in Payment.gateway_reference
    amount: Decimal
    currency: str
    created_at: datetime
    store_payment_id: int | None = None  # the attempt id the store sent along, when the gateway keeps it


@dataclass(frozen=True)
class ListedRefund:
    reference: str  # as the store records it in Refund.gateway_reference
    payment_reference: str  # the payment it gives money back from (Payment.gateway_reference)
    amount: Decimal
    currency: str
    created_at: datetime


@dataclass(frozen=True)
class GatewayDay:
    payments: tuple[ListedPayment, ...] = field(default=())
    refunds: tuple[ListedRefund, ...] = field(default=())


def attempt_id(value: object) -> int | None:
    """The store's attempt id sent as metadata, custom_id or external_reference (digits), else None."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
