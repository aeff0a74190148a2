"""Culqi as seen from the store: its API v2's JSON answers (charges, tokens, orders, errors) and its
webhook events, in the shapes Culqi sends them."""

import json
import time

API = "https://api.culqi.com/v2"
SECURE = "https://secure.culqi.com/v2"
PUBLIC_KEY = "pk_test_90667d0a57d45c48"
SECRET_KEY = "sk_test_1573b0e8079863ff"
WEBHOOK_SECRET = "kallpa-culqi-webhook-3f9a2c"
TOKEN = "tkn_test_0CjjdWhFpEAZlxlz"
YAPE_TOKEN = "ype_test_BmsKSvs2n9eR0441"
CHARGE_ID = "chr_test_kEazTaQBDtzNdwFr"
ORDER_ID = "ord_test_r8FAvR8A1bHwh2bX"
CIP = "23605214"  # PagoEfectivo CIPs are eight digits


def cents(amount) -> int:
    return int(round(float(amount) * 100))


def token_json(*, token_id=TOKEN, installments_allowed=(2, 3, 6, 12), brand="Visa", last_four="1111"):
    return {
        "object": "token",
        "id": token_id,
        "type": "card",
        "creation_date": 1764067200000,
        "email": "rosa@example.pe",
        "card_number": f"411111******{last_four}",
        "last_four": last_four,
        "active": True,
        "iin": {
            "object": "iin",
            "bin": "411111",
            "card_brand": brand,
            "card_type": "crédito",
            "card_category": "Clásica",
            "issuer": {"name": "BBVA", "country": "PERU", "country_code": "PE", "website": None, "phone_number": None},
            "installments_allowed": list(installments_allowed),
        },
        "client": {"ip": "190.236.10.2", "ip_country": "Peru", "ip_country_code": "PE", "browser": "Chrome"},
        "metadata": {},
    }


def charge_json(payment, *, charge_id=CHARGE_ID, amount=None, installments=0, source=TOKEN, action_code=None):
    data = {
        "duplicated": False,
        "object": "charge",
        "id": charge_id,
        "creation_date": 1764067260000,
        "amount": cents(payment.amount if amount is None else amount),
        "amount_refunded": 0,
        "current_amount": cents(payment.amount if amount is None else amount),
        "installments": installments,
        "installments_amount": None,
        "currency_code": "PEN",
        "email": "rosa@example.pe",
        "description": f"Pedido {payment.order.number}",
        "source": {
            "object": "token",
            "id": source,
            "type": "card" if source.startswith("tkn_") else "yape",
            "creation_date": 1764067200000,
            "email": "rosa@example.pe",
            "card_number": "411111******1111",
            "last_four": "1111",
            "active": True,
            "iin": {"object": "iin", "bin": "411111", "card_brand": "Visa", "card_type": "crédito"},
        },
        "outcome": {
            "type": "venta_exitosa",
            "code": "AUT0000",
            "merchant_message": "La operación de venta ha sido autorizada exitosamente",
            "user_message": "Su compra ha sido exitosa.",
        },
        "fraud_score": 12,
        "dispute": False,
        "capture": True,
        "reference_code": "E8UITV4Q7R",
        "authorization_code": "Tz3wjx",
        "metadata": {"payment_id": str(payment.pk), "order_number": payment.order.number},
        "total_fee": None,
        "paid": False,
    }
    if action_code:
        data = {
            "action_code": action_code,
            "user_message": "Necesitamos autenticar tu tarjeta.",
            "merchant_message": "Se requiere 3DS",
        }
    return data


def card_error(decline_code="insufficient_funds", charge_id="chr_test_declined0000001"):
    return {
        "object": "error",
        "type": "card_error",
        "charge_id": charge_id,
        "code": "card_declined",
        "decline_code": decline_code,
        "merchant_message": "La tarjeta no tiene fondos suficientes para realizar la compra.",
        "user_message": "Su tarjeta no tiene fondos suficientes. Para realizar la compra, verifica tus fondos disponibles"
        " con el banco emisor o inténtalo nuevamente con otra tarjeta.",
    }


def request_error(param="source_id", message="El token enviado no es válido."):
    return {
        "object": "error",
        "type": "invalid_request_error",
        "merchant_message": message,
        "user_message": message,
        "param": param,
    }


def order_json(payment, *, order_id=ORDER_ID, state="pending", amount=None, expires_in=24 * 3600, code=CIP):
    return {
        "object": "order",
        "id": order_id,
        "amount": cents(payment.amount if amount is None else amount),
        "payment_code": code,
        "currency_code": "PEN",
        "description": f"Pedido {payment.order.number}",
        "order_number": f"{payment.order.number}-{payment.pk}",
        "state": state,
        "total_fee": None,
        "net_amount": None,
        "fee_details": None,
        "creation_date": int(time.time()),
        "expiration_date": int(time.time()) + expires_in,
        "updated_at": None,
        "paid_at": int(time.time()) if state == "paid" else None,
        "available_on": None,
        "metadata": {"payment_id": str(payment.pk), "order_number": payment.order.number},
        "url_pe": f"https://pagoefectivo.pe/pagar?cip={code}",
    }


def event(event_type, data, *, event_id="evt_test_rJ1ptB2z5qgSHgzd"):
    """Culqi's event: `data` is the object as JSON text."""
    return {
        "object": "event",
        "id": event_id,
        "type": event_type,
        "creation_date": int(time.time()),
        "data": json.dumps(data),
    }


def post_event(client, payload, *, key=WEBHOOK_SECRET):
    url = "/payments/webhooks/culqi/" + (f"?key={key}" if key is not None else "")
    return client.post(url, data=json.dumps(payload), content_type="application/json")
