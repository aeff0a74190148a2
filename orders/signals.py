"""Side-effect-only hooks on an order's life cycle (electronic receipts, caches, analytics).

Nothing in the order flow depends on a receiver: stock, shipments, refund requests and the
shopper's e-mails are explicit calls in orders.services (see its docstring). Both signals are
sent at the end of the service that changed the order, after all of its writes, still INSIDE
its transaction: a receiver's writes commit or roll back with it, and a receiver that raises
undoes the whole change. Receivers must therefore be quick, write only the database, and leave
slow or external work (sending a receipt to SUNAT, e-mails) to tasks they enqueue with
transaction.on_commit.

order_paid(sender=Order, order, previous_status)
    The order moved to PAID (orders.services.order_mark_paid); its stock is sold and its
    shipments exist (unless the order was flagged because the stock could not be taken).

order_cancelled(sender=Order, order, previous_status, by_customer)
    The order moved to CANCELLED (orders.services.order_cancel, including the unpaid-order
    timeout); its shipments are cancelled, its stock is back, and a paid order is flagged
    for its refund.
"""

from django.dispatch import Signal

order_paid = Signal()
order_cancelled = Signal()
