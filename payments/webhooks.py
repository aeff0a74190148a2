"""The gateways' webhook endpoints: verify the signature first (nothing is stored for a bad
one), store the event once, answer 200 at once; processing happens in a Celery task. The
only views without CSRF protection: the signature is what authenticates them."""

import json
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .clients.webhook_verify import CertificateUnavailable, NotConfigured, SignatureError
from .gateway_log import gateway_log_write
from .models import Provider
from .services.gateways import gateway_for
from .services.webhooks import webhook_event_store

logger = logging.getLogger(__name__)


def _log(request: HttpRequest, provider: str, status: int, kind: str = "") -> None:
    gateway_log_write(
        provider=provider,
        direction="webhook",
        kind=kind or "unverified",
        body=request.body,
        status_code=status,
        url=request.path,
    )


def _refused(provider: str, error: Exception, status: int, request: HttpRequest | None = None) -> HttpResponse:
    logger.warning("%s webhook refused: %s", provider, error)
    if request is not None:
        _log(request, provider.lower(), status)
    return JsonResponse({"error": "signature" if status == 401 else "unavailable"}, status=status)


def _store(request: HttpRequest, *, provider: str, id_key: str, type_key: str) -> HttpResponse:
    try:
        raw_body = request.body.decode("utf-8")
        payload = json.loads(raw_body)
        event_id, event_type = str(payload[id_key]), str(payload[type_key])
    except (ValueError, KeyError, TypeError):  # UnicodeDecodeError is a ValueError
        return JsonResponse({"error": "payload"}, status=400)
    if not event_id:
        return JsonResponse({"error": "payload"}, status=400)
    _event, created = webhook_event_store(
        provider=provider, event_id=event_id, event_type=event_type, payload=payload, raw_body=raw_body
    )
    _log(request, provider, 200, event_type)
    return JsonResponse({"received": True, "duplicate": not created})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        gateway_for(Provider.STRIPE).verify_webhook(raw_body=request.body, headers=request.headers)
    except NotConfigured as error:
        return _refused("Stripe", error, 503, request)
    except SignatureError as error:
        return _refused("Stripe", error, 401, request)
    return _store(request, provider=Provider.STRIPE, id_key="id", type_key="type")


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    try:
        gateway_for(Provider.PAYPAL).verify_webhook(raw_body=request.body, headers=request.headers)
    except (NotConfigured, CertificateUnavailable) as error:
        return _refused("PayPal", error, 503, request)
    except SignatureError as error:
        return _refused("PayPal", error, 401, request)
    return _store(request, provider=Provider.PAYPAL, id_key="id", type_key="event_type")


@csrf_exempt
@require_POST
def mercadopago_webhook(request: HttpRequest) -> HttpResponse:
    """Mercado Pago signs data.id (the query's), x-request-id and ts; the body must name the same
    data.id. The payment itself is read back from the API when the event is processed."""
    data_id = request.GET.get("data.id", "").strip()
    try:
        gateway_for(Provider.MERCADOPAGO).verify_webhook(
            raw_body=request.body, headers=request.headers, data_id=data_id
        )
        body_id = str((json.loads(request.body.decode("utf-8")).get("data") or {}).get("id") or "")
    except NotConfigured as error:
        return _refused("Mercado Pago", error, 503, request)
    except SignatureError as error:
        return _refused("Mercado Pago", error, 401, request)
    except (ValueError, AttributeError):  # not JSON, or not an object
        return JsonResponse({"error": "payload"}, status=400)
    if body_id != data_id:
        return _refused("Mercado Pago", SignatureError("the body names another data.id"), 401, request)
    return _store(request, provider=Provider.MERCADOPAGO, id_key="id", type_key="type")


def _culqi_event_id(payload: object) -> tuple[str, str]:
    """(event id, type) of a Culqi event; its `data` is the object or, as Culqi sends it, its JSON text.
    An event without an id is named by its type, object and state (a resend is then the same event)."""
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    event_type = str(payload.get("type") or "")
    data = payload.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    if not event_type or not isinstance(data, dict) or not data.get("id"):
        raise ValueError("no type or data.id")
    event_id = str(payload.get("id") or f"{event_type}:{data['id']}:{data.get('state') or ''}")
    return event_id, event_type


@csrf_exempt
@require_POST
def culqi_webhook(request: HttpRequest) -> HttpResponse:
    """Culqi signs nothing: the URL's key must be the store's secret; then the event is stored once
    and, when processed, the charge or order it names is read back from Culqi's API."""
    try:
        gateway_for(Provider.CULQI).verify_webhook(
            raw_body=request.body, headers=request.headers, data_id=request.GET.get("key", "")
        )
    except NotConfigured as error:
        return _refused("Culqi", error, 503, request)
    except SignatureError as error:
        return _refused("Culqi", error, 401, request)
    try:
        raw_body = request.body.decode("utf-8")
        payload = json.loads(raw_body)
        event_id, event_type = _culqi_event_id(payload)
    except (ValueError, TypeError):
        return JsonResponse({"error": "payload"}, status=400)
    _event, created = webhook_event_store(
        provider=Provider.CULQI, event_id=event_id, event_type=event_type, payload=payload, raw_body=raw_body
    )
    _log(request, Provider.CULQI, 200, event_type)
    return JsonResponse({"received": True, "duplicate": not created})
