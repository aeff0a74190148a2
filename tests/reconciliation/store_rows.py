"""The store's side of a reconciliation test: payments and refunds as the payment flows leave them
(a succeeded attempt with its gateway reference and time, a failed second payment, a refund done)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from payments.models import Payment, Refund
from tests.factories import make_guest_order, make_payment

LIMA = ZoneInfo("America/Lima")
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=LIMA)


def lima(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LIMA)


def store_payment(
    provider: str,
    reference: str,
    *,
    at: datetime,
    order=None,
    status: str = Payment.Status.SUCCEEDED,
    amount: Decimal | None = None,
) -> Payment:
    payment = make_payment(order or make_guest_order(), provider=provider, reference=reference)
    Payment.objects.filter(pk=payment.pk).update(
        status=status, completed_at=at, created_at=at, amount=amount or payment.amount
    )
    payment.refresh_from_db()
    return payment


def store_refund(payment: Payment, reference: str, amount: Decimal, *, at: datetime) -> Refund:
    refund = Refund.objects.create(
        payment=payment, amount=amount, status=Refund.Status.SUCCEEDED, gateway_reference=reference
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=at, updated_at=at)
    return refund
