"""Hooks for the side effects of an order's life cycle (stock, refunds).

Both signals are sent INSIDE the transaction of the service that changed the order,
after the status change was written: a receiver's writes commit or roll back together
with it, and a receiver that raises undoes the whole change (the service call fails
with that exception). Receivers must therefore be quick, write only the database, and
leave slow or external work (gateway refunds, e-mails) to tasks they enqueue with
transaction.on_commit.

order_paid(sender=Order, order, previous_status)
    The order moved to PAID (orders.services.order_mark_paid). Inventory converts the
    order's reservations into sale movements.

order_cancelled(sender=Order, order, previous_status, by_customer)
    The order moved to CANCELLED (orders.services.order_cancel, including the unpaid-order
    timeout). Inventory releases active reservations, or returns stock through movements
    when it was already sold (previous_status is PAID or PROCESSING); payments requests a
    refund when order.payment_status is PAID.
"""

from django.dispatch import Signal

order_paid = Signal()
order_cancelled = Signal()
