"""Payment writes, one transaction each.

attempts: starting a payment and its outcome (completed, failed, abandoned) and the refunds the
gateways report; stripe_flow, paypal_flow, mercadopago_flow: each provider's start and return;
refunds: support requests, an administrator approves, the gateway returns the money;
webhooks: gateway events stored once and processed; providers: the one gateway interface over
the provider clients in payments.gateways."""

from .attempts import (
    DUMMY_METHOD_CODE, PaymentError, PaymentNotReady, payment_abandon, payment_complete, payment_dummy_decline,
    payment_dummy_pay, payment_fail, payment_method_ensure_dummy, payment_start, refund_record,
)

__all__ = [
    "DUMMY_METHOD_CODE", "PaymentError", "PaymentNotReady", "payment_abandon", "payment_complete",
    "payment_dummy_decline", "payment_dummy_pay", "payment_fail", "payment_method_ensure_dummy", "payment_start",
    "refund_record",
]
