"""Receipts follow the money: a paid order gets its receipt; a succeeded refund, store credit
or a gift card given for a return and a cancelled order that took money each get the nota de crédito that reduces
or annuls it. Orders, payments and credit ask for them through their ports (receipts.apps
plugs these in), inside the transaction that moved the money: each only enqueues its task,
after commit (core.enqueue), so a rolled-back payment issues nothing and a broker outage loses no
sale. The tasks are idempotent, and receipts.tasks.issue_missing_receipts heals a lost enqueue."""

from core import enqueue


def receipt_issue(*, order_id: int) -> None:
    enqueue.on_commit("receipts.tasks.issue_receipt", order_id)


def cancellation_credit_note_issue(*, order_id: int) -> None:
    enqueue.on_commit("receipts.tasks.issue_credit_note_for_cancelled_order", order_id)


def refund_credit_note_issue(*, refund_id: int) -> None:
    enqueue.on_commit("receipts.tasks.issue_credit_note_for_refund", refund_id)


def return_credit_note_issue(*, return_id: int) -> None:
    enqueue.on_commit("receipts.tasks.issue_credit_note_for_return", return_id)


def receipt_send(*, receipt_id: int) -> None:
    """The receipt to SUNAT (its task's registered name is older than its function's)."""
    enqueue.on_commit("receipts.tasks.send_receipt", receipt_id)


def receipt_email(*, receipt_id: int) -> None:
    enqueue.on_commit("receipts.tasks.email_receipt", receipt_id)
