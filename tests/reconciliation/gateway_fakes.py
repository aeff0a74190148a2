"""Stripe, PayPal and Mercado Pago as reconciliation sees them: each gateway's own list endpoint,
answered by a `responses` callback with the gateway's real response shape and its own paging
(Stripe's starting_after, PayPal's page/total_pages, Mercado Pago's offset/paging.total), serving
the charges, transactions and payments a test puts in it. The page size is the fake's own (small,
so every test pages), as a real gateway may return fewer than asked."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import responses
from django.utils import timezone

PAGE = 2

STRIPE_API = "https://api.stripe.com"
PAYPAL_API = "https://api-m.sandbox.paypal.com"
MP_API = "https://api.mercadopago.com"
CULQI_API = "https://api.culqi.com/v2"


def _query(request) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(request.url).query).items()}


def _cents(amount: Decimal) -> int:
    return int(Decimal(amount) * 100)


class FakeStripe:
    def __init__(self, api: responses.RequestsMock):
        self.charges: list[dict] = []
        self.refunds: list[dict] = []
        self.pages_served = 0
        api.add_callback(responses.GET, f"{STRIPE_API}/v1/charges", callback=self._lister(self.charges, "/v1/charges"))
        api.add_callback(responses.GET, f"{STRIPE_API}/v1/refunds", callback=self._lister(self.refunds, "/v1/refunds"))

    def charge(self, intent: str, amount: Decimal, at: datetime, *, status="succeeded") -> dict:
        cents = _cents(amount)
        charge = {
            "id": "ch_" + intent.removeprefix("pi_"),
            "object": "charge",
            "amount": cents,
            "amount_captured": cents if status == "succeeded" else 0,
            "amount_refunded": 0,
            "balance_transaction": "txn_" + intent.removeprefix("pi_"),
            "captured": status == "succeeded",
            "created": int(at.timestamp()),
            "currency": "pen",
            "livemode": False,
            "metadata": {},
            "paid": status == "succeeded",
            "payment_intent": intent,
            "payment_method_details": {"card": {"brand": "visa", "last4": "4242"}, "type": "card"},
            "refunded": False,
            "status": status,
        }
        self.charges.append(charge)
        return charge

    def refund(self, refund_id: str, intent: str, amount: Decimal, at: datetime, *, status="succeeded") -> dict:
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": _cents(amount),
            "balance_transaction": "txn_" + refund_id,
            "charge": "ch_" + intent.removeprefix("pi_"),
            "created": int(at.timestamp()),
            "currency": "pen",
            "metadata": {},
            "payment_intent": intent,
            "reason": "requested_by_customer",
            "status": status,
        }
        self.refunds.append(refund)
        return refund

    def _lister(self, rows: list[dict], url: str):
        def answer(request):
            query = _query(request)
            gte, lt = int(query["created[gte]"]), int(query["created[lt]"])
            # Stripe lists newest first; starting_after continues after the last row of the previous page.
            listed = sorted(
                (row for row in rows if gte <= row["created"] < lt), key=lambda row: (-row["created"], row["id"])
            )
            after = query.get("starting_after")
            if after:
                listed = listed[[row["id"] for row in listed].index(after) + 1 :]
            self.pages_served += 1
            body = {"object": "list", "data": listed[:PAGE], "has_more": len(listed) > PAGE, "url": url}
            return 200, {"Request-Id": "req_kallpa"}, json.dumps(body)

        return answer


class FakePayPal:
    def __init__(self, api: responses.RequestsMock):
        self.transactions: list[dict] = []
        self.pages_served = 0
        api.post(
            f"{PAYPAL_API}/v1/oauth2/token",
            json={
                "access_token": "A21AAkallpa-reporting-token",
                "token_type": "Bearer",
                "expires_in": 32400,
                "scope": "https://uri.paypal.com/services/reporting/search/read",
            },
        )
        api.add_callback(responses.GET, f"{PAYPAL_API}/v1/reporting/transactions", callback=self._answer)

    def _add(self, info: dict) -> dict:
        self.transactions.append({"transaction_info": info})
        return info

    def capture(self, capture_id: str, amount: Decimal, at: datetime, *, payment_id: int | None = None, status="S"):
        return self._add(
            {
                "paypal_account_id": "6STWC2LSUYYYE",
                "transaction_id": capture_id,
                "transaction_event_code": "T0006",
                "transaction_initiation_date": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "transaction_updated_date": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "transaction_amount": {"currency_code": "PEN", "value": f"{amount:.2f}"},
                "fee_amount": {"currency_code": "PEN", "value": f"-{Decimal(amount) * Decimal('0.05'):.2f}"},
                "transaction_status": status,
                "invoice_id": "K-000001",
                "custom_field": str(payment_id or ""),
                "protection_eligibility": "01",
            }
        )

    def refund(self, refund_id: str, capture_id: str, amount: Decimal, at: datetime):
        return self._add(
            {
                "paypal_account_id": "6STWC2LSUYYYE",
                "transaction_id": refund_id,
                "paypal_reference_id": capture_id,
                "paypal_reference_id_type": "TXN",
                "transaction_event_code": "T1107",
                "transaction_initiation_date": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "transaction_updated_date": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "transaction_amount": {"currency_code": "PEN", "value": f"-{amount:.2f}"},
                "transaction_status": "S",
            }
        )

    def _answer(self, request):
        query = _query(request)
        start = datetime.fromisoformat(query["start_date"])
        end = datetime.fromisoformat(query["end_date"])
        page = int(query.get("page", 1))
        # PayPal's end_date is inclusive.
        listed = [
            row
            for row in self.transactions
            if start <= datetime.fromisoformat(row["transaction_info"]["transaction_initiation_date"]) <= end
        ]
        pages = max(1, -(-len(listed) // PAGE))
        self.pages_served += 1
        body = {
            "transaction_details": listed[(page - 1) * PAGE : page * PAGE],
            "account_number": "6STWC2LSUYYYE",
            "start_date": query["start_date"],
            "end_date": query["end_date"],
            "last_refreshed_datetime": "2026-11-22T07:59:59+0000",
            "page": page,
            "total_items": len(listed),
            "total_pages": pages,
            "links": [],
        }
        return 200, {"Paypal-Debug-Id": "f1d2c3b4a5"}, json.dumps(body)


class FakeMercadoPago:
    def __init__(self, api: responses.RequestsMock):
        self.payments: list[dict] = []
        self.ranges_asked: list[str] = []
        api.add_callback(responses.GET, f"{MP_API}/v1/payments/search", callback=self._answer)

    def payment(
        self, mp_id: int, amount: Decimal, at: datetime, *, payment_id: int | None = None, status="approved"
    ) -> dict:
        stamp = _mp_time(at)
        payment = {
            "id": mp_id,
            "date_created": stamp,
            "date_approved": stamp if status == "approved" else None,
            "date_last_updated": stamp,
            "money_release_date": stamp,
            "operation_type": "regular_payment",
            "payment_method_id": "yape",
            "payment_type_id": "bank_transfer",
            "status": status,
            "status_detail": "accredited" if status == "approved" else "pending_waiting_transfer",
            "currency_id": "PEN",
            "description": "Pedido",
            "external_reference": str(payment_id or ""),
            "transaction_amount": float(amount),
            "transaction_amount_refunded": 0,
            "refunds": [],
        }
        self.payments.append(payment)
        return payment

    def refund(self, payment: dict, refund_id: int, amount: Decimal, at: datetime) -> None:
        payment["refunds"].append(
            {
                "id": refund_id,
                "payment_id": payment["id"],
                "amount": float(amount),
                "source": {"id": "1234567", "name": "Kallpa", "type": "collector"},
                "date_created": _mp_time(at),
                "unique_sequence_number": None,
                "refund_mode": "standard",
                "adjustment_amount": 0,
                "status": "approved",
                "reason": None,
            }
        )
        payment["date_last_updated"] = _mp_time(at)
        payment["transaction_amount_refunded"] = float(amount)

    def _answer(self, request):
        query = _query(request)
        field = query["range"]
        self.ranges_asked.append(field)
        start, end = datetime.fromisoformat(query["begin_date"]), datetime.fromisoformat(query["end_date"])
        offset = int(query.get("offset", 0))
        listed = [row for row in self.payments if row[field] and start <= datetime.fromisoformat(row[field]) <= end]
        body = {
            "paging": {"total": len(listed), "limit": PAGE, "offset": offset},
            "results": listed[offset : offset + PAGE],
        }
        return 200, {}, json.dumps(body)


def _mp_time(at: datetime) -> str:
    """As Mercado Pago writes its dates: milliseconds and the account's offset (Lima's)."""
    return timezone.localtime(at).isoformat(timespec="milliseconds")


class FakeCulqi:
    """Culqi's lists: newest first, filtered by creation_date_from/_to (seconds), paged by `after`."""

    def __init__(self, api: responses.RequestsMock):
        self.charges: list[dict] = []
        self.orders: list[dict] = []
        self.refunds: list[dict] = []
        self.pages_served = 0
        for path, rows in (("charges", self.charges), ("orders", self.orders), ("refunds", self.refunds)):
            api.add_callback(responses.GET, f"{CULQI_API}/{path}", callback=self._lister(path, rows))

    def charge(self, charge_id: str, amount: Decimal, at: datetime, *, payment_id: int | None = None, paid=True):
        charge = {
            "object": "charge",
            "id": charge_id,
            "creation_date": int(at.timestamp() * 1000),
            "amount": _cents(amount),
            "amount_refunded": 0,
            "current_amount": _cents(amount),
            "installments": 0,
            "installments_amount": None,
            "currency_code": "PEN",
            "email": "rosa@example.pe",
            "description": "Pedido",
            "source": {
                "object": "token",
                "id": "tkn_test_0CjjdWhFpEAZlxlz",
                "type": "card",
                "iin": {"object": "iin", "bin": "411111", "card_brand": "Visa", "card_type": "credito"},
                "last_four": "1111",
            },
            "outcome": {
                "type": "venta_exitosa" if paid else "tarjeta_rechazada",
                "code": "AUT0000" if paid else "card_declined",
                "merchant_message": "La operación de venta ha sido autorizada exitosamente"
                if paid
                else "La tarjeta fue rechazada",
                "user_message": "Su compra ha sido exitosa." if paid else "Su tarjeta fue rechazada.",
            },
            "capture": True,
            "reference_code": "zCfpUsRTAd",
            "authorization_code": "Nd6Xbp",
            "metadata": {"payment_id": str(payment_id or ""), "order_number": "K-000001"},
            "total_fee": 383,
            "fee_details": {},
            "total_fee_taxes": 69,
            "transfer_amount": _cents(amount) - 452,
            "paid": False,
            "statement_descriptor": "CULQI*KALLPA",
            "transfer_id": None,
        }
        self.charges.append(charge)
        return charge

    def paid_order(self, order_id: str, amount: Decimal, created: datetime, paid: datetime, *, payment_id=None):
        order = {
            "object": "order",
            "id": order_id,
            "amount": _cents(amount),
            "payment_code": "2514537",
            "currency_code": "PEN",
            "description": "Pedido",
            "order_number": f"K-000001-{payment_id}",
            "state": "paid",
            "total_fee": None,
            "net_amount": None,
            "fee_details": None,
            "creation_date": int(created.timestamp()),
            "expiration_date": int(created.timestamp()) + 24 * 3600,
            "updated_at": int(paid.timestamp()),
            "paid_at": int(paid.timestamp()),
            "available_on": None,
            "metadata": {"payment_id": str(payment_id or ""), "order_number": "K-000001"},
        }
        self.orders.append(order)
        return order

    def refund(self, refund_id: str, charge_id: str, amount: Decimal, at: datetime):
        refund = {
            "object": "refund",
            "id": refund_id,
            "charge_id": charge_id,
            "creation_date": int(at.timestamp() * 1000),
            "amount": _cents(amount),
            "reason": "solicitud_comprador",
            "metadata": {},
        }
        self.refunds.append(refund)
        return refund

    def _lister(self, path: str, rows: list[dict]):
        def answer(request):
            query = _query(request)
            start, end = int(query["creation_date_from"]), int(query["creation_date_to"])

            def created(row):  # charges and refunds in milliseconds, orders in seconds
                value = row["creation_date"]
                return value // 1000 if value > 10**11 else value

            listed = sorted(
                (
                    row
                    for row in rows
                    if start <= created(row) <= end and query.get("state", row.get("state")) == row.get("state")
                ),
                key=lambda row: (-created(row), row["id"]),
            )
            after = query.get("after")
            if after:
                listed = listed[[row["id"] for row in listed].index(after) + 1 :]
            page = listed[:PAGE]
            self.pages_served += 1
            more = len(listed) > PAGE
            body = {
                "data": page,
                "paging": {
                    "previous": None,
                    "next": f"{CULQI_API}/{path}?limit={PAGE}&after={page[-1]['id']}" if more else None,
                    "cursors": {"before": page[0]["id"] if page else None, "after": page[-1]["id"] if more else None},
                    "remaining_items": max(len(listed) - PAGE, 0),
                },
            }
            return 200, {}, json.dumps(body)

        return answer
