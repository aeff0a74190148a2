"""The store's one gateway interface: start a payment (the URL to send the shopper to), handle
the shopper's return, refund, and verify a webhook. Five implementations: the test gateway
(its hosted page is the store's own), Stripe Checkout, PayPal Orders v2, Mercado Pago Checkout Pro
and Culqi (its forms on the store's pay page). Views, refunds and webhooks pick one with
gateway_for(provider) and never branch on the provider themselves."""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from django.urls import reverse

from ..models import Payment, Provider, Refund


class WebhooksUnsupported(Exception):
    """This gateway sends no webhooks."""


@dataclass(frozen=True)
class Gateway:
    provider: str
    name: str
    return_parameter: str = ""  # the query parameter the gateway sends the shopper back with

    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        raise NotImplementedError

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        raise NotImplementedError

    def refund(self, *, refund: Refund) -> str:
        """Return the money of an approved refund; the gateway's refund reference."""
        raise NotImplementedError

    def verify_webhook(self, *, raw_body: bytes, headers: Mapping[str, str], data_id: str = "") -> None:
        """Raise webhook_verify.SignatureError (or NotConfigured) unless the gateway signed it.
        `data_id`: the id the query names, which Mercado Pago signs (the others sign the body)."""
        raise WebhooksUnsupported(self.provider)


class TestGateway(Gateway):
    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        return reverse("payments:pay", args=[payment.order.number])  # its hosted page is ours

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        return payment

    def refund(self, *, refund: Refund) -> str:
        return f"TEST-REFUND-{refund.pk:08d}"


class StripeGateway(Gateway):
    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        from .stripe_flow import payment_stripe_start

        return payment_stripe_start(payment=payment, success_url=return_url, cancel_url=cancel_url)

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        from .stripe_flow import payment_stripe_return

        return payment_stripe_return(payment=payment, session_id=reference)

    def refund(self, *, refund: Refund) -> str:
        from ..clients import stripe_checkout

        payment = refund.payment
        intent = payment.gateway_reference
        if not intent.startswith("pi_"):
            intent = stripe_checkout.session_retrieve(intent, payment_id=payment.pk).payment_intent
        return stripe_checkout.refund_create(payment_intent=intent, amount=refund.amount, refund_id=refund.pk)

    def verify_webhook(self, *, raw_body: bytes, headers: Mapping[str, str], data_id: str = "") -> None:
        from ..clients.webhook_verify import stripe_verify

        stripe_verify(raw_body=raw_body, header=headers.get("Stripe-Signature"))


class PayPalGateway(Gateway):
    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        from .paypal_flow import payment_paypal_start

        return payment_paypal_start(payment=payment, return_url=return_url, cancel_url=cancel_url)

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        from .paypal_flow import payment_paypal_return

        return payment_paypal_return(payment=payment, token=reference)

    def refund(self, *, refund: Refund) -> str:
        from ..clients import paypal_orders
        from .attempts import PaymentError

        payment = refund.payment
        result = paypal_orders.capture_refund(
            capture_id=payment.gateway_reference,
            amount=refund.amount,
            currency=payment.currency,
            refund_id=refund.pk,
            payment_id=payment.pk,
        )
        if result.status not in ("COMPLETED", "PENDING"):
            raise PaymentError(f"PayPal: {result.status}")
        return result.refund_id

    def verify_webhook(self, *, raw_body: bytes, headers: Mapping[str, str], data_id: str = "") -> None:
        from ..clients.webhook_verify import paypal_verify

        paypal_verify(raw_body=raw_body, headers=headers)


class MercadoPagoGateway(Gateway):
    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        from .mercadopago_flow import payment_mercadopago_start

        # On the host the shopper used; source_news=webhooks: only the signed notifications, not IPN.
        notification_url = urljoin(return_url, reverse("payments:webhook-mpago")) + "?source_news=webhooks"
        return payment_mercadopago_start(
            payment=payment, return_url=return_url, cancel_url=cancel_url, notification_url=notification_url
        )

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        from .mercadopago_flow import payment_mercadopago_return

        return payment_mercadopago_return(payment=payment, mp_payment_id=reference)

    def refund(self, *, refund: Refund) -> str:
        from .mercadopago_flow import payment_mercadopago_refund

        return payment_mercadopago_refund(refund=refund)

    def verify_webhook(self, *, raw_body: bytes, headers: Mapping[str, str], data_id: str = "") -> None:
        from ..clients.mercadopago_checkout import webhook_verify

        webhook_verify(headers=headers, data_id=data_id)


class CulqiGateway(Gateway):
    """Culqi's forms live on the store's pay page (Culqi.js for cards, Yape's phone and code, the
    CIP button): starting sends the shopper there. Culqi signs no webhook: a notice must carry the
    store's secret (CULQI_WEBHOOK_SECRET, in the URL registered in CulqiPanel) and is acted on only
    after the charge or order is read back from Culqi's API with the secret key."""

    def start(self, *, payment: Payment, return_url: str, cancel_url: str) -> str:
        return reverse("payments:pay", args=[payment.order.number])

    def handle_return(self, *, payment: Payment, reference: str) -> Payment:
        return payment

    def refund(self, *, refund: Refund) -> str:
        from .culqi_flow import payment_culqi_refund

        return payment_culqi_refund(refund=refund)

    def verify_webhook(self, *, raw_body: bytes, headers: Mapping[str, str], data_id: str = "") -> None:
        from ..clients.webhook_verify import culqi_verify

        # data_id: the key the notice's URL carries (Culqi's own notices name no id to sign).
        culqi_verify(key=data_id, authorization=headers.get("Authorization") or "")


GATEWAYS: dict[str, Gateway] = {
    Provider.TEST: TestGateway(Provider.TEST, "Test gateway"),
    Provider.STRIPE: StripeGateway(Provider.STRIPE, "Stripe", return_parameter="session_id"),
    Provider.PAYPAL: PayPalGateway(Provider.PAYPAL, "PayPal", return_parameter="token"),
    Provider.MERCADOPAGO: MercadoPagoGateway(Provider.MERCADOPAGO, "Mercado Pago", return_parameter="payment_id"),
    Provider.CULQI: CulqiGateway(Provider.CULQI, "Culqi"),
}


def gateway_for(provider: str) -> Gateway:
    return GATEWAYS[provider]
