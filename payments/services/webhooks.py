"""Storing and processing the gateways' webhook events (services; the views and the task are
thin). An event is stored once per (provider, event id) and processed once, under its row
lock; each (provider, type) has a handler that calls the generic payment services."""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import retry_countdown

from .. import enqueue
from ..models import Payment, Provider, Refund, WebhookEvent
from .attempts import PaymentNotReady, gateway_reported_at, payment_complete, payment_fail, refund_record

logger = logging.getLogger(__name__)

# A gateway's decoded JSON object, as it sent it: its handlers read it defensively.
JSONObject: TypeAlias = dict[str, Any]


WEBHOOK_MAX_ATTEMPTS = 9


class RetryableWebhookError(Exception):
    """The event cannot be applied yet (it arrived before the one it depends on): retry later,
    after `countdown` seconds (set by webhook_event_process, which records that time on the event)."""

    countdown: float = 0


class WebhookPayloadError(Exception):
    """The event does not carry what its handler needs, or names no known payment."""


def webhook_event_store(
    *, provider: str, event_id: str, event_type: str, payload: JSONObject, raw_body: str
) -> tuple[WebhookEvent, bool]:
    """Store a verified event once; (event, created). A new event is enqueued for processing
    when the transaction commits; a replay is not."""
    with transaction.atomic():
        event, created = WebhookEvent.objects.get_or_create(
            provider=provider,
            event_id=event_id[:255],
            defaults={"event_type": event_type[:100], "payload": payload, "raw_body": raw_body},
        )
        if created:
            # robust: the event is stored; a broker outage must not turn the answer into a 500
            # (staff can reprocess it from the admin).
            enqueue.webhook_event_process(event_id=event.pk)
    return event, created


def webhook_retry_countdown(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` attempts: 30 s, 1 min, 2 min ... up to an hour."""
    return retry_countdown(attempts - 1, base=settings.WEBHOOK_RETRY_BASE_SECONDS, cap=60 * 60)


def webhook_event_process(*, event_id: int) -> WebhookEvent:
    """Apply a stored event once. Processed and ignored events are left alone; a failed one is
    tried again (staff's reprocess). Raises RetryableWebhookError when it must wait: the event
    stays received, records why and when it is due again (next_attempt_at, which the sweep reads
    if the retry is lost); after WEBHOOK_MAX_ATTEMPTS attempts it is failed for staff instead."""
    retry: RetryableWebhookError | None = None
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED):
            return event
        event.attempts += 1
        handler = HANDLERS.get((event.provider, event.event_type))
        try:
            with transaction.atomic(), gateway_reported_at(event.received_at):
                applied = handler(event.payload) if handler else False
        except (RetryableWebhookError, PaymentNotReady, OperationalError) as error:
            event.last_error = str(error)
            if event.attempts >= WEBHOOK_MAX_ATTEMPTS:
                event.status = WebhookEvent.Status.FAILED  # the retries are exhausted: staff reprocess it
            else:
                retry = RetryableWebhookError(str(error))
                retry.countdown = webhook_retry_countdown(event.attempts)
                event.status = WebhookEvent.Status.RECEIVED
                event.next_attempt_at = timezone.now() + timedelta(seconds=retry.countdown)
        except Exception as error:  # a bad payload or a refusal: staff look at it
            logger.warning("Webhook event %s (%s) failed", event.pk, event.event_type, exc_info=True)
            event.status, event.last_error = WebhookEvent.Status.FAILED, f"{type(error).__name__}: {error}"
        else:
            event.status = WebhookEvent.Status.PROCESSED if applied else WebhookEvent.Status.IGNORED
            event.last_error, event.processed_at = "", timezone.now()
        event.save(update_fields=["status", "attempts", "last_error", "processed_at", "next_attempt_at"])
    if retry is not None:
        raise retry
    return event


def webhook_events_overdue(cutoff: datetime) -> QuerySet[WebhookEvent]:
    """Received events that were due before `cutoff`: never tried (their enqueue was lost) or
    waiting for a retry that was lost (a worker or Redis restart). For core.jobs' sweep."""
    return WebhookEvent.objects.filter(status=WebhookEvent.Status.RECEIVED, next_attempt_at__lt=cutoff)


# --- helpers -----------------------------------------------------------------------------


def _money(value: object, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError) as error:
        raise WebhookPayloadError(f"bad {field}: {value!r}") from error


def _payment_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _find_payment(provider: str, *, references: Iterable[str | None] = (), payment_id: object = None) -> Payment | None:
    """The attempt named by a gateway reference (session, intent, order or capture id) or by
    our own payment id carried in the event's metadata."""
    known = [ref for ref in references if ref]
    query = Q(gateway_reference__in=known) if known else Q(pk__in=[])
    if _payment_id(payment_id):
        query |= Q(pk=_payment_id(payment_id))
    return Payment.objects.filter(query, provider=provider).order_by("pk").first()


def _require(payment: Payment | None, what: str) -> Payment:
    if payment is None:
        raise WebhookPayloadError(f"no payment for {what}")
    return payment


# --- Stripe ------------------------------------------------------------------------------


def _stripe_object(payload: JSONObject) -> JSONObject:
    obj = (payload.get("data") or {}).get("object")
    if not isinstance(obj, dict):
        raise WebhookPayloadError("no data.object")
    return obj


def _stripe_session_payment(session: JSONObject) -> Payment | None:
    metadata = session.get("metadata") or {}
    return _find_payment(
        Provider.STRIPE,
        references=[session.get("id"), session.get("payment_intent")],
        payment_id=metadata.get("payment_id") or session.get("client_reference_id"),
    )


def stripe_checkout_completed(payload: JSONObject) -> bool:
    session = _stripe_object(payload)
    payment = _require(_stripe_session_payment(session), f"session {session.get('id')}")
    if session.get("payment_status") not in (None, "paid", "no_payment_required"):
        return False  # an asynchronous method still settling: a later event completes it
    amount = _money(session.get("amount_total"), "amount_total") / 100
    payment_complete(
        payment=payment,
        amount=amount,
        currency=str(session.get("currency", "")),
        gateway_reference=str(session.get("payment_intent") or session.get("id")),
    )
    return True


def stripe_checkout_expired(payload: JSONObject) -> bool:
    session = _stripe_object(payload)
    payment = _require(_stripe_session_payment(session), f"session {session.get('id')}")
    payment_fail(payment=payment, message=_("The payment page expired before the payment was made."))
    return True


def stripe_payment_failed(payload: JSONObject) -> bool:
    intent = _stripe_object(payload)
    metadata = intent.get("metadata") or {}
    payment = _find_payment(Provider.STRIPE, references=[intent.get("id")], payment_id=metadata.get("payment_id"))
    if payment is None:
        return False  # an intent of a session not linked yet: the session's own events decide
    error = intent.get("last_payment_error") or {}
    payment_fail(payment=payment, message=error.get("message") or _("The card payment failed."))
    return True


def stripe_charge_refunded(payload: JSONObject) -> bool:
    charge = _stripe_object(payload)
    metadata = charge.get("metadata") or {}
    payment = _find_payment(
        Provider.STRIPE,
        references=[charge.get("payment_intent"), charge.get("id")],
        payment_id=metadata.get("payment_id"),
    )
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        raise RetryableWebhookError(f"refund of charge {charge.get('id')} before its payment completed")
    refunds = (charge.get("refunds") or {}).get("data")
    statuses = {"succeeded": Refund.Status.SUCCEEDED, "failed": Refund.Status.FAILED, "canceled": Refund.Status.FAILED}
    if refunds:
        for refund in refunds:
            refund_record(
                payment=payment,
                amount=_money(refund.get("amount"), "refund amount") / 100,
                gateway_reference=str(refund["id"]),
                status=statuses.get(refund.get("status"), Refund.Status.APPROVED),
                reason=str(refund.get("reason") or ""),
            )
        return True
    # Newer API versions leave the refunds out of the charge: record what is new in the total.
    total = _money(charge.get("amount_refunded"), "amount_refunded") / 100
    known = sum((r.amount for r in payment.refunds.filter(status=Refund.Status.SUCCEEDED)), Decimal("0"))
    if total > known:
        refund_record(
            payment=payment,
            amount=total - known,
            gateway_reference=f"{charge.get('id')}:{charge.get('amount_refunded')}",
        )
    return True


# --- PayPal ------------------------------------------------------------------------------


def _paypal_resource(payload: JSONObject) -> JSONObject:
    resource = payload.get("resource")
    if not isinstance(resource, dict):
        raise WebhookPayloadError("no resource")
    return resource


def _paypal_capture_payment(capture: JSONObject) -> Payment | None:
    related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
    return _find_payment(
        Provider.PAYPAL, references=[related.get("order_id"), capture.get("id")], payment_id=capture.get("custom_id")
    )


def paypal_capture_completed(payload: JSONObject) -> bool:
    capture = _paypal_resource(payload)
    payment = _require(_paypal_capture_payment(capture), f"capture {capture.get('id')}")
    amount = capture.get("amount") or {}
    payment_complete(
        payment=payment,
        amount=_money(amount.get("value"), "amount.value"),
        currency=str(amount.get("currency_code", "")),
        gateway_reference=str(capture.get("id")),
    )
    return True


def paypal_capture_denied(payload: JSONObject) -> bool:
    capture = _paypal_resource(payload)
    payment = _require(_paypal_capture_payment(capture), f"capture {capture.get('id')}")
    payment_fail(payment=payment, message=_("PayPal denied the payment."))
    return True


def paypal_capture_refunded(payload: JSONObject) -> bool:
    refund = _paypal_resource(payload)
    capture_id = next(
        (
            link.get("href", "").rstrip("/").rsplit("/", 1)[-1]
            for link in refund.get("links") or []
            if link.get("rel") == "up" and "/captures/" in link.get("href", "")
        ),
        None,
    )
    payment = _find_payment(Provider.PAYPAL, references=[capture_id], payment_id=refund.get("custom_id"))
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        raise RetryableWebhookError(f"refund {refund.get('id')} before its capture completed")
    amount = refund.get("amount") or {}
    status = Refund.Status.SUCCEEDED if refund.get("status", "COMPLETED") == "COMPLETED" else Refund.Status.APPROVED
    refund_record(
        payment=payment,
        amount=_money(amount.get("value"), "amount.value"),
        gateway_reference=str(refund.get("id")),
        status=status,
        reason=str(refund.get("note_to_payer") or ""),
    )
    return True


# --- Mercado Pago -----------------------------------------------------------------------------


def mercadopago_payment(payload: JSONObject) -> bool:
    """A "payment" notification says only which payment changed: its state is read back from
    Mercado Pago's API, and it must be one of our attempts (external_reference)."""
    from ..clients import mercadopago_checkout as mp
    from .mercadopago_flow import payment_mercadopago_apply

    mp_payment_id = str((payload.get("data") or {}).get("id") or "")
    try:
        mp_payment = mp.payment_get(mp_payment_id=mp_payment_id)
    except mp.MercadoPagoError as error:
        if error.unavailable:
            raise RetryableWebhookError(str(error)) from None
        raise WebhookPayloadError(f"Mercado Pago payment {mp_payment_id}: {error}") from None
    payment = _require(
        _find_payment(Provider.MERCADOPAGO, payment_id=mp_payment.external_reference),
        f"Mercado Pago payment {mp_payment_id} (external_reference {mp_payment.external_reference!r})",
    )
    payment_mercadopago_apply(payment=payment, mp_payment=mp_payment)
    return True


# --- Culqi ----------------------------------------------------------------------------------


def _culqi_data(payload: JSONObject) -> JSONObject:
    data = payload.get("data")
    if isinstance(data, str):  # Culqi sends the object as JSON text
        import json

        try:
            data = json.loads(data)
        except ValueError as error:
            raise WebhookPayloadError("data is not JSON") from error
    if not isinstance(data, dict) or not str(data.get("id") or ""):
        raise WebhookPayloadError("no data.id")
    return data


def _culqi_read(read: Callable[[], Any]) -> Any:
    from ..clients import culqi

    try:
        return read()
    except culqi.CulqiError as error:
        if error.unavailable:
            raise RetryableWebhookError(str(error)) from None
        raise WebhookPayloadError(f"Culqi: {error}") from None


def culqi_order_status_changed(payload: JSONObject) -> bool:
    """A PagoEfectivo order changed: it is read back from Culqi (paid, expired), never taken as sent."""
    from ..clients import culqi
    from .culqi_flow import payment_culqi_apply_order

    order_id = str(_culqi_data(payload)["id"])
    culqi_order = _culqi_read(lambda: culqi.order_get(culqi_order_id=order_id))
    payment = _require(
        _find_payment(Provider.CULQI, references=[culqi_order.id], payment_id=culqi_order.payment_id),
        f"Culqi order {order_id}",
    )
    payment_culqi_apply_order(payment=payment, culqi_order=culqi_order)
    return True


def culqi_charge_succeeded(payload: JSONObject) -> bool:
    """A charge Culqi made (a card or Yape whose answer the store may have lost), read back first."""
    from ..clients import culqi
    from .culqi_flow import payment_culqi_apply_charge

    charge_id = str(_culqi_data(payload)["id"])
    charge = _culqi_read(lambda: culqi.charge_get(charge_id=charge_id))
    payment = _require(
        _find_payment(Provider.CULQI, references=[charge.id], payment_id=charge.payment_id), f"Culqi charge {charge_id}"
    )
    if payment.status != Payment.Status.SUCCEEDED:
        payment_culqi_apply_charge(payment=payment, charge=charge)
    return True


HANDLERS: dict[tuple[str, str], Callable[[JSONObject], bool]] = {
    (Provider.STRIPE.value, "checkout.session.completed"): stripe_checkout_completed,
    (Provider.STRIPE.value, "checkout.session.async_payment_succeeded"): stripe_checkout_completed,
    (Provider.STRIPE.value, "checkout.session.expired"): stripe_checkout_expired,
    (Provider.STRIPE.value, "payment_intent.payment_failed"): stripe_payment_failed,
    (Provider.STRIPE.value, "charge.refunded"): stripe_charge_refunded,
    (Provider.PAYPAL.value, "PAYMENT.CAPTURE.COMPLETED"): paypal_capture_completed,
    (Provider.PAYPAL.value, "PAYMENT.CAPTURE.DENIED"): paypal_capture_denied,
    (Provider.PAYPAL.value, "PAYMENT.CAPTURE.REFUNDED"): paypal_capture_refunded,
    (Provider.MERCADOPAGO.value, "payment"): mercadopago_payment,
    (Provider.CULQI.value, "order.status.changed"): culqi_order_status_changed,
    (Provider.CULQI.value, "charge.creation.succeeded"): culqi_charge_succeeded,
}
