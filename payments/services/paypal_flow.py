"""Paying an order with PayPal Orders v2: start (a PayPal order per payment attempt, the
shopper approves it on PayPal's page) and the shopper's return (the store captures the
approved order). The PAYMENT.CAPTURE.* webhooks report the same outcomes; both paths go
through services.payment_complete / payment_fail, which are idempotent, and
payment_complete checks the captured amount and currency against the order. Refunds of a
capture go through payments.services.refunds (requested, approved by an administrator), which calls
clients.paypal_orders.capture_refund."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..clients import paypal_orders
from ..models import Payment, Provider
from .attempts import PaymentError, payment_complete, payment_fail

logger = logging.getLogger(__name__)


def _unavailable() -> str:
    return _("PayPal did not answer or reported an error. Nothing was charged: try again in a moment.")


def _refused() -> str:
    return _("PayPal could not take this payment. Nothing was charged: try again or choose another payment method.")


def _unconfirmed() -> str:
    return _(
        "PayPal did not confirm the payment. If it was charged, your order is updated automatically in a few "
        "minutes; otherwise try again."
    )


def _declined() -> str:
    return _(
        "PayPal declined the payment. Nothing was charged: try again with another card or account, or choose "
        "another payment method."
    )


def _close_failed(payment: Payment, message: str) -> None:
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, completed_at=timezone.now(), failure_message=message[:255]
        )


def payment_paypal_start(*, payment: Payment, return_url: str, cancel_url: str) -> str:
    """The URL where the shopper approves this attempt's PayPal order. A gateway timeout,
    error or refusal closes the attempt as failed (the order keeps waiting, and the shopper
    can try again)."""
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.provider != Provider.PAYPAL or payment.status != Payment.Status.PENDING:
        raise PaymentError(_("This payment attempt is already closed."))
    try:
        paypal_order_id, approve_url = paypal_orders.order_create(
            payment_id=payment.pk,
            order_number=payment.order.number,
            amount=payment.amount,
            currency=payment.currency,
            return_url=return_url,
            cancel_url=cancel_url,
        )
    except paypal_orders.PayPalError as error:
        logger.warning("PayPal order for payment %s not created: %s", payment.pk, error)
        message = _unavailable() if error.unavailable else _refused()
        _close_failed(payment, message)
        raise PaymentError(message) from None
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(gateway_reference=paypal_order_id)
    return approve_url


def payment_paypal_return(*, payment: Payment, token: str) -> Payment:
    """The shopper approved the order on PayPal and is back: capture it. Only the PayPal
    order this attempt created (token = its id) is captured; a finished attempt is returned
    unchanged (a refresh of the return page changes nothing)."""
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        return payment
    if not token or token != payment.gateway_reference:
        raise PaymentError(_("That PayPal payment does not belong to this order."))
    try:
        result = paypal_orders.order_capture(paypal_order_id=token, payment_id=payment.pk)
    except paypal_orders.PayPalError as error:
        logger.warning("PayPal capture for payment %s failed: %s", payment.pk, error)
        # The webhook (PAYMENT.CAPTURE.COMPLETED) still completes it if PayPal did capture.
        message = _unconfirmed() if error.unavailable else _refused()
        payment_fail(payment=payment, message=message)
        raise PaymentError(message) from None
    if result.status == "COMPLETED" and result.amount is not None:
        return payment_complete(
            payment=payment,
            amount=result.amount,
            currency=result.currency,
            gateway_reference=result.capture_id or token,
        )
    if result.status in ("DECLINED", "FAILED"):
        payment = payment_fail(payment=payment, message=_declined())
        raise PaymentError(_declined())
    return payment  # PENDING (e.g. under review): the PAYMENT.CAPTURE.COMPLETED webhook completes it
