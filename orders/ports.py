"""What orders asks of the apps above it (core.ports): each port is plugged in by the app
that provides it, in its AppConfig.ready(), and called inside orders' own transaction."""

from accounts.models import User
from core.ports import port

from .models import Order
from .timeline import TimelineEvent


@port
def commissions_snapshot(*, order_id: int) -> int:
    """An order was paid: each seller line keeps its commission as it is now (marketplace
    payouts); how many lines were snapshotted. The back office plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def receipt_issue(*, order_id: int) -> None:
    """An order was paid and its stock taken: its receipt (boleta or factura) is issued for SUNAT.
    Receipts plugs it in and issues the receipt after commit."""


@port
def cancel_refunds_request(*, order: Order, actor: User | None, reason: str) -> list[str]:
    """A paid order was cancelled: open a refund request for what each of its completed payments
    still holds (staff approve it in payments; nothing reaches a gateway here). Returns the
    problems staff must handle by hand. Payments plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def cancel_payment_attempts_close(*, order: Order, reason: str) -> int:
    """An order was cancelled (expired unpaid, by its shopper or by staff): its payment attempts
    still pending end abandoned, saying why, so none stays pending for ever (a capture a gateway
    reports later is still kept and its refund proposed). How many were closed. Payments plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def cancellation_credit_note_issue(*, order_id: int) -> None:
    """An order that took money (paid, or partly refunded already) was cancelled: the nota de
    crédito that annuls its receipt, at once, whatever gives the money back later. Receipts
    plugs it in and issues the note after commit."""


@port
def order_timeline(*, order: Order, audience: str, seller_id: int | None = None) -> list[TimelineEvent]:
    """Every event of the order, oldest first, as `audience` (orders.timeline.Audience) may see it:
    the admin order page (staff, or a seller scoped to `seller_id`) and the customer's order page
    (the shopper's wording, no internal notes or gateway data). Read from the rows the apps keep
    (status changes, e-mails, payments, refunds, receipts, shipments, returns, store credit,
    coupon, staff notes). The timeline app plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in
