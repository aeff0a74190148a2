"""What orders asks of the apps above it (core.ports): each port is plugged in by the app
that provides it, in its AppConfig.ready(), and called inside orders' own transaction."""

from accounts.models import User
from core.ports import Port

from .models import Order

# An order was paid: each seller line keeps its commission as it is now (marketplace payouts).
# Called as (order_id=); returns how many lines it snapshotted. The back office plugs it in.
commissions_snapshot: Port[[int], int] = Port("orders.commissions_snapshot")

# An order was paid: its receipt (boleta or factura) is issued for SUNAT. Called as (order_id=)
# once the order is paid and its stock taken; receipts plugs it in and issues it after commit.
receipt_issue: Port[[int], None] = Port("orders.receipt_issue")

# A paid order was cancelled: open a refund request for what each of its completed payments
# still holds (staff approve it in payments; nothing reaches a gateway here). Called as
# (order=, actor=, reason=); returns the problems staff must handle by hand. Payments plugs it in.
cancel_refunds_request: Port[[Order, User | None, str], list[str]] = Port("orders.cancel_refunds_request")

# An order that took money (paid, or partly refunded already) was cancelled: the nota de crédito
# that annuls its receipt, at once, whatever gives the money back later. Called as (order_id=);
# receipts plugs it in and issues it after commit.
cancellation_credit_note_issue: Port[[int], None] = Port("orders.cancellation_credit_note_issue")
