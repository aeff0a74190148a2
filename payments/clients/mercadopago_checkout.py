"""Mercado Pago through its official SDK (`mercadopago`): a Checkout Pro preference per payment
attempt, reading a payment back, refunding (part of) one, and checking a webhook's x-signature.

The SDK's HTTP goes through requests, so tests fake Mercado Pago with `responses`. Every call
carries an idempotency key derived from our ids (x-idempotency-key), so a retried request never
makes a second preference or refund; the SDK's own blind retries are off. Requests and answers
go to the gateway log (redacted there); the access token is only ever in the Authorization
header, which is not logged."""

import logging
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import mercadopago
import requests
from django.conf import settings
from mercadopago.config import RequestOptions
from mercadopago.errors.exceptions import MercadoPagoError as SDKError
from mercadopago.webhook.validator import InvalidWebhookSignatureError, WebhookSignatureValidator

from ..gateway_log import gateway_log_write
from .listing import GatewayDay, ListedPayment, ListedRefund, attempt_id
from .webhook_verify import NotConfigured, SignatureError

logger = logging.getLogger(__name__)
PROVIDER = "mpago"


class MercadoPagoError(Exception):
    """Mercado Pago refused the request or did not answer; `unavailable` tells the latter."""

    def __init__(self, message: str, *, unavailable: bool = False, status_code: int | None = None):
        super().__init__(message)
        self.unavailable, self.status_code = unavailable, status_code


@dataclass(frozen=True)
class MercadoPagoPayment:
    id: str
    status: str  # approved, pending, in_process, authorized, rejected, cancelled, refunded, charged_back
    status_detail: str
    external_reference: str
    amount: Decimal | None
    currency: str
    payment_method: str
    last_four: str
    refunds: tuple[tuple[str, Decimal, str], ...]  # (refund id, amount, status)
    # A payment made later (PagoEfectivo/"ticket", bank transfer): pending, waiting for the shopper
    # to pay the code at an agent or from a bank app until date_of_expiration.
    waiting_code: str = ""  # transaction_details.payment_method_reference_id (the CIP), or the payment id
    waiting_url: str = ""  # transaction_details.external_resource_url: the voucher, where to pay
    waiting_until: datetime | None = None  # date_of_expiration

    @property
    def waits_for_payment(self) -> bool:
        return self.status == "pending" and self.status_detail == "pending_waiting_payment"


def _options(idempotency_key: str | None = None) -> RequestOptions:
    options = RequestOptions(
        access_token=settings.MERCADOPAGO_ACCESS_TOKEN,
        connection_timeout=float(settings.MERCADOPAGO_TIMEOUT),
        max_retries=0,
    )
    if idempotency_key:
        options.custom_headers = {"x-idempotency-key": idempotency_key}
    return options


def _sdk() -> mercadopago.SDK:
    return mercadopago.SDK(settings.MERCADOPAGO_ACCESS_TOKEN)


def _call(kind: str, call, *, request: dict | None = None, payment_id: int | None = None) -> dict:
    gateway_log_write(
        provider=PROVIDER, direction="request", kind=kind, body=request or {"operation": kind}, payment_id=payment_id
    )
    started = time.perf_counter()

    def log(body, status):
        gateway_log_write(
            provider=PROVIDER,
            direction="response",
            kind=kind,
            body=body,
            status_code=status,
            payment_id=payment_id,
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    try:
        result = call()
    except (requests.RequestException, SDKError, ValueError) as error:
        log({"error": type(error).__name__}, None)
        logger.warning("Mercado Pago did not answer (%s): %s", kind, type(error).__name__)
        raise MercadoPagoError(f"Mercado Pago did not answer ({kind})", unavailable=True) from None
    status, body = result.get("status"), result.get("response") or {}
    log(body, status)
    if not isinstance(status, int) or status >= 400:
        message = (body.get("message") or body.get("error") or "") if isinstance(body, dict) else ""
        logger.warning("Mercado Pago answered %s to %s: %s", status, kind, message)
        raise MercadoPagoError(
            f"Mercado Pago answered {status} ({kind}): {message}",
            unavailable=not isinstance(status, int) or status >= 500 or status == 429,
            status_code=status,
        )
    return body if isinstance(body, dict) else {}


def preference_create(
    *,
    payment_id: int,
    order_number: str,
    amount: Decimal,
    currency: str,
    email: str,
    return_url: str,
    cancel_url: str,
    notification_url: str,
) -> tuple[str, str]:
    """A Checkout Pro preference for one attempt: (preference id, the URL to send the shopper to)."""
    body = {
        "items": [
            {
                "id": order_number,
                "title": f"Pedido {order_number}",
                "quantity": 1,
                "currency_id": currency,
                "unit_price": float(amount),
            }
        ],
        "payer": {"email": email},
        "external_reference": str(payment_id),
        "back_urls": {"success": return_url, "pending": return_url, "failure": cancel_url},
        "auto_return": "approved",
        "notification_url": notification_url,
        "statement_descriptor": "KALLPA",
        "binary_mode": False,
    }
    with warnings.catch_warnings():
        # The SDK marks notification_url deprecated in favour of the dashboard's webhook; a URL per
        # preference still works, and keeps the store working without that dashboard step.
        warnings.simplefilter("ignore", DeprecationWarning)
        data = _call(
            "preference.create",
            lambda: _sdk().preference().create(body, _options(f"kallpa-payment-{payment_id}-preference")),
            request=body,
            payment_id=payment_id,
        )
    init_point = data.get("sandbox_init_point") if settings.MERCADOPAGO_SANDBOX else data.get("init_point")
    if not data.get("id") or not (init_point or data.get("init_point")):
        raise MercadoPagoError("Mercado Pago created no preference", unavailable=True)
    return str(data["id"]), str(init_point or data["init_point"])


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _expiry(value: object) -> datetime | None:
    """Mercado Pago's date_of_expiration ("2026-11-27T23:59:59.000-05:00"); None when absent or unreadable."""
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def payment_get(*, mp_payment_id: str, payment_id: int | None = None) -> MercadoPagoPayment:
    """A payment as Mercado Pago has it now (the truth, whatever a redirect or notification said)."""
    if not str(mp_payment_id).isdigit():
        raise MercadoPagoError("not a Mercado Pago payment id")
    data = _call("payment.get", lambda: _sdk().payment().get(mp_payment_id, _options()), payment_id=payment_id)
    card = data.get("card") or {}
    refunds = tuple(
        (str(refund.get("id")), _decimal(refund.get("amount")) or Decimal("0"), str(refund.get("status")))
        for refund in data.get("refunds") or []
        if refund.get("id")
    )
    details = data.get("transaction_details") or {}
    return MercadoPagoPayment(
        waiting_code=str(details.get("payment_method_reference_id") or data.get("id") or "")[:40],
        waiting_url=str(details.get("external_resource_url") or "")[:300],
        waiting_until=_expiry(data.get("date_of_expiration")),
        id=str(data.get("id") or mp_payment_id),
        status=str(data.get("status") or ""),
        status_detail=str(data.get("status_detail") or ""),
        external_reference=str(data.get("external_reference") or ""),
        amount=_decimal(data.get("transaction_amount")),
        currency=str(data.get("currency_id") or "").upper(),
        payment_method=str(data.get("payment_method_id") or ""),
        last_four=str(card.get("last_four_digits") or ""),
        refunds=refunds,
    )


def refund_create(*, mp_payment_id: str, amount: Decimal, refund_id: int, payment_id: int) -> tuple[str, str]:
    """Refund `amount` of a payment (partial allowed): (Mercado Pago's refund id, its status)."""
    body = {"amount": float(amount)}
    data = _call(
        "refund.create",
        lambda: _sdk().refund().create(mp_payment_id, body, _options(f"kallpa-refund-{refund_id}")),
        request=body,
        payment_id=payment_id,
    )
    if not data.get("id"):
        raise MercadoPagoError("Mercado Pago made no refund")
    return str(data["id"]), str(data.get("status") or "")


def webhook_verify(*, headers, data_id: str) -> None:
    """x-signature "ts=<seconds>,v1=<hex>": HMAC-SHA256 with the webhook secret over
    "id:<data.id>;request-id:<x-request-id>;ts:<ts>;", checked locally by the SDK's validator,
    with a tolerance on ts (a replayed old notification is refused)."""
    secret = settings.MERCADOPAGO_WEBHOOK_SECRET
    if not secret:
        raise NotConfigured("MERCADOPAGO_WEBHOOK_SECRET is not set")
    if not data_id:
        raise SignatureError("missing data.id")
    try:
        WebhookSignatureValidator.validate(
            headers.get("x-signature"),
            headers.get("x-request-id"),
            data_id,
            secret,
            tolerance_seconds=settings.MERCADOPAGO_WEBHOOK_TOLERANCE,
        )
    except InvalidWebhookSignatureError as error:
        raise SignatureError(error.reason.value) from None


# --- the day's list, for reconciliation (GET /v1/payments/search) --------------------------------------
# Searched twice: by date_created for the payments of the span, and by date_last_updated for refunds
# made in the span of payments created before it (a refund updates its payment). Offset and limit.

SEARCH_LIMIT = 100
TAKEN = {"approved", "refunded", "charged_back"}  # money was captured (refunded later or not)


def _search_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def _search_when(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise MercadoPagoError(f"Mercado Pago listed a date it cannot be read: {value!r}") from None


def _searched(field: str, start: datetime, end: datetime) -> Iterator[dict]:
    offset = 0
    while True:
        filters = {
            "sort": field,
            "criteria": "asc",
            "range": field,
            "begin_date": _search_time(start),
            "end_date": _search_time(end),
            "offset": offset,
            "limit": SEARCH_LIMIT,
        }
        data = _call(
            "payment.search",
            lambda filters=filters: _sdk().payment().search(filters, _options()),
            request=filters,
        )
        results = data.get("results") or []
        yield from results
        offset += len(results)
        total = int((data.get("paging") or {}).get("total") or 0)
        if not results or offset >= total:
            return


def day_list(*, start: datetime, end: datetime) -> GatewayDay:
    """The payments Mercado Pago captured and the refunds it made in [start, end) (a payment by when
    it was approved, a refund by when it was made). Raises MercadoPagoError."""
    found: dict[str, dict] = {}
    for field in ("date_created", "date_last_updated"):
        for result in _searched(field, start, end):
            found.setdefault(str(result.get("id")), result)
    payments, refunds = [], []
    for mp_id, result in found.items():
        currency = str(result.get("currency_id") or "").upper()
        approved = result.get("date_approved") or result.get("date_created")
        amount = _decimal(result.get("transaction_amount"))
        if result.get("status") in TAKEN and approved and amount and start <= _search_when(approved) < end:
            payments.append(
                ListedPayment(
                    reference=mp_id,
                    amount=amount,
                    currency=currency,
                    created_at=_search_when(approved),
                    store_payment_id=attempt_id(result.get("external_reference")),
                )
            )
        for refund in result.get("refunds") or []:
            made = _search_when(refund.get("date_created") or approved)
            if refund.get("status") == "approved" and start <= made < end:
                refunds.append(
                    ListedRefund(
                        reference=str(refund.get("id")),
                        payment_reference=mp_id,
                        amount=_decimal(refund.get("amount")) or Decimal("0"),
                        currency=currency,
                        created_at=made,
                    )
                )
    return GatewayDay(payments=tuple(payments), refunds=tuple(refunds))
