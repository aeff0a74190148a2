"""PayPal Orders v2 through paypal-server-sdk: the shopper approves the order on PayPal's
page and the store captures it when the shopper comes back. Every POST carries a
deterministic PayPal-Request-Id (PayPal's idempotency key), so a retried request (ours or a
double click) never creates a second order, capture or refund for one attempt.

The SDK's HTTP goes through requests (apimatic-requests-client-adapter), so tests fake
PayPal with `responses`. Amounts keep the order's currency (PEN): PayPal does not accept
PEN for every merchant account; such an account answers 422 CURRENCY_NOT_SUPPORTED, which
reaches the shopper as a refusal and leaves the order pending."""

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import requests
from apimatic_core.utilities.api_helper import ApiHelper
from django.conf import settings
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_application_context import OrderApplicationContext
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from ..gateway_log import gateway_log_write
from .listing import GatewayDay, ListedPayment, ListedRefund, attempt_id

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
DECLINE_ISSUES = {
    "INSTRUMENT_DECLINED",
    "TRANSACTION_REFUSED",
    "PAYER_CANNOT_PAY",
    "CARD_EXPIRED",
    "PAYEE_BLOCKED_TRANSACTION",
}


class PayPalError(Exception):
    """PayPal refused the request, answered with an error, or did not answer (timeout,
    connection error). `unavailable` tells the last two apart from a refusal."""

    def __init__(self, message: str, *, unavailable: bool = False, issue: str = "", status_code: int | None = None):
        super().__init__(message)
        self.unavailable, self.issue, self.status_code = unavailable, issue, status_code


@dataclass(frozen=True)
class CaptureResult:
    status: str  # COMPLETED, PENDING, DECLINED, FAILED (PayPal's capture status)
    capture_id: str
    amount: Decimal | None
    currency: str
    issue: str = ""  # PayPal's issue code when declined (INSTRUMENT_DECLINED ...)


@dataclass(frozen=True)
class RefundResult:
    status: str  # COMPLETED, PENDING, FAILED, CANCELLED
    refund_id: str
    amount: Decimal | None
    currency: str


def request_id(payment_id: int, step: str) -> str:
    return f"kallpa-payment-{payment_id}-{step}"


def _client() -> PaypalServersdkClient:
    live = str(getattr(settings, "PAYPAL_MODE", "sandbox")).lower() in ("live", "production")
    return PaypalServersdkClient(
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=settings.PAYPAL_CLIENT_ID, o_auth_client_secret=settings.PAYPAL_CLIENT_SECRET
        ),
        environment=Environment.PRODUCTION if live else Environment.SANDBOX,
        timeout=getattr(settings, "PAYPAL_TIMEOUT", 15),
        max_retries=0,  # no blind retries: the request id makes our own retries safe
    )


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def _body(response) -> dict:
    try:
        data = json.loads(getattr(response, "text", "") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _call(what: str, call, *, request=None, payment_id: int | None = None):
    """Run one SDK call; its failures become PayPalError (the access token never leaves here).
    The request and the response (or error) go to the gateway log, redacted there."""
    kind = what.replace(" ", ".")
    sent = json.loads(ApiHelper.json_serialize(request)) if request is not None else {"operation": what}
    gateway_log_write(provider="paypal", direction="request", kind=kind, body=sent, payment_id=payment_id)
    started = time.perf_counter()

    def log_response(body, status):
        gateway_log_write(
            provider="paypal",
            direction="response",
            kind=kind,
            body=body,
            status_code=status,
            payment_id=payment_id,
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    try:
        data = _body(call())
    except requests.exceptions.RequestException as error:
        log_response({"error": type(error).__name__}, None)
        logger.warning("PayPal did not answer (%s): %s", what, type(error).__name__)
        raise PayPalError(f"PayPal did not answer ({what})", unavailable=True) from None
    except ApiException as error:
        status = getattr(error, "response_code", None)
        data = _body(getattr(error, "response", None))
        log_response(data, status)
        details = data.get("details") or [{}]
        issue = str((details[0] or {}).get("issue") or data.get("name") or data.get("error") or "")
        logger.warning("PayPal answered %s to %s: %s (debug id %s)", status, what, issue, data.get("debug_id"))
        raise PayPalError(
            f"PayPal answered {status} ({what}): {issue}",
            unavailable=status is None or status >= 500 or status in (401, 403, 429),
            issue=issue,
            status_code=status,
        ) from None
    log_response(data, 200)
    return data


def order_create(
    *, payment_id: int, order_number: str, amount: Decimal, currency: str = "PEN", return_url: str, cancel_url: str
) -> tuple[str, str]:
    """A PayPal order for one payment attempt: (PayPal order id, the URL where the shopper approves it)."""
    body = OrderRequest(
        intent=CheckoutPaymentIntent.CAPTURE,
        purchase_units=[
            PurchaseUnitRequest(
                amount=AmountWithBreakdown(currency_code=currency, value=_money(amount)),
                reference_id=order_number,
                custom_id=str(payment_id),
                invoice_id=order_number,
                description=f"Pedido {order_number}",
            )
        ],
        application_context=OrderApplicationContext(
            brand_name="Kallpa",
            locale="es-PE",
            shipping_preference="NO_SHIPPING",
            user_action="PAY_NOW",
            return_url=return_url,
            cancel_url=cancel_url,
        ),
    )
    data = _call(
        "create order",
        lambda: _client().orders.create_order(
            {"body": body, "paypal_request_id": request_id(payment_id, "create"), "prefer": "return=minimal"}
        ),
        request=body,
        payment_id=payment_id,
    )
    approve = next(
        (link.get("href") for link in data.get("links") or [] if link.get("rel") in ("approve", "payer-action")), ""
    )
    if not data.get("id") or not approve:
        raise PayPalError("PayPal created no order to approve", unavailable=True)
    return str(data["id"]), str(approve)


def _capture_of(data: dict) -> dict:
    for unit in data.get("purchase_units") or []:
        captures = (unit.get("payments") or {}).get("captures") or []
        if captures:
            return captures[0]
    return {}


def _amount(money: dict) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(str(money["value"])) if money.get("value") is not None else None
    except ArithmeticError:
        value = None
    return value, str(money.get("currency_code") or "").upper()


def order_capture(*, paypal_order_id: str, payment_id: int) -> CaptureResult:
    """Capture an approved order. A declined funding source is a result (status DECLINED),
    not an error; other refusals and outages raise PayPalError."""
    try:
        data = _call(
            "capture order",
            lambda: _client().orders.capture_order(
                {
                    "id": paypal_order_id,
                    "paypal_request_id": request_id(payment_id, "capture"),
                    "prefer": "return=representation",
                }
            ),
            payment_id=payment_id,
        )
    except PayPalError as error:
        if error.issue in DECLINE_ISSUES:
            return CaptureResult(status="DECLINED", capture_id="", amount=None, currency="", issue=error.issue)
        raise
    capture = _capture_of(data)
    amount, currency = _amount(capture.get("amount") or {})
    status = str(capture.get("status") or data.get("status") or "").upper()
    issue = str((capture.get("status_details") or {}).get("reason") or "")
    return CaptureResult(
        status=status, capture_id=str(capture.get("id") or ""), amount=amount, currency=currency, issue=issue
    )


def capture_refund(
    *, capture_id: str, amount: Decimal, currency: str = "PEN", refund_id: int, payment_id: int, note: str = ""
) -> RefundResult:
    """Refund (part of) a capture; the same store refund always gets the same PayPal refund
    (request id per store refund). custom_id carries the payment id, as the capture's does,
    so the PAYMENT.CAPTURE.REFUNDED webhook finds the payment."""
    body = RefundRequest(
        amount=Money(currency_code=currency, value=_money(amount)),
        custom_id=str(payment_id),
        **({"note_to_payer": note[:255]} if note else {}),
    )
    data = _call(
        "refund capture",
        lambda: _client().payments.refund_captured_payment(
            {
                "capture_id": capture_id,
                "body": body,
                "paypal_request_id": f"kallpa-refund-{refund_id}",
                "prefer": "return=representation",
            }
        ),
        request=body,
        payment_id=payment_id,
    )
    value, code = _amount(data.get("amount") or {})
    return RefundResult(
        status=str(data.get("status") or "").upper(), refund_id=str(data.get("id") or ""), amount=value, currency=code
    )


# --- the day's list, for reconciliation (Transaction Search) -----------------------------------------
# GET /v1/reporting/transactions, page by page. The REST app needs Transaction Search enabled; a
# transaction may take up to three hours to appear, so a day is reconciled once it has long ended.
# Event codes T00xx are payments received; T11xx are reversals, T1107 the refunds the store made.

SEARCH_PAGE_SIZE = 500
CAPTURED = {"S", "V"}  # S: completed; V: completed, then reversed (refunded in full): money was taken


def _search_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _search_when(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise PayPalError(f"PayPal listed a transaction without a readable date: {value!r}") from None


def _transactions(start: datetime, end: datetime) -> Iterator[dict]:
    page, pages = 1, 1
    while page <= pages:
        options = {
            "start_date": _search_time(start),
            "end_date": _search_time(end),
            "fields": "transaction_info",
            "page_size": SEARCH_PAGE_SIZE,
            "page": page,
        }
        data = _call(
            "search transactions",
            lambda options=options: _client().transaction_search.search_transactions(options),
            request=options,
        )
        for detail in data.get("transaction_details") or []:
            yield detail.get("transaction_info") or {}
        pages = int(data.get("total_pages") or 1)
        page += 1


def day_list(*, start: datetime, end: datetime) -> GatewayDay:
    """The captures PayPal made and the refunds it sent back in [start, end). Raises PayPalError.
    PayPal's search ends inclusive; a transaction at exactly `end` belongs to the next span."""
    payments, refunds = [], []
    for info in _transactions(start, end):
        code = str(info.get("transaction_event_code") or "")
        value, currency = _amount(info.get("transaction_amount") or {})
        created_at = _search_when(info.get("transaction_initiation_date"))
        if value is None or not start <= created_at < end:
            continue
        if code.startswith("T00") and value > 0 and info.get("transaction_status") in CAPTURED:
            payments.append(
                ListedPayment(
                    reference=str(info.get("transaction_id") or ""),
                    amount=value,
                    currency=currency,
                    created_at=created_at,
                    store_payment_id=attempt_id(info.get("custom_field")),
                )
            )
        elif code.startswith("T11") and value < 0 and info.get("transaction_status") == "S":
            refunds.append(
                ListedRefund(
                    reference=str(info.get("transaction_id") or ""),
                    payment_reference=str(info.get("paypal_reference_id") or ""),
                    amount=-value,
                    currency=currency,
                    created_at=created_at,
                )
            )
    return GatewayDay(payments=tuple(payments), refunds=tuple(refunds))
