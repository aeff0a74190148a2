"""Hooks for side effects of store credit.

store_credit_issued(sender=StoreCredit, credit)
    A store credit was issued for a return (the sale is reduced: receipts issues its nota de
    crédito). Sent inside the issuing transaction; receivers enqueue with transaction.on_commit.
"""

from django.dispatch import Signal

store_credit_issued = Signal()
