"""Paying an order on Stripe's hosted Checkout page: start (a session per payment attempt)
and the shopper's return. The webhook (checkout.session.completed) is what normally
completes the payment; the return page checks the session too, so a shopper who comes back
first sees the order paid. Both go through services.payment_complete, which is idempotent."""

import logging

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..clients import stripe_checkout
from ..models import Payment, Provider
from .attempts import PaymentError, payment_complete

logger = logging.getLogger(__name__)


def _unavailable() -> str:
    return _("The payment gateway did not answer. Nothing was charged: try again in a moment.")


def payment_stripe_start(*, payment: Payment, success_url: str, cancel_url: str) -> str:
    """The hosted page's URL for this attempt. A gateway timeout or error closes the attempt
    as failed (the order keeps waiting, and the shopper can try again)."""
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.provider != Provider.STRIPE or payment.status != Payment.Status.PENDING:
        raise PaymentError(_("This payment attempt is already closed."))
    try:
        session = stripe_checkout.session_create(
            payment_id=payment.pk,
            order_number=payment.order.number,
            email=payment.order.email,
            amount=payment.amount,
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused or did not answer for payment %s: %s", payment.pk, error)
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
                status=Payment.Status.FAILED, completed_at=timezone.now(), failure_message=_unavailable()
            )
        raise PaymentError(_unavailable()) from None
    Payment.objects.filter(pk=payment.pk).update(gateway_reference=session.id)
    return session.url


def payment_stripe_return(*, payment: Payment, session_id: str) -> Payment:
    """The shopper is back from Stripe: complete the payment now if Stripe says it is paid
    (the webhook may not have arrived yet)."""
    if not session_id or session_id != payment.gateway_reference:
        raise PaymentError(_("That payment session does not belong to this order."))
    try:
        session = stripe_checkout.session_retrieve(session_id, payment_id=payment.pk)
    except stripe.StripeError:
        return payment  # the webhook will tell; the order page says the payment is being confirmed
    if session.payment_status == "paid" and session.amount_total is not None:
        # The payment intent, as the webhook records it: refunds are made against it.
        return payment_complete(
            payment=payment,
            amount=session.amount_total,
            currency=session.currency,
            gateway_reference=session.payment_intent or session_id,
        )
    return payment
