"""Signing webhooks locally as Stripe and PayPal do, and the orders and payments they name."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from decimal import Decimal

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone

from payments.clients.webhook_verify import paypal_signed_message
from payments.models import Payment
from receipts.signing import self_signed_certificate

STRIPE_SECRET = "whsec_test_kallpa"
PAYPAL_WEBHOOK_ID = "8PT597110X687430LKGECATA"
CERT_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test"


def make_key_and_cert(*, days: int = 30):
    key, cert = self_signed_certificate("messageverificationcerts.sandbox.paypal.com", days=days)
    return key, cert.public_bytes(serialization.Encoding.PEM)


PAYPAL_KEY, PAYPAL_CERT_PEM = make_key_and_cert()


def body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def stripe_headers(raw: bytes, *, secret: str = STRIPE_SECRET, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={signature}"}


def paypal_headers(
    raw: bytes, *, webhook_id: str = PAYPAL_WEBHOOK_ID, sent_at=None, cert_url: str = CERT_URL, key=None
) -> dict:
    sent = (sent_at or timezone.now()).strftime("%Y-%m-%dT%H:%M:%SZ")
    transmission_id = str(uuid.uuid4())
    message = paypal_signed_message(
        transmission_id=transmission_id, transmission_time=sent, webhook_id=webhook_id, raw_body=raw
    )
    signature = (key or PAYPAL_KEY).sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Paypal-Transmission-Id": transmission_id,
        "Paypal-Transmission-Time": sent,
        "Paypal-Transmission-Sig": base64.b64encode(signature).decode(),
        "Paypal-Cert-Url": cert_url,
        "Paypal-Auth-Algo": "SHA256withRSA",
    }


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": event_type,
        "data": {"object": obj},
    }


def session_completed(
    payment: Payment, *, amount: Decimal | None = None, currency: str = "pen", event_id: str | None = None
) -> dict:
    return stripe_event(
        "checkout.session.completed",
        {
            "id": payment.gateway_reference,
            "object": "checkout.session",
            "payment_status": "paid",
            "amount_total": cents(payment.order.total if amount is None else amount),
            "currency": currency,
            "payment_intent": f"pi_{payment.pk}",
            "client_reference_id": str(payment.pk),
        },
        event_id=event_id,
    )


def charge_refunded(payment: Payment, refunds: list[tuple[str, Decimal]], *, event_id: str | None = None) -> dict:
    return stripe_event(
        "charge.refunded",
        {
            "id": f"ch_{payment.pk}",
            "object": "charge",
            "payment_intent": f"pi_{payment.pk}",
            "amount_refunded": sum(cents(amount) for _ref, amount in refunds),
            "refunds": {
                "data": [{"id": ref, "amount": cents(amount), "status": "succeeded"} for ref, amount in refunds]
            },
        },
        event_id=event_id,
    )


def paypal_event(event_type: str, resource: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"WH-{uuid.uuid4().hex[:20]}",
        "event_version": "1.0",
        "event_type": event_type,
        "resource": resource,
    }


def capture_completed(payment: Payment, *, value: str | None = None, currency: str = "PEN") -> dict:
    return paypal_event(
        "PAYMENT.CAPTURE.COMPLETED",
        {
            "id": f"CAP{payment.pk}",
            "status": "COMPLETED",
            "amount": {"value": value or str(payment.order.total), "currency_code": currency},
            "supplementary_data": {"related_ids": {"order_id": payment.gateway_reference}},
        },
    )
