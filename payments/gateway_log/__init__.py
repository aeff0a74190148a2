"""The gateway log: every outbound gateway request and response and every webhook body, secrets
redacted, in MongoDB when MONGO_URL is set and in the GatewayLogEntry table otherwise.

Logging never breaks a payment: `gateway_log_write` and `gateway_log_entries` catch everything
and report it through the logging module."""

import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django_guid import get_guid

from . import stores
from .redaction import redact, redact_url

__all__ = ["gateway_log_entries", "gateway_log_store", "gateway_log_write", "redact"]

logger = logging.getLogger(__name__)

DIRECTIONS = ("request", "response", "webhook")
# A stored body is at most this many characters of JSON (MongoDB documents stop at 16 MB).
MAX_BODY_CHARS = 200_000

_store = None


def gateway_log_store():
    """The store of this process, chosen once from settings."""
    global _store
    if _store is None:
        url = getattr(settings, "MONGO_URL", "")
        _store = stores.MongoStore(url) if url else stores.SqlStore()
    return _store


@receiver(setting_changed)
def _reset_store(*, setting, **kwargs):
    global _store
    if setting == "MONGO_URL":
        _store = None


def _storable(body):
    """Redacted, then plain JSON data (Decimals, dates and tuples made JSON), capped in size."""
    if not isinstance(body, (str, bytes, bytearray, memoryview)):
        body = json.loads(json.dumps(body, cls=DjangoJSONEncoder, default=str))
    body = redact(body)
    text = json.dumps(body, ensure_ascii=False)
    if len(text) > MAX_BODY_CHARS:
        return {"truncated": True, "text": text[:MAX_BODY_CHARS]}
    return body


def gateway_log_write(
    *,
    provider: str,
    direction: str,
    kind: str,
    body: object,  # anything JSON can hold (DjangoJSONEncoder; other values as text)
    order_id: int | None = None,
    payment_id: int | None = None,
    status_code: int | None = None,
    url: str = "",
    duration_ms: float | None = None,
) -> None:
    """Store one gateway request, response or webhook body, redacted. Never raises."""
    try:
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown gateway log direction {direction!r}")
        store = gateway_log_store()
        store.write(
            {
                "created_at": timezone.now(),
                "provider": str(provider),
                "direction": direction,
                "kind": str(kind)[:80],
                "order_id": order_id,
                "payment_id": payment_id,
                "status_code": status_code,
                "url": redact_url(url or "")[:500],
                "duration_ms": duration_ms,
                "body": _storable(body),
                "request_id": get_guid() or "",
            }
        )
    except Exception:
        logger.exception("Gateway log write failed (%s %s %s)", provider, direction, kind)


def gateway_log_entries(*, payment_id: int | None = None, order_id: int | None = None, limit: int = 50) -> list[dict]:
    """The newest entries of a payment and/or an order, newest first, from the active store; an
    empty list if the store cannot be read. Each entry: created_at, provider, direction, kind,
    order_id, payment_id, status_code, url, duration_ms, body, request_id."""
    try:
        return gateway_log_store().entries(payment_id=payment_id, order_id=order_id, limit=limit)
    except Exception:
        logger.exception("Gateway log read failed (payment %s, order %s)", payment_id, order_id)
        return []
