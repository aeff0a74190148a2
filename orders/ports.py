"""What orders asks of the apps above it (core.ports): each port is plugged in by the app
that provides it, in its AppConfig.ready(), and called inside orders' own transaction."""

from core.ports import Port

# A paid order was cancelled: open a refund request for what each of its completed payments
# still holds (staff approve it in payments; nothing reaches a gateway here). Called as
# (order=, actor=, reason=); returns the problems staff must handle by hand. Payments plugs it in.
cancel_refunds_request: Port[..., list[str]] = Port("orders.cancel_refunds_request")

# An order was paid: each seller line keeps its commission as it is now (marketplace payouts).
# Called as (order_id=); returns how many lines it snapshotted. The back office plugs it in.
commissions_snapshot: Port[..., int] = Port("orders.commissions_snapshot")
