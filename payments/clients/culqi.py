"""Culqi (Peru) through its HTTP API v2 with `requests`: Culqi keeps no maintained Python SDK.

- Cards: Culqi.js tokenises the card in the shopper's browser (tkn_…; no card data reaches the
  store). The store reads the token back (GET /v2/tokens/{id}: brand, last four and the cuotas its
  issuer allows, iin.installments_allowed) and creates the charge (POST /v2/charges) with the
  cuotas chosen. A bank asking for 3-D Secure answers the charge with HTTP 200 and action_code
  REVIEW (nothing taken): Culqi3DS (https://3ds.culqi.com) authenticates the shopper in the browser
  and the same charge is made again with its authentication_3DS (Culqi's "Flujo de cargos + 3DS").
- Yape: the shopper's phone number and the approval code of their Yape app make a Yape token
  (POST secure.culqi.com/v2/tokens/yape, with the public key: ype_…), then a charge like a card's.
- PagoEfectivo: a Culqi order (POST /v2/orders) carries the amount, order_number and expiry; its
  payment_code is the CIP the shopper pays at an agent or from their bank app; Culqi's webhook
  order.status.changed tells when it is paid or expired (the order is read back before acting).

Amounts travel in céntimos (integers). The secret key goes only in the Authorization header, which
is not logged; every request and answer goes to the gateway log. A timeout, a connection error, a
5xx or a 429 is "unavailable" (the caller says so to the shopper, never a 500). Culqi documents no
idempotency key: a charge whose answer was lost is learnt from its webhook (charge.creation.succeeded)
or seen by reconciliation."""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings

from ..gateway_log import gateway_log_write
from .listing import GatewayDay, ListedPayment, ListedRefund

logger = logging.getLogger(__name__)
PROVIDER = "culqi"
API_URL = "https://api.culqi.com/v2"
SECURE_URL = "https://secure.culqi.com/v2"  # tokens, with the public key

JSON = dict[str, Any]


class CulqiError(Exception):
    """Culqi refused the request (`user_message` is Culqi's words for the shopper, `decline_code`
    the bank's reason) or did not answer (`unavailable`)."""

    def __init__(
        self,
        message: str,
        *,
        unavailable: bool = False,
        status_code: int | None = None,
        error_type: str = "",
        code: str = "",
        decline_code: str = "",
        user_message: str = "",
        charge_id: str = "",
    ):
        super().__init__(message)
        self.unavailable, self.status_code = unavailable, status_code
        self.error_type, self.code, self.decline_code = error_type, code, decline_code
        self.user_message, self.charge_id = user_message, charge_id

    @property
    def declined(self) -> bool:
        """The card or wallet was refused (card_error): the shopper may try another."""
        return self.error_type == "card_error"


def cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1")))


def from_cents(value: object) -> Decimal | None:
    try:
        return (Decimal(int(str(value))) / 100).quantize(Decimal("0.01"))
    except (TypeError, ValueError):
        return None


def from_timestamp(value: object) -> datetime | None:
    """Culqi's dates are Unix times, in seconds (orders) or milliseconds (charges)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    if number > 10**11:
        number //= 1000
    return datetime.fromtimestamp(number, tz=UTC)


def _request(
    method: str,
    url: str,
    *,
    kind: str,
    body: JSON | None = None,
    logged_body: JSON | None = None,
    key: str = "",
    payment_id: int | None = None,
) -> JSON:
    gateway_log_write(
        provider=PROVIDER,
        direction="request",
        kind=kind,
        body=logged_body if logged_body is not None else (body or {"operation": kind}),
        payment_id=payment_id,
        url=url,
    )
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {key or settings.CULQI_SECRET_KEY}", "Content-Type": "application/json"}
    try:
        response = requests.request(method, url, json=body, headers=headers, timeout=float(settings.CULQI_TIMEOUT))
    except requests.RequestException as error:
        gateway_log_write(
            provider=PROVIDER,
            direction="response",
            kind=kind,
            body={"error": type(error).__name__},
            payment_id=payment_id,
            url=url,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        logger.warning("Culqi did not answer (%s): %s", kind, type(error).__name__)
        raise CulqiError(f"Culqi did not answer ({kind})", unavailable=True) from None
    try:
        data = response.json()
    except ValueError:
        data = {"text": response.text[:2000]}
    gateway_log_write(
        provider=PROVIDER,
        direction="response",
        kind=kind,
        body=data,
        status_code=response.status_code,
        payment_id=payment_id,
        url=url,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    if not isinstance(data, dict):
        data = {}
    if response.status_code >= 400:
        raise _error(kind, response.status_code, data)
    return data


def _error(kind: str, status: int, data: JSON) -> CulqiError:
    message = str(data.get("merchant_message") or data.get("user_message") or "")
    logger.warning("Culqi answered %s to %s: %s", status, kind, message)
    return CulqiError(
        f"Culqi answered {status} ({kind}): {message}",
        unavailable=status >= 500 or status == 429,
        status_code=status,
        error_type=str(data.get("type") or ""),
        code=str(data.get("code") or ""),
        decline_code=str(data.get("decline_code") or ""),
        user_message=str(data.get("user_message") or ""),
        charge_id=str(data.get("charge_id") or ""),
    )


# --- tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardToken:
    id: str
    brand: str
    last_four: str
    installments_allowed: tuple[int, ...]  # the cuotas the card's issuer allows; empty: one payment only


def token_get(*, token_id: str, payment_id: int | None = None) -> CardToken:
    """A card token made by Culqi.js, read back with the secret key (so it is this store's)."""
    if not token_id.startswith(("tkn_test_", "tkn_live_")) or not token_id.replace("_", "").isalnum():
        raise CulqiError("not a Culqi card token", status_code=400, error_type="invalid_request_error")
    data = _request("GET", f"{API_URL}/tokens/{token_id}", kind="token.get", payment_id=payment_id)
    iin = data.get("iin") or {}
    allowed = []
    for value in iin.get("installments_allowed") or []:
        try:
            count = int(value)
        except (TypeError, ValueError):
            continue
        if 2 <= count <= 48:
            allowed.append(count)
    return CardToken(
        id=str(data.get("id") or token_id),
        brand=str(iin.get("card_brand") or ""),
        last_four=str(data.get("last_four") or "")[-4:],
        installments_allowed=tuple(sorted(set(allowed))),
    )


def yape_token_create(*, amount: Decimal, phone: str, otp: str, payment_id: int | None = None) -> str:
    """A Yape token from the shopper's phone number and the approval code of their Yape app."""
    body = {"amount": str(cents(amount)), "number_phone": phone, "otp": otp}
    logged = {"amount": body["amount"], "number_phone": f"*****{phone[-4:]}", "otp": "[redacted]"}
    data = _request(
        "POST",
        f"{SECURE_URL}/tokens/yape",
        kind="token.yape",
        body=body,
        logged_body=logged,
        key=settings.CULQI_PUBLIC_KEY,
        payment_id=payment_id,
    )
    token = str(data.get("id") or "")
    if not token.startswith("ype_"):
        raise CulqiError("Culqi made no Yape token", unavailable=True)
    return token


# --- charges ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    id: str
    amount: Decimal | None
    currency: str
    installments: int  # 0: one payment
    brand: str
    last_four: str
    payment_id: int | None  # our attempt, from the metadata we sent
    paid: bool  # the charge was authorised (Culqi's outcome venta_exitosa)
    review: bool = False  # the bank asks for 3-D Secure: no money was taken
    user_message: str = ""
    refunds: tuple[tuple[str, Decimal], ...] = field(default=())


def _charge(data: JSON) -> Charge:
    source = data.get("source") or {}
    iin = source.get("iin") or {}
    outcome = data.get("outcome") or {}
    metadata = data.get("metadata") or {}
    raw_id = str(metadata.get("payment_id") or "")
    return Charge(
        id=str(data.get("id") or ""),
        amount=from_cents(data.get("amount")),
        currency=str(data.get("currency_code") or "").upper(),
        installments=int(data.get("installments") or 0),
        brand=str(iin.get("card_brand") or source.get("type") or ""),
        last_four=str(source.get("last_four") or "")[-4:],
        payment_id=int(raw_id) if raw_id.isdigit() else None,
        paid=outcome.get("type") == "venta_exitosa",
        review=str(data.get("action_code") or "") == "REVIEW",
        user_message=str(outcome.get("user_message") or data.get("user_message") or ""),
    )


@dataclass(frozen=True, kw_only=True)
class ThreeDSAuthentication:
    """What Culqi3DS hands the page after the bank authenticated the shopper (its `parameters3DS`),
    sent back with the charge as `authentication_3DS` under Culqi's own names. 3-D Secure 1 fills
    xid, 3-D Secure 2 the directory server's transaction id; the other may be empty."""

    eci: str
    cavv: str
    xid: str
    protocol_version: str
    directory_server_transaction_id: str

    def as_json(self) -> JSON:
        return {
            "eci": self.eci,
            "xid": self.xid,
            "cavv": self.cavv,
            "protocolVersion": self.protocol_version,
            "directoryServerTransactionId": self.directory_server_transaction_id,
        }


def charge_create(
    *,
    payment_id: int,
    order_number: str,
    amount: Decimal,
    currency: str,
    email: str,
    source_id: str,
    installments: int = 0,
    antifraud: JSON | None = None,
    device_id: str = "",
    authentication: ThreeDSAuthentication | None = None,
) -> Charge:
    """Charge a card or Yape token. Raises CulqiError (declined: card_error, with decline_code).
    `antifraud`: Culqi's antifraud_details (the buyer's name, address and phone), for its fraud score;
    `device_id`: the browser's Culqi3DS device id (antifraud_details.device_finger_print_id);
    `authentication`: the 3-D Secure result, when a first charge of this card answered REVIEW."""
    antifraud = dict(antifraud or {})
    if device_id:
        antifraud["device_finger_print_id"] = device_id
    body: JSON = {
        "amount": cents(amount),
        "currency_code": currency,
        "email": email,
        "source_id": source_id,
        "description": f"Pedido {order_number}"[:80],
        "capture": True,
        "metadata": {"payment_id": str(payment_id), "order_number": order_number},
    }
    if installments:
        body["installments"] = installments
    if antifraud:
        body["antifraud_details"] = antifraud
    logged = body
    if authentication is not None:
        body["authentication_3DS"] = authentication.as_json()
        # The bank's cryptogram proves this one authentication: the log keeps what staff read, not it.
        logged = {
            **body,
            "authentication_3DS": {**body["authentication_3DS"], "cavv": "[redacted]", "xid": "[redacted]"},
        }
    data = _request(
        "POST", f"{API_URL}/charges", kind="charge.create", body=body, logged_body=logged, payment_id=payment_id
    )
    return _charge(data)


def charge_get(*, charge_id: str, payment_id: int | None = None) -> Charge:
    if not charge_id.startswith("chr_") or not charge_id.replace("_", "").isalnum():
        raise CulqiError("not a Culqi charge id", status_code=400, error_type="invalid_request_error")
    data = _request("GET", f"{API_URL}/charges/{charge_id}", kind="charge.get", payment_id=payment_id)
    return _charge(data)


def refund_create(*, charge_id: str, amount: Decimal, payment_id: int) -> str:
    """Refund (part of) a charge; Culqi's refund id."""
    body = {"amount": cents(amount), "charge_id": charge_id, "reason": "solicitud_comprador"}
    data = _request("POST", f"{API_URL}/refunds", kind="refund.create", body=body, payment_id=payment_id)
    if not data.get("id"):
        raise CulqiError("Culqi made no refund", unavailable=True)
    return str(data["id"])


# --- orders (PagoEfectivo CIP) -----------------------------------------------------------------


@dataclass(frozen=True)
class CulqiOrder:
    id: str
    state: str  # pending, paid, expired, deleted
    amount: Decimal | None
    currency: str
    payment_code: str  # the CIP
    expires_at: datetime | None
    url: str  # PagoEfectivo's page: where and how to pay the CIP
    payment_id: int | None


def _order(data: JSON) -> CulqiOrder:
    metadata = data.get("metadata") or {}
    raw_id = str(metadata.get("payment_id") or "")
    return CulqiOrder(
        id=str(data.get("id") or ""),
        state=str(data.get("state") or ""),
        amount=from_cents(data.get("amount")),
        currency=str(data.get("currency_code") or "").upper(),
        payment_code=str(data.get("payment_code") or data.get("cip_code") or ""),
        expires_at=from_timestamp(data.get("expiration_date")),
        url=str(data.get("url_pe") or data.get("url") or ""),
        payment_id=int(raw_id) if raw_id.isdigit() else None,
    )


def order_create(
    *,
    payment_id: int,
    order_number: str,
    amount: Decimal,
    currency: str,
    expires_at: datetime,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
) -> CulqiOrder:
    """A Culqi order for PagoEfectivo; confirmed at once when Culqi leaves it without its CIP."""
    body: JSON = {
        "amount": cents(amount),
        "currency_code": currency,
        "description": f"Pedido {order_number}"[:80],
        # Unique per attempt: Culqi refuses a second order with the same number.
        "order_number": f"{order_number}-{payment_id}",
        "expiration_date": int(expires_at.timestamp()),
        "client_details": {
            "first_name": first_name[:50] or "Cliente",
            "last_name": last_name[:50] or "Kallpa",
            "email": email,
            "phone_number": phone or "",
        },
        "confirm": True,
        "metadata": {"payment_id": str(payment_id), "order_number": order_number},
    }
    order = _order(_request("POST", f"{API_URL}/orders", kind="order.create", body=body, payment_id=payment_id))
    if not order.payment_code and order.id:
        data = _request(
            "POST",
            f"{API_URL}/orders/{order.id}/confirm",
            kind="order.confirm",
            body={},
            payment_id=payment_id,
        )
        order = _order(data)
    if not order.id or not order.payment_code:
        raise CulqiError("Culqi gave no CIP for the order", unavailable=True)
    return order


def order_get(*, culqi_order_id: str, payment_id: int | None = None) -> CulqiOrder:
    if not culqi_order_id.startswith("ord_") or not culqi_order_id.replace("_", "").isalnum():
        raise CulqiError("not a Culqi order id", status_code=400, error_type="invalid_request_error")
    return _order(_request("GET", f"{API_URL}/orders/{culqi_order_id}", kind="order.get", payment_id=payment_id))


# --- the day's list, for reconciliation -----------------------------------------------------------
# GET /v2/charges, /v2/orders?state=paid and /v2/refunds filtered by creation_date_from/_to (Unix
# seconds), newest first, paged with the `after` cursor of paging.cursors until no more come. A card
# or Yape payment is a charge (chr_…), a PagoEfectivo payment the paid order of its CIP (ord_…), as
# the store records them.

LIST_LIMIT = 100


def _listed(path: str, kind: str, start: datetime, end: datetime, **filters: str) -> Iterator[JSON]:
    after = ""
    while True:
        query = {
            "creation_date_from": str(int(start.timestamp())),
            "creation_date_to": str(int(end.timestamp())),
            "limit": str(LIST_LIMIT),
            **filters,
        }
        if after:
            query["after"] = after
        data = _request("GET", f"{API_URL}/{path}?{urlencode(query)}", kind=kind)
        rows = [row for row in data.get("data") or [] if isinstance(row, dict)]
        yield from rows
        cursor = str(((data.get("paging") or {}).get("cursors") or {}).get("after") or "")
        if not rows or not cursor or cursor == after:
            return
        after = cursor


def _in_span(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def day_list(*, start: datetime, end: datetime) -> GatewayDay:
    """The charges and paid CIP orders Culqi took and the refunds it made in [start, end). Raises CulqiError."""
    payments = []
    for data in _listed("charges", "charge.list", start, end):
        charge, created = _charge(data), from_timestamp(data.get("creation_date"))
        if charge.paid and data.get("capture", True) is not False and charge.amount and created is not None:
            if _in_span(created, start, end):
                payments.append(ListedPayment(charge.id, charge.amount, charge.currency, created, charge.payment_id))
    for data in _listed("orders", "order.list", start, end, state="paid"):
        order = _order(data)
        paid_at = from_timestamp(data.get("paid_at") or data.get("updated_at") or data.get("creation_date"))
        if order.state == "paid" and order.amount and _in_span(paid_at, start, end) and paid_at is not None:
            payments.append(ListedPayment(order.id, order.amount, order.currency, paid_at, order.payment_id))
    refunds = []
    for data in _listed("refunds", "refund.list", start, end):
        made, amount = from_timestamp(data.get("creation_date")), from_cents(data.get("amount"))
        if made is not None and amount and _in_span(made, start, end):
            refunds.append(
                ListedRefund(str(data.get("id") or ""), str(data.get("charge_id") or ""), amount, "PEN", made)
            )
    return GatewayDay(payments=tuple(payments), refunds=tuple(refunds))
