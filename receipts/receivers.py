"""Receipts follow payments: a paid order gets its receipt, a succeeded refund or a return its credit
note, a cancelled paid order the note that annuls it.
The receivers run inside the paying (or refunding) transaction and only enqueue, after commit;
the tasks are idempotent and receipts.tasks.issue_missing_receipts heals a lost enqueue."""

from django.db import transaction
from django.dispatch import receiver

from credit.signals import store_credit_issued
from orders.models import PaymentStatus
from orders.signals import order_cancelled, order_paid
from payments.signals import refund_succeeded


@receiver(order_paid, dispatch_uid="receipts.issue_on_paid")
def issue_on_paid(sender, order, **kwargs) -> None:
    from .tasks import issue_receipt

    order_id = order.pk
    transaction.on_commit(lambda: issue_receipt.delay(order_id), robust=True)


@receiver(refund_succeeded, dispatch_uid="receipts.credit_note_on_refund")
def credit_note_on_refund(sender, refund, **kwargs) -> None:
    from .tasks import issue_credit_note_for_refund

    refund_id = refund.pk
    transaction.on_commit(lambda: issue_credit_note_for_refund.delay(refund_id), robust=True)


@receiver(store_credit_issued, dispatch_uid="receipts.credit_note_on_store_credit")
def credit_note_on_store_credit(sender, credit, **kwargs) -> None:
    """Store credit for a return reduces the sale as a refund does (the refund path has its own receiver)."""
    from .tasks import issue_credit_note_for_store_credit

    credit_id = credit.pk
    transaction.on_commit(lambda: issue_credit_note_for_store_credit.delay(credit_id), robust=True)


@receiver(order_cancelled, dispatch_uid="receipts.credit_note_on_cancelled_order")
def credit_note_on_cancelled_order(sender, order, **kwargs) -> None:
    """A cancelled paid order is annulled at once, whatever gives its money back later."""
    from .tasks import issue_credit_note_for_cancelled_order

    if order.payment_status == PaymentStatus.UNPAID:
        return
    order_id = order.pk
    transaction.on_commit(lambda: issue_credit_note_for_cancelled_order.delay(order_id), robust=True)
