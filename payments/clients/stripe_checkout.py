"""Stripe Checkout: the shopper pays on Stripe's hosted page, so card data never touches the
store (PCI scope SAQ A). Every POST carries a deterministic idempotency key, so a retried
request (ours or the library's) never creates a second session for one payment attempt."""

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import stripe
from django.conf import settings
from stripe.params import RefundCreateParams
from stripe.params.checkout import SessionCreateParams

from ..gateway_log import gateway_log_write
from .listing import GatewayDay, ListedPayment, ListedRefund, attempt_id

Result = TypeVar("Result", bound=stripe.StripeObject)


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # unpaid, paid, no_payment_required
    amount_total: Decimal | None
    currency: str
    payment_intent: str = ""


def _client() -> stripe.StripeClient:
    # requests as the HTTP client: timeouts we choose, and the one tests fake with `responses`.
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=stripe.RequestsClient(timeout=10),
        max_network_retries=getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2),
    )


def _logged(
    kind: str, params: Mapping[str, object], call: Callable[[], Result], *, payment_id: int | None = None
) -> Result:
    """Run one Stripe call, writing the request and the response (or error) to the gateway log."""
    gateway_log_write(provider="stripe", direction="request", kind=kind, body=params, payment_id=payment_id)
    started = time.perf_counter()
    try:
        result = call()
    except stripe.StripeError as error:
        gateway_log_write(
            provider="stripe",
            direction="response",
            kind=kind,
            payment_id=payment_id,
            body=error.json_body or {"error": str(error)},
            status_code=error.http_status,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        raise
    gateway_log_write(
        provider="stripe",
        direction="response",
        kind=kind,
        body=result.to_dict(),
        status_code=200,
        payment_id=payment_id,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    return result


def to_minor_units(amount: Decimal) -> int:
    """Soles to céntimos, as Stripe counts PEN."""
    return int((Decimal(amount) * 100).quantize(Decimal("1")))


def _session(session) -> CheckoutSession:
    data = session.to_dict()
    total = data.get("amount_total")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total=(Decimal(total) / 100).quantize(Decimal("0.01")) if total is not None else None,
        currency=(data.get("currency") or "").upper(),
        payment_intent=data.get("payment_intent") or "",
    )


def session_create(
    *, payment_id: int, order_number: str, email: str, amount: Decimal, success_url: str, cancel_url: str
) -> CheckoutSession:
    """A Checkout Session for one payment attempt (the same attempt always gets the same session)."""
    params: SessionCreateParams = {
        "mode": "payment",
        "client_reference_id": str(payment_id),
        "customer_email": email,
        "locale": "es",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "pen",
                    "unit_amount": to_minor_units(amount),
                    "product_data": {"name": f"Pedido {order_number}"},
                },
            }
        ],
        "metadata": {"order_number": order_number, "payment_id": str(payment_id)},
        "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": cancel_url,
    }
    session = _logged(
        "checkout.session.create",
        params,
        lambda: _client().v1.checkout.sessions.create(
            params=params,
            options={"idempotency_key": f"kallpa-payment-{payment_id}-checkout-session"},
        ),
        payment_id=payment_id,
    )
    return _session(session)


def session_retrieve(session_id: str, *, payment_id: int | None = None) -> CheckoutSession:
    return _session(
        _logged(
            "checkout.session.retrieve",
            {"id": session_id},
            lambda: _client().v1.checkout.sessions.retrieve(session_id),
            payment_id=payment_id,
        )
    )


def refund_create(*, payment_intent: str, amount: Decimal, refund_id: int) -> str:
    """Refund part or all of a payment; the refund's id keys the request, so an approval
    retried after a timeout never refunds twice. Returns Stripe's refund id."""
    params: RefundCreateParams = {
        "payment_intent": payment_intent,
        "amount": to_minor_units(amount),
        "metadata": {"refund_id": str(refund_id)},
    }
    refund = _logged(
        "refund.create",
        params,
        lambda: _client().v1.refunds.create(params=params, options={"idempotency_key": f"kallpa-refund-{refund_id}"}),
    )
    return refund.to_dict()["id"]


# --- the day's list, for reconciliation ----------------------------------------------------------------
# Charges and refunds rather than balance transactions: a charge carries the payment intent the store
# records as the payment's reference, and a refund its own id and its payment intent, so each row
# meets the store's row directly; a balance transaction would need expanding back to its charge, and
# its fees and payouts are not what the store's rows record.

PAGE_SIZE = 100


def _listed(kind: str, resource, start: datetime, end: datetime) -> Iterator[dict]:
    """Every object of a Stripe list created in [start, end), page by page (starting_after)."""
    after = ""
    while True:
        params: dict[str, object] = {
            "created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())},
            "limit": PAGE_SIZE,
        }
        if after:
            params["starting_after"] = after
        page = _logged(kind, params, partial(resource.list, params=params)).to_dict()
        rows = page.get("data") or []
        yield from rows
        if not page.get("has_more") or not rows:
            return
        after = rows[-1]["id"]


def _from_minor(amount: Any) -> Decimal:
    return (Decimal(int(amount or 0)) / 100).quantize(Decimal("0.01"))


def _when(timestamp: Any) -> datetime:
    return datetime.fromtimestamp(int(timestamp or 0), tz=UTC)


def day_list(*, start: datetime, end: datetime) -> GatewayDay:
    """The charges Stripe captured and the refunds it made in [start, end). Raises stripe.StripeError."""
    client = _client()
    payments = tuple(
        ListedPayment(
            reference=charge.get("payment_intent") or charge["id"],
            amount=_from_minor(charge.get("amount_captured") or charge.get("amount")),
            currency=str(charge.get("currency") or "").upper(),
            created_at=_when(charge.get("created")),
            store_payment_id=attempt_id((charge.get("metadata") or {}).get("payment_id")),
        )
        for charge in _listed("charge.list", client.v1.charges, start, end)
        if charge.get("status") == "succeeded" and charge.get("captured", True)
    )
    refunds = tuple(
        ListedRefund(
            reference=refund["id"],
            payment_reference=refund.get("payment_intent") or refund.get("charge") or "",
            amount=_from_minor(refund.get("amount")),
            currency=str(refund.get("currency") or "").upper(),
            created_at=_when(refund.get("created")),
        )
        for refund in _listed("refund.list", client.v1.refunds, start, end)
        if refund.get("status") in ("succeeded", "pending")
    )
    return GatewayDay(payments=payments, refunds=refunds)
