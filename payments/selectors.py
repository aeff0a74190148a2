"""Payment reads that pages, services and other apps share."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, F, PositiveSmallIntegerField, Sum, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import request_reads
from core.compiled_query import CompiledQuery, InSlot, Slot
from credit.models import CreditUse, GiftCardUse
from credit.selectors import credit_issued_for_order_returns
from orders.models import Order, OrderStatus, PaymentStatus

from .models import Payment, PaymentMethod, Provider, Refund

# Refunds that count against what a payment captured: requested, approved or done.
OPEN = (Refund.Status.REQUESTED, Refund.Status.APPROVED, Refund.Status.SUCCEEDED)


def _configured_providers() -> set[str]:
    providers: set[str] = set()
    if getattr(settings, "STRIPE_SECRET_KEY", ""):
        providers.add(Provider.STRIPE)
    if getattr(settings, "PAYPAL_CLIENT_ID", "") and getattr(settings, "PAYPAL_CLIENT_SECRET", ""):
        providers.add(Provider.PAYPAL)
    if getattr(settings, "MERCADOPAGO_ACCESS_TOKEN", "") and getattr(settings, "MERCADOPAGO_WEBHOOK_SECRET", ""):
        providers.add(Provider.MERCADOPAGO)
    if all(getattr(settings, name, "") for name in ("CULQI_PUBLIC_KEY", "CULQI_SECRET_KEY", "CULQI_WEBHOOK_SECRET")):
        providers.add(Provider.CULQI)
    return providers


def payment_provider_configured(provider: str) -> bool:
    """Whether a real gateway's keys are set (its forms may call it)."""
    return provider in _configured_providers()


def payment_methods_offered() -> list[PaymentMethod]:
    """Active methods whose gateway is configured; the test gateway only in development (DEBUG)
    or while no real gateway is."""
    real = _configured_providers()
    offered = real | ({Provider.TEST} if settings.DEBUG or not real else set())
    return list(PaymentMethod.objects.filter(is_active=True, provider__in=offered).order_by("order", "name"))


# The names of the methods offered, as every page's footer lists them: read with the request's
# other shared keys (core.request_reads), kept until a method is written (forget_offered_names).
OFFERED_NAMES_KEY = request_reads.shared("payments:methods-offered")
OFFERED_NAMES_SECONDS = 3600  # bounds an edit no signal announces (raw SQL)


def payment_method_names_offered() -> tuple[str, ...]:
    """The names of payment_methods_offered(), in checkout's order."""
    names: tuple[str, ...] | None = request_reads.read(OFFERED_NAMES_KEY)
    if names is None:
        names = tuple(method.name for method in payment_methods_offered())
        cache.set(OFFERED_NAMES_KEY, names, OFFERED_NAMES_SECONDS)
        request_reads.remember(OFFERED_NAMES_KEY, names)
    return names


def forget_offered_names(**kwargs: object) -> None:
    """A method was written: now (this request) and at commit (readers who ran meanwhile)."""
    cache.delete(OFFERED_NAMES_KEY)
    request_reads.forget(OFFERED_NAMES_KEY)
    transaction.on_commit(lambda: cache.delete(OFFERED_NAMES_KEY))


@functools.cache
def _latest_pending_attempt() -> CompiledQuery[Payment]:
    """payment_pending_attempt's query, compiled once per process: the payment page and paying read it
    (up to three times a request), and building it cost more Python than the database took."""
    return CompiledQuery(
        Payment.objects.filter(order_id=Slot("order"), status=Payment.Status.PENDING)
        .select_related("method")
        .order_by("-pk")[:1]
    )


def payment_pending_attempt(order: Order) -> Payment | None:
    """The order's latest attempt still waiting for the shopper or the gateway."""
    found = _latest_pending_attempt().all(order=order.pk)
    if not found:
        return None
    attempt = found[0]
    attempt.order = order  # the caller's instance, as the order's related manager hands it
    return attempt


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


def payment_refusal(order: Order) -> str | None:
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


@dataclass(frozen=True)
class RefundOutlook:
    """What happens to an order's money still going back, for its pages: how much awaits staff
    approval, how much is on its way at the gateway, where it goes and when it should arrive."""

    awaiting_approval: Decimal
    on_its_way: Decimal
    requested_at: datetime  # the earliest refund still waiting
    destination: str
    approval_days: int
    bank_days: int
    refunds: list[Refund]  # the refunds still open (staff link to each)

    @property
    def amount(self) -> Decimal:
        return self.awaiting_approval + self.on_its_way


def _destination(payment: Payment | None) -> str:
    if payment is not None and payment.card_last4:
        return _("your %(brand)s card ending in %(last4)s") % {
            "brand": (payment.card_brand or pgettext("payment card", "card")).title(),
            "last4": payment.card_last4,
        }
    if payment is not None and payment.provider in (Provider.PAYPAL, Provider.MERCADOPAGO):
        return _("your %(provider)s account") % {"provider": payment.get_provider_display()}
    return _("the card or account you paid with")


def order_refund_outlook(order: Order) -> RefundOutlook | None:
    """The order's refunds not made yet (requested: staff approve them; approved: the gateway is
    returning the money), or None when no money is on its way back. One query when none."""
    from core.site_settings import site_setting

    refunds = list(
        Refund.objects.filter(payment__order_id=order.pk, status__in=(Refund.Status.REQUESTED, Refund.Status.APPROVED))
        .select_related("payment")
        .order_by("created_at", "pk")
    )
    if not refunds:
        return None
    waiting = sum((r.amount for r in refunds if r.status == Refund.Status.REQUESTED), Decimal("0.00"))
    return RefundOutlook(
        awaiting_approval=waiting,
        on_its_way=sum((r.amount for r in refunds), Decimal("0.00")) - waiting,
        requested_at=refunds[0].created_at,
        destination=_destination(refunds[0].payment),
        approval_days=site_setting("REFUND_APPROVAL_BUSINESS_DAYS"),
        bank_days=site_setting("REFUND_BANK_BUSINESS_DAYS"),
        refunds=refunds,
    )


# --- what paid an order ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentMeans:
    """One means that paid (part of) an order: a gift card, a store credit, or the gateway."""

    kind: str  # "gift_card", "store_credit" or "gateway"
    label: str  # as the shopper reads it: "Tarjeta de regalo •••• 7KQP", "Vale de compra VC-2025-0001"
    amount: Decimal


@dataclass(frozen=True)
class OrderPayments:
    """Every means of payment of an order with its amount, and what is still to be charged: the one
    answer to "what paid this order" for every page and e-mail that shows it."""

    total: Decimal
    means: tuple[PaymentMeans, ...]
    due: Decimal  # still to be charged through the gateway (0 once paid, cancelled or expired)

    @property
    def paid(self) -> Decimal:
        return sum((means.amount for means in self.means), Decimal("0.00"))

    @property
    def uses_credit(self) -> bool:
        """A gift card or store credit paid part or all of it (a compact list names the means then)."""
        return any(means.kind != "gateway" for means in self.means)


def _gateway_label(method: str, brand: str, last4: str, installments: int | None = None) -> str:
    label = method
    if last4:
        label = _("%(method)s · %(brand)s •••• %(last4)s") % {
            "method": method,
            "brand": (brand or pgettext("payment card", "card")).title(),
            "last4": last4,
        }
    if installments and installments > 1:
        label = _("%(label)s · in %(count)s cuotas") % {"label": label, "count": installments}
    return label


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _no_installments() -> Cast:
    # Typed: PostgreSQL takes an untyped NULL in a UNION's first branch for text.
    return Cast(Value(None), output_field=PositiveSmallIntegerField())


@functools.cache
def _means_query() -> "CompiledQuery[Any]":
    """(order id, kind, source id, name, brand, last 4, amount paid, when, pk, cuotas) of every movement
    that paid the orders (the slot `ids`): gift cards and store credit spent or given back (paying is negative in
    their ledgers), and successful gateway payments. One query, a UNION of the three, compiled once per process:
    building and compiling it was most of what every order and payment page spent on it."""
    gift_cards = GiftCardUse.objects.filter(InSlot("order_id", "ids")).values_list(
        "order_id",
        _text("gift_card"),
        "card_id",
        "card__code",
        _text(""),
        _text(""),
        -F("amount"),
        "created_at",
        "pk",
        _no_installments(),
    )
    credits = CreditUse.objects.filter(InSlot("order_id", "ids")).values_list(
        "order_id",
        _text("store_credit"),
        "credit_id",
        "credit__number",
        _text(""),
        _text(""),
        -F("amount"),
        "created_at",
        "pk",
        _no_installments(),
    )
    charged = Payment.objects.filter(InSlot("order_id", "ids"), status=Payment.Status.SUCCEEDED).values_list(
        "order_id",
        _text("gateway"),
        "pk",
        "method__name",
        "card_brand",
        "card_last4",
        "amount",
        "created_at",
        "pk",
        "installments",
    )
    # No ORDER BY inside the UNION (the models' default ordering): SQLite refuses it.
    return CompiledQuery(gift_cards.order_by().union(credits.order_by(), charged.order_by(), all=True))


def _means_rows(ids: list[int]) -> list[tuple[Any, ...]]:
    """_means_query's rows for the orders `ids`, oldest first."""
    return sorted(_means_query().all(ids=ids), key=lambda row: (row[7], row[1], row[8]))


def orders_payments(orders: Iterable[Order | None]) -> dict[int, OrderPayments]:
    """{order id: OrderPayments} for a list of orders: the gift cards and store credit spent on each
    (net of what a cancellation gave back), then its successful gateway payment; what is still to
    charge while it awaits payment. One query whatever the number of orders."""
    saved = [order for order in orders if order is not None and order.pk]
    if not saved:
        return {}
    spent: dict[int, dict[tuple[str, int], tuple[str, Decimal]]] = {order.pk: {} for order in saved}
    for order_id, kind, source_id, name, brand, last4, amount, _when, _pk, installments in _means_rows(list(spent)):
        if kind == "gift_card":
            label = _("Gift card •••• %(last4)s") % {"last4": name[-4:]}
        elif kind == "store_credit":
            label = _("Store credit %(number)s") % {"number": name}
        else:
            label = _gateway_label(name, brand, last4, installments)
        first_label, so_far = spent[order_id].get((kind, source_id), (label, Decimal("0.00")))
        spent[order_id][(kind, source_id)] = (first_label, so_far + Decimal(str(amount)))  # SQLite gives a float back
    answers = {}
    for order in saved:
        means = tuple(
            PaymentMeans(kind, label, amount.quantize(Decimal("0.01")))
            for (kind, _source), (label, amount) in spent[order.pk].items()
            if amount > 0
        )
        paid = sum((m.amount for m in means), Decimal("0.00"))
        waiting = order.status == OrderStatus.PENDING_PAYMENT and order.payment_status == PaymentStatus.UNPAID
        answers[order.pk] = OrderPayments(
            total=order.total, means=means, due=max(order.total - paid, Decimal("0.00")) if waiting else Decimal("0.00")
        )
    return answers


def order_payments(order: Order) -> OrderPayments:
    """What paid one order (orders_payments)."""
    return orders_payments([order])[order.pk]
