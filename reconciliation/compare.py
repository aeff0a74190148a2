"""The comparison itself, without the database or the network: a gateway's own list of the money it
moved against the store's rows of the same span. Each difference is a Finding; nothing is decided
here about what to do with it (staff do, from the admin)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from payments.clients.listing import GatewayDay, ListedPayment, ListedRefund

from .models import Discrepancy

Kind = Discrepancy.Kind


@dataclass(frozen=True)
class StorePayment:
    pk: int
    order_id: int
    reference: str
    amount: Decimal
    currency: str
    succeeded: bool
    status: str
    completed_at: datetime | None


@dataclass(frozen=True)
class StoreRefund:
    pk: int
    order_id: int
    reference: str
    amount: Decimal
    succeeded: bool
    status: str
    done_at: datetime


@dataclass(frozen=True)
class StoreRows:
    payments: tuple[StorePayment, ...] = ()
    refunds: tuple[StoreRefund, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    order_id: int | None
    gateway_reference: str
    gateway_amount: Decimal | None
    store_amount: Decimal | None
    currency: str
    detail: str


@dataclass(frozen=True)
class Day:
    """The Lima day [start, end) being reconciled."""

    start: datetime
    end: datetime

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass
class _Index:
    store: StoreRows
    listed: GatewayDay
    payments_by_ref: dict[str, StorePayment] = field(default_factory=dict)
    payments_by_pk: dict[int, StorePayment] = field(default_factory=dict)
    refunds_by_ref: dict[str, StoreRefund] = field(default_factory=dict)
    refunded_at_gateway: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def __post_init__(self) -> None:
        for payment in self.store.payments:
            self.payments_by_pk[payment.pk] = payment
            # A succeeded row wins the reference over a failed one of the same gateway payment.
            if payment.reference and (payment.reference not in self.payments_by_ref or payment.succeeded):
                self.payments_by_ref[payment.reference] = payment
        for refund in self.store.refunds:
            if refund.reference:
                self.refunds_by_ref[refund.reference] = refund
        for listed in self.listed.refunds:
            self.refunded_at_gateway[listed.payment_reference] += listed.amount

    def store_payment(self, listed: ListedPayment) -> StorePayment | None:
        found = self.payments_by_ref.get(listed.reference)
        if found is None and listed.store_payment_id is not None:
            found = self.payments_by_pk.get(listed.store_payment_id)
        return found

    def order_of(self, listed: ListedPayment) -> int | None:
        found = self.store_payment(listed)
        return found.order_id if found is not None else None

    def given_back(self, listed: ListedPayment) -> bool:
        """Refunded in full at the gateway: the money is back with the shopper, nothing to chase."""
        return self.refunded_at_gateway[listed.reference] >= listed.amount


def compare(*, day: Day, listed: GatewayDay, store: StoreRows) -> list[Finding]:
    """Every difference of the day. `listed` and `store` may span more than the day (a margin on both
    sides, as a payment can be taken before midnight and recorded after it): a row is judged when it
    falls in the day, and looked for in the whole span on the other side."""
    index = _Index(store=store, listed=listed)
    twice = _paid_twice(day, index)
    paid_twice_refs = {ref for finding in twice for ref in finding.gateway_reference.split(", ")}
    findings = list(twice)
    findings += _gateway_payments(day, index, skip=paid_twice_refs)
    findings += _store_payments(day, index)
    findings += _gateway_refunds(day, index)
    findings += _store_refunds(day, index)
    return findings


def _money(amount: Decimal | None, currency: str = "PEN") -> str:
    if amount is None:
        return "—"
    return format_money(amount) if currency == "PEN" else f"{amount:.2f} {currency}"


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _paid_twice(day: Day, index: _Index) -> list[Finding]:
    by_order: dict[int, list[ListedPayment]] = defaultdict(list)
    for listed in index.listed.payments:
        order_id = index.order_of(listed)
        if order_id is not None and not index.given_back(listed):
            by_order[order_id].append(listed)
    findings = []
    for order_id, payments in sorted(by_order.items()):
        if len(payments) < 2 or not any(day.holds(listed.created_at) for listed in payments):
            continue
        payments.sort(key=lambda listed: (listed.created_at, listed.reference))
        findings.append(
            Finding(
                kind=Kind.PAID_TWICE,
                key=f"order:{order_id}",
                order_id=order_id,
                gateway_reference=", ".join(listed.reference for listed in payments),
                gateway_amount=sum((listed.amount for listed in payments), Decimal("0.00")),
                store_amount=None,
                currency=payments[0].currency,
                detail="; ".join(
                    _("%(reference)s: %(amount)s on %(when)s")
                    % {
                        "reference": listed.reference,
                        "amount": _money(listed.amount, listed.currency),
                        "when": _when(listed.created_at),
                    }
                    for listed in payments
                ),
            )
        )
    return findings


def _gateway_payments(day: Day, index: _Index, *, skip: set[str]) -> list[Finding]:
    findings = []
    for listed in index.listed.payments:
        if not day.holds(listed.created_at) or listed.reference in skip:
            continue
        store = index.store_payment(listed)
        if store is None or not store.succeeded or store.reference != listed.reference:
            if index.given_back(listed):
                continue
            findings.append(_missing_in_store(listed, store))
        elif store.amount != listed.amount or store.currency != listed.currency:
            findings.append(
                Finding(
                    kind=Kind.AMOUNT_DIFFERS,
                    key=listed.reference,
                    order_id=store.order_id,
                    gateway_reference=listed.reference,
                    gateway_amount=listed.amount,
                    store_amount=store.amount,
                    currency=listed.currency,
                    detail=_("Payment %(id)s: the gateway took %(gateway)s, the store recorded %(store)s.")
                    % {
                        "id": store.pk,
                        "gateway": _money(listed.amount, listed.currency),
                        "store": _money(store.amount, store.currency),
                    },
                )
            )
    return findings


def _missing_in_store(listed: ListedPayment, store: StorePayment | None) -> Finding:
    if store is None:
        detail = _("No payment of the store has this reference.")
    else:
        detail = _("Store payment %(id)s is %(status)s.") % {"id": store.pk, "status": store.status}
    return Finding(
        kind=Kind.MISSING_IN_STORE,
        key=listed.reference,
        order_id=store.order_id if store is not None else None,
        gateway_reference=listed.reference,
        gateway_amount=listed.amount,
        store_amount=None,
        currency=listed.currency,
        detail=detail,
    )


def _store_payments(day: Day, index: _Index) -> list[Finding]:
    listed_refs = {listed.reference for listed in index.listed.payments}
    return [
        Finding(
            kind=Kind.MISSING_AT_GATEWAY,
            key=f"payment:{payment.pk}",
            order_id=payment.order_id,
            gateway_reference=payment.reference,
            gateway_amount=None,
            store_amount=payment.amount,
            currency=payment.currency,
            detail=_("Payment %(id)s succeeded in the store; the gateway lists no such payment.") % {"id": payment.pk},
        )
        for payment in index.store.payments
        if payment.succeeded and day.holds(payment.completed_at) and payment.reference not in listed_refs
    ]


def _gateway_refunds(day: Day, index: _Index) -> list[Finding]:
    findings = []
    for listed in index.listed.refunds:
        if not day.holds(listed.created_at):
            continue
        store = index.refunds_by_ref.get(listed.reference)
        payment = index.payments_by_ref.get(listed.payment_reference)
        order_id = store.order_id if store is not None else payment.order_id if payment is not None else None
        if store is None or not store.succeeded:
            if store is None:
                status = _("No refund of the store has this reference.")
            else:
                status = _("Store refund %(id)s is %(status)s.") % {"id": store.pk, "status": store.status}
            findings.append(_refund_finding(Kind.REFUND_MISSING_IN_STORE, listed, order_id, None, status))
        elif store.amount != listed.amount:
            findings.append(
                _refund_finding(
                    Kind.AMOUNT_DIFFERS,
                    listed,
                    order_id,
                    store.amount,
                    _("Refund %(id)s: the gateway gave back %(gateway)s, the store recorded %(store)s.")
                    % {"id": store.pk, "gateway": _money(listed.amount), "store": _money(store.amount)},
                )
            )
    return findings


def _refund_finding(
    kind: str, listed: ListedRefund, order_id: int | None, store_amount: Decimal | None, detail: str
) -> Finding:
    return Finding(
        kind=kind,
        key=listed.reference,
        order_id=order_id,
        gateway_reference=listed.reference,
        gateway_amount=listed.amount,
        store_amount=store_amount,
        currency=listed.currency,
        detail=_("%(detail)s (gateway payment %(payment)s)") % {"detail": detail, "payment": listed.payment_reference},
    )


def _store_refunds(day: Day, index: _Index) -> list[Finding]:
    listed_refs = {listed.reference for listed in index.listed.refunds}
    return [
        Finding(
            kind=Kind.REFUND_MISSING_AT_GATEWAY,
            key=f"refund:{refund.pk}",
            order_id=refund.order_id,
            gateway_reference=refund.reference,
            gateway_amount=None,
            store_amount=refund.amount,
            currency="PEN",
            detail=_("Refund %(id)s succeeded in the store; the gateway lists no such refund.") % {"id": refund.pk},
        )
        for refund in index.store.refunds
        if refund.succeeded and day.holds(refund.done_at) and refund.reference not in listed_refs
    ]


def references(listed: GatewayDay) -> tuple[set[str], set[int], set[str]]:
    """What to read of the store for this list: payment references, attempt ids, refund references."""
    payments: Iterable[ListedPayment] = listed.payments
    return (
        {p.reference for p in payments} | {r.payment_reference for r in listed.refunds},
        {p.store_payment_id for p in listed.payments if p.store_payment_id is not None},
        {r.reference for r in listed.refunds},
    )
