"""Paying an order with Mercado Pago Checkout Pro: start (a preference per payment attempt,
external_reference = our payment's id; the shopper pays on Mercado Pago's page with a card,
Yape or PagoEfectivo) and the shopper's return. The return and the webhook both read the
payment back from Mercado Pago's API before anything is trusted, and both go through
services.payment_complete / payment_fail, which are idempotent (a refreshed return page or a
repeated notification changes nothing) and check amount and currency against the order."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..clients import mercadopago_checkout as mp
from ..models import Payment, Provider, Refund
from .attempts import PaymentError, payment_complete, payment_fail, payment_wait, refund_record

logger = logging.getLogger(__name__)

FAILED_STATUSES = ("rejected", "cancelled")


def _unavailable() -> str:
    return _("Mercado Pago did not answer or reported an error. Nothing was charged: try again in a moment.")


def _declined() -> str:
    return _(
        "Mercado Pago declined the payment. Nothing was charged: try again with another card or choose another "
        "payment method."
    )


def payment_mercadopago_start(*, payment: Payment, return_url: str, cancel_url: str, notification_url: str) -> str:
    """The Checkout Pro URL for this attempt. A refusal or an outage closes the attempt as
    failed (the order keeps waiting; the shopper can try again)."""
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.provider != Provider.MERCADOPAGO or payment.status != Payment.Status.PENDING:
        raise PaymentError(_("This payment attempt is already closed."))
    try:
        preference_id, url = mp.preference_create(
            payment_id=payment.pk,
            order_number=payment.order.number,
            amount=payment.amount,
            currency=payment.currency,
            email=payment.order.email,
            return_url=return_url,
            cancel_url=cancel_url,
            notification_url=notification_url,
        )
    except mp.MercadoPagoError as error:
        logger.warning("Mercado Pago preference for payment %s not created: %s", payment.pk, error)
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
                status=Payment.Status.FAILED, completed_at=timezone.now(), failure_message=_unavailable()[:255]
            )
        raise PaymentError(_unavailable()) from None
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(gateway_reference=preference_id)
    return url


def payment_mercadopago_apply(*, payment: Payment, mp_payment: mp.MercadoPagoPayment) -> Payment:
    """Apply what Mercado Pago's API says about one of our attempts."""
    if mp_payment.status == "approved" or (
        mp_payment.status in ("refunded", "charged_back")
        and payment.status in (Payment.Status.PENDING, Payment.Status.WAITING)
    ):
        if mp_payment.amount is None:
            raise PaymentError(_unavailable())
        payment = payment_complete(
            payment=payment,
            amount=mp_payment.amount,
            currency=mp_payment.currency,
            gateway_reference=mp_payment.id,
            card_brand=mp_payment.payment_method,
            card_last4=mp_payment.last_four,
        )
    elif mp_payment.status in FAILED_STATUSES:
        payment = payment_fail(payment=payment, message=_declined())
    elif mp_payment.waits_for_payment and mp_payment.waiting_until is not None:
        # A PagoEfectivo/ticket (or Yape pending approval) to pay later: the attempt and the order wait.
        payment = payment_wait(
            payment=payment,
            code=mp_payment.waiting_code,
            expires_at=mp_payment.waiting_until,
            instructions_url=mp_payment.waiting_url,
        )
    if payment.status == Payment.Status.SUCCEEDED:
        for refund_id, amount, status in mp_payment.refunds:
            refund_record(
                payment=payment,
                amount=amount,
                gateway_reference=refund_id,
                status=Refund.Status.SUCCEEDED if status == "approved" else Refund.Status.APPROVED,
            )
    return payment


def payment_mercadopago_return(*, payment: Payment, mp_payment_id: str) -> Payment:
    """The shopper is back from Checkout Pro with a payment id: read it back and apply it. A
    finished attempt is returned unchanged; a payment of another attempt is refused."""
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        return payment
    if not mp_payment_id or not mp_payment_id.isdigit():
        return payment  # back without a payment (e.g. "pending" with no id yet): the webhook completes it
    try:
        mp_payment = mp.payment_get(mp_payment_id=mp_payment_id, payment_id=payment.pk)
    except mp.MercadoPagoError as error:
        logger.warning("Mercado Pago payment %s not read back: %s", mp_payment_id, error)
        return payment  # still pending; the webhook (verified, read back too) completes it
    if mp_payment.external_reference != str(payment.pk):
        raise PaymentError(_("That Mercado Pago payment does not belong to this order."))
    payment = payment_mercadopago_apply(payment=payment, mp_payment=mp_payment)
    if payment.status == Payment.Status.FAILED:
        raise PaymentError(payment.failure_message or _declined())
    return payment


def payment_mercadopago_refund(*, refund: Refund) -> str:
    """An approved refund (payments.services.refunds) through Mercado Pago; its refund id."""
    payment = refund.payment
    try:
        refund_id, status = mp.refund_create(
            mp_payment_id=payment.gateway_reference, amount=refund.amount, refund_id=refund.pk, payment_id=payment.pk
        )
    except mp.MercadoPagoError as error:
        raise PaymentError(f"Mercado Pago: {error}") from None
    if status not in ("approved", "in_process", "authorized"):
        raise PaymentError(f"Mercado Pago: {status}")
    return refund_id
