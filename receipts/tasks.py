"""Thin Celery wrappers around receipts' services."""

import logging
from typing import TypedDict

from celery import shared_task
from django.db import OperationalError

from core.once import send_once

from . import emails, selectors, services
from .sending import SendUnavailable

logger = logging.getLogger(__name__)
SEND_MAX_RETRIES = 8


@shared_task(name="receipts.tasks.issue_receipt", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def issue_receipt(order_id: int) -> str:
    """Issue a paid order's receipt (idempotent). A refusal is logged; the sweep reports it."""
    try:
        return services.receipt_issue_for_order(order_id=order_id).full_number
    except services.ReceiptError as error:
        logger.warning("Receipt for order %s not issued: %s", order_id, error)
        return ""


def _credit_note(issue, cause: str) -> str:
    """Run one credit-note service; a refusal is logged (the sweep reports it again)."""
    try:
        note = issue()
    except services.ReceiptError as error:
        logger.warning("Credit note for %s not issued: %s", cause, error)
        return ""
    return note.full_number if note else ""


class _TaskOptions(TypedDict):
    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    max_retries: int


NOTE_TASK: _TaskOptions = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="receipts.tasks.issue_credit_note_for_refund", **NOTE_TASK)
def issue_credit_note_for_refund(refund_id: int) -> str:
    return _credit_note(lambda: services.credit_note_for_refund(refund_id=refund_id), f"refund {refund_id}")


@shared_task(name="receipts.tasks.issue_credit_note_for_return", **NOTE_TASK)
def issue_credit_note_for_return(return_id: int) -> str:
    return _credit_note(lambda: services.credit_note_for_return(return_id=return_id), f"return {return_id}")


# Tasks queued by an earlier release (store credit for a return) still carry this name.
@shared_task(name="receipts.tasks.issue_credit_note_for_store_credit", **NOTE_TASK)
def issue_credit_note_for_store_credit(store_credit_id: int) -> str:
    return _credit_note(
        lambda: services.credit_note_for_store_credit(store_credit_id=store_credit_id),
        f"store credit {store_credit_id}",
    )


@shared_task(name="receipts.tasks.issue_credit_note_for_cancelled_order", **NOTE_TASK)
def issue_credit_note_for_cancelled_order(order_id: int) -> str:
    return _credit_note(
        lambda: services.credit_note_for_cancelled_order(order_id=order_id), f"cancelled order {order_id}"
    )


# Registered under its former name, which tasks already queued before the rename still carry.
@shared_task(name="receipts.tasks.send_receipt", bind=True, max_retries=SEND_MAX_RETRIES)
def submit_to_sunat(self, receipt_id: int) -> str:
    """Send to SUNAT/OSE (or ask it first, after a send whose answer was lost); an outage or
    SUNAT's "not received" is retried with backoff (1 min, 2, 4 ... up to 2 h). When the retries
    run out the receipt keeps its status (sent or exception) and the sweep tries again later."""
    try:
        return services.receipt_send(receipt_id=receipt_id).send_status
    except (SendUnavailable, OperationalError) as error:
        if self.request.retries >= self.max_retries:
            logger.warning("Receipt %s not answered by SUNAT after %s tries: %s", receipt_id, self.max_retries, error)
            return selectors.receipt_send_status(receipt_id=receipt_id)
        raise self.retry(exc=error, countdown=min(60 * 2**self.request.retries, 2 * 60 * 60)) from error


@shared_task(name="receipts.tasks.email_receipt")
def email_receipt(receipt_id: int) -> bool:
    """The receipt (PDF attached) to the buyer, once."""
    return send_once(
        claim=services.receipt_email_claim(receipt_id=receipt_id),
        send=lambda: emails.deliver_receipt(receipt_id=receipt_id),
    )


@shared_task(name="receipts.tasks.issue_missing_receipts")
def issue_missing_receipts() -> int:
    """The sweep (core.jobs, every 15 minutes): receipts for paid orders (and credit notes for refunds) whose task was lost."""
    issued, problems = services.receipts_issue_missing()
    for problem in problems:
        logger.warning("Receipt not issued: %s", problem)
    return issued
