"""Mercado Pago as seen from the store: its API's answers and notifications signed as it signs them."""

import hashlib
import hmac
import json
import time

API = "https://api.mercadopago.com"
PREFERENCES = f"{API}/checkout/preferences"
ACCESS_TOKEN = "TEST-5432109876543210-112200-kallpa0secret0token-123456789"
WEBHOOK_SECRET = "kallpa-mp-webhook-secret"
PREFERENCE_ID = "123456789-6a5b4c3d-kallpa"
INIT_POINT = f"https://www.mercadopago.com.pe/checkout/v1/redirect?pref_id={PREFERENCE_ID}"


def payment_json(
    payment, *, mp_id="1319500012", status="approved", amount=None, currency="PEN", external_reference=None, refunds=()
):
    return {
        "id": int(mp_id),
        "status": status,
        "status_detail": "accredited" if status == "approved" else "cc_rejected",
        "external_reference": str(payment.pk if external_reference is None else external_reference),
        "transaction_amount": float(amount if amount is not None else payment.amount),
        "currency_id": currency,
        "payment_method_id": "visa",
        "card": {"last_four_digits": "4242", "first_six_digits": "450995"},
        "payer": {"email": "rosa@example.pe"},
        "refunds": [{"id": rid, "amount": float(value), "status": "approved"} for rid, value in refunds],
    }


def notification(mp_id="1319500012", *, event_id=114523908):
    return {
        "action": "payment.updated",
        "api_version": "v1",
        "data": {"id": str(mp_id)},
        "date_created": "2026-11-22T10:04:58Z",
        "id": event_id,
        "live_mode": False,
        "type": "payment",
        "user_id": "1234567",
    }


def signed_headers(data_id: str, *, secret: str = WEBHOOK_SECRET, ts: int | None = None, request_id: str = "req-1"):
    ts = int(time.time()) if ts is None else ts
    manifest = f"id:{data_id};request-id:{request_id};ts:{ts};"
    digest = hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()
    return {"HTTP_X_SIGNATURE": f"ts={ts},v1={digest}", "HTTP_X_REQUEST_ID": request_id}


def post_notification(client, payload: dict, *, data_id: str | None = None, headers: dict | None = None):
    data_id = str(payload["data"]["id"]) if data_id is None else data_id
    return client.post(
        f"/payments/webhooks/mercadopago/?data.id={data_id}&type=payment",
        data=json.dumps(payload),
        content_type="application/json",
        **(signed_headers(data_id) if headers is None else headers),
    )
