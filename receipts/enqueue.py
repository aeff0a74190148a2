"""Receipts follow the money: a paid order gets its receipt; a succeeded refund, store credit
or a gift card given for a return and a cancelled order that took money each get the nota de crédito that reduces
or annuls it. Orders, payments and credit ask for them through their ports (receipts.apps
plugs these in), inside the transaction that moved the money: each only enqueues its task,
after commit, so a rolled-back payment issues nothing and a broker outage loses no sale. The
tasks are idempotent, and receipts.tasks.issue_missing_receipts heals a lost enqueue."""

from django.db import transaction

from . import tasks


def receipt_issue(*, order_id: int) -> None:
    transaction.on_commit(lambda: tasks.issue_receipt.delay(order_id), robust=True)


def cancellation_credit_note_issue(*, order_id: int) -> None:
    transaction.on_commit(lambda: tasks.issue_credit_note_for_cancelled_order.delay(order_id), robust=True)


def refund_credit_note_issue(*, refund_id: int) -> None:
    transaction.on_commit(lambda: tasks.issue_credit_note_for_refund.delay(refund_id), robust=True)


def return_credit_note_issue(*, return_id: int) -> None:
    transaction.on_commit(lambda: tasks.issue_credit_note_for_return.delay(return_id), robust=True)
