"""Payment writes, one transaction each.

attempts: starting a payment and its outcome (completed, failed, abandoned) and the refunds the
gateways report; stripe_flow, paypal_flow, mercadopago_flow: each provider's start and return;
refunds: support requests, an administrator approves, the gateway returns the money;
webhooks: gateway events stored once and processed; gateways: the one gateway interface over
the provider clients in payments.clients."""

from .attempts import (
    TEST_GATEWAY_METHOD_CODE,
    PaymentError,
    PaymentNotReady,
    payment_abandon,
    payment_complete,
    payment_fail,
    payment_method_ensure_test_gateway,
    payment_start,
    payment_test_gateway_decline,
    payment_test_gateway_pay,
    refund_record,
)

__all__ = [
    "TEST_GATEWAY_METHOD_CODE",
    "PaymentError",
    "PaymentNotReady",
    "payment_abandon",
    "payment_complete",
    "payment_test_gateway_decline",
    "payment_test_gateway_pay",
    "payment_fail",
    "payment_method_ensure_test_gateway",
    "payment_start",
    "refund_record",
]
