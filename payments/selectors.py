"""Payment reads that pages, services and other apps share."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from credit.selectors import credit_issued_for_order_returns
from orders.models import OrderStatus, PaymentStatus

from .models import Payment, PaymentMethod, Provider, Refund

# Refunds that count against what a payment captured: requested, approved or done.
OPEN = (Refund.Status.REQUESTED, Refund.Status.APPROVED, Refund.Status.SUCCEEDED)


def _configured_providers() -> set[str]:
    providers = set()
    if getattr(settings, "STRIPE_SECRET_KEY", ""):
        providers.add(Provider.STRIPE)
    if getattr(settings, "PAYPAL_CLIENT_ID", "") and getattr(settings, "PAYPAL_CLIENT_SECRET", ""):
        providers.add(Provider.PAYPAL)
    if getattr(settings, "MERCADOPAGO_ACCESS_TOKEN", "") and getattr(settings, "MERCADOPAGO_WEBHOOK_SECRET", ""):
        providers.add(Provider.MERCADOPAGO)
    return providers


def payment_methods_offered() -> list[PaymentMethod]:
    """Active methods whose gateway is configured; the test gateway only in development (DEBUG)
    or while no real gateway is."""
    real = _configured_providers()
    offered = real | ({Provider.TEST} if settings.DEBUG or not real else set())
    return list(PaymentMethod.objects.filter(is_active=True, provider__in=offered).order_by("order", "name"))


def payment_pending_attempt(order) -> Payment | None:
    """The order's latest attempt still waiting for the shopper or the gateway."""
    return order.payments.filter(status=Payment.Status.PENDING).select_related("method").order_by("-pk").first()


def refunds_committed(payment: Payment, *, excluding: Refund | None = None) -> Decimal:
    """What is already refunded or on its way back (requested, approved or done)."""
    refunds = payment.refunds.filter(status__in=OPEN)
    if excluding is not None:
        refunds = refunds.exclude(pk=excluding.pk)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def order_given_back(*, order_id: int, excluding_return_id: int | None = None) -> Decimal:
    """Money already going back for an order, however it goes: the refunds of all its payments
    (requested, approved or done, for any reason) and the store credit issued for its returns.
    Read it under the order's row lock before giving more back: every such write takes that lock."""
    refunds = Refund.objects.filter(payment__order_id=order_id, status__in=OPEN).aggregate(total=Sum("amount"))["total"]
    credits = credit_issued_for_order_returns(order_id=order_id, excluding_return_id=excluding_return_id)
    return (refunds or Decimal("0.00")) + credits


def refundable_amount(*, payment: Payment) -> Decimal:
    """What a payment can still give back (captured minus refunds requested, approved or done)."""
    return max(payment.amount - refunds_committed(payment), Decimal("0.00"))


def payment_refusal(order) -> str | None:
    """Why this order cannot be paid now (already paid, expired, cancelled), in words for the
    shopper; None while it awaits payment (the page, a replayed or tampered form ask)."""
    number = {"number": order.number}
    if order.awaits_payment():
        return None
    if order.payment_status != PaymentStatus.UNPAID:
        return _("Order %(number)s is already paid: there is nothing more to pay.") % number
    if order.status == OrderStatus.PENDING_PAYMENT or order.expired_unpaid:
        return _("Order %(number)s expired: its payment window has passed. Place the order again.") % number
    return _("Order %(number)s was cancelled, so it can no longer be paid.") % number
