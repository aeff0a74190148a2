"""Hooks for side effects of payments.

refund_succeeded(sender=Refund, refund)
    A refund reached SUCCEEDED (approved and made by the gateway, or reported by its webhook).
    Sent inside the transaction that recorded it; receivers enqueue their work with
    transaction.on_commit (receipts issues the nota de crédito).
"""

from django.dispatch import Signal

refund_succeeded = Signal()
