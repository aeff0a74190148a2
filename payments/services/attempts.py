"""Payment attempts and their outcomes. Each service is one transaction; the order follows
through orders' services (order_payment_record), which sells the stock, creates the shipments
and says whether the money must go back.

The test gateway is the store's own hosted page (development, tests, and any install
without real gateway keys): the shopper pays, has the card declined, or walks away."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.money import format_money
from credit.selectors import order_amount_due
from orders import services as order_services
from orders.exceptions import PaymentWaitRefused
from orders.models import Order, OrderStatus
from orders.services import (
    order_expire_if_overdue,
    order_flag_for_attention,
    order_lock,
    order_payment_overdue,
    order_payment_record,
    order_record_refunds,
    order_refunded_in_full,
)

from .. import ports
from ..gateway_log import gateway_log_write
from ..models import CENT, Payment, PaymentMethod, Provider, Refund

if TYPE_CHECKING:
    from core.actors import AnyUser

TEST_GATEWAY_METHOD_CODE = "tarjeta-prueba"

# When the gateway told us about the outcome being applied (a webhook's arrival), if earlier than now:
# a payment reported within the order's payment window is accepted even if a worker outage made its
# processing late; one reported after it meets an expired order.
_reported_at: ContextVar[datetime | None] = ContextVar("payment_reported_at", default=None)


@contextmanager
def gateway_reported_at(moment: datetime) -> Iterator[None]:
    token = _reported_at.set(moment)
    try:
        yield
    finally:
        _reported_at.reset(token)


def _expired_message(order: Order) -> str:
    return _("Order %(number)s expired: its payment window has passed. Place the order again.") % {
        "number": order.number
    }


def _log_test_gateway_on_commit(
    payment: Payment, *, direction: str, kind: str, body: dict[str, object], status_code: int | None
) -> None:
    """The test gateway's events in the gateway log, once the transaction commits: a rolled-back
    attempt logs nothing (the real gateways log their HTTP exchanges as they happen)."""
    order_id, payment_id = payment.order_id, payment.pk
    transaction.on_commit(
        lambda: gateway_log_write(
            provider=Provider.TEST,
            direction=direction,
            kind=kind,
            body=body,
            order_id=order_id,
            payment_id=payment_id,
            status_code=status_code,
        )
    )


def _outcome(payment: Payment) -> dict[str, object]:
    body: dict[str, object] = {"status": payment.status, "amount": payment.amount, "currency": payment.currency}
    if payment.gateway_reference:
        body["reference"] = payment.gateway_reference
    if payment.card_last4:
        body["card"] = {"brand": payment.card_brand, "last4": payment.card_last4}
    if payment.failure_message:
        body["message"] = payment.failure_message
    return body


class PaymentError(Exception):
    """A refusal with a message for the shopper; nothing was changed."""


class PaymentNotReady(PaymentError):
    """The gateway reports something about a payment that is not completed yet (a refund
    that arrived before the completion): try again later."""


def payment_method_ensure_test_gateway() -> PaymentMethod:
    """The test gateway's method (created by the payments migration; recreated if deleted)."""
    method, _created = PaymentMethod.objects.get_or_create(
        code=TEST_GATEWAY_METHOD_CODE,
        defaults={
            "name": "Tarjeta (pasarela de prueba)",
            "provider": Provider.TEST,
            "kind": PaymentMethod.Kind.CARD,
            "description": "Simula el pago con tarjeta: aprueba, rechaza o abandona.",
        },
    )
    return method


def payment_start(*, order: Order, method: PaymentMethod, actor: "AnyUser | None" = None) -> Payment:
    """A new attempt for an order awaiting payment (a retry after a decline is another attempt). An
    order past its payment window is expired now (and refused), whether or not the scheduler ran."""
    if order_payment_overdue(order):
        order_expire_if_overdue(order=order)
        raise PaymentError(_expired_message(order))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order_payment_overdue(order):  # the window closed a moment ago: the next touch expires it
            raise PaymentError(_expired_message(order))
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise PaymentError(_("Order %(number)s is not awaiting payment.") % {"number": order.number})
        if not method.is_active:
            raise PaymentError(_("That payment method is not available."))
        due = order_amount_due(order)  # the total minus the store credit applied at checkout
        if due <= 0:
            raise PaymentError(_("Order %(number)s is fully paid with store credit.") % {"number": order.number})
        payment = Payment.objects.create(
            order=order,
            method=method,
            provider=method.provider,
            amount=due,
            currency=order.currency,
            fee=method.fee_for(due),
            created_by=signed_in(actor),
        )
        if payment.provider == Provider.TEST:
            _log_test_gateway_on_commit(
                payment,
                direction="request",
                kind="payment.start",
                status_code=None,
                body={
                    "order": order.number,
                    "amount": payment.amount,
                    "currency": payment.currency,
                    "method": method.code,
                },
            )
        return payment


def _lock_pending(payment: Payment) -> Payment:
    payment = Payment.objects.select_for_update(of=("self",)).select_related("order", "method").get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        if payment.status == Payment.Status.ABANDONED and payment.failure_message:
            raise PaymentError(payment.failure_message)  # its order expired or was cancelled: say so
        raise PaymentError(_("This payment attempt is already closed."))
    return payment


def payment_wait(*, payment: Payment, code: str, expires_at: datetime, instructions_url: str = "") -> Payment:
    """The shopper holds a code (a PagoEfectivo CIP, a gateway's payable code) or an approval to pay
    later: PENDING → WAITING with the code, its expiry and where to pay; the order keeps its stock
    held until then (orders.services.order_payment_wait). The gateway reporting the same code again
    changes nothing; a new expiry for a waiting attempt is recorded. The outcome comes later through
    payment_complete or payment_fail."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("order", "method").get(pk=payment.pk)
        if payment.status not in (Payment.Status.PENDING, Payment.Status.WAITING):
            if payment.status == Payment.Status.ABANDONED and payment.failure_message:
                raise PaymentError(payment.failure_message)
            raise PaymentError(_("This payment attempt is already closed."))
        same = (
            payment.status == Payment.Status.WAITING
            and payment.pay_code == code[:40]
            and payment.pay_code_expires_at == expires_at
            and payment.pay_instructions_url == instructions_url[:300]
        )
        if same:
            return payment
        payment.status = Payment.Status.WAITING
        payment.pay_code, payment.pay_code_expires_at = code[:40], expires_at
        payment.pay_instructions_url = instructions_url[:300]
        payment.save(update_fields=["status", "pay_code", "pay_code_expires_at", "pay_instructions_url"])
        try:
            order_services.order_payment_wait(order_id=payment.order_id, until=expires_at)
        except PaymentWaitRefused as error:
            raise PaymentError(str(error)) from None  # the attempt's change rolls back with it
        return payment


def payment_test_gateway_pay(*, payment: Payment, actor: "AnyUser | None" = None) -> Payment:
    """The shopper paid on the test page: the attempt succeeds and the order is paid
    (orders.services.order_payment_record sells its stock and creates its shipments). If the
    order stopped waiting meanwhile (cancelled, or past its payment window: it expires now), the
    attempt closes as failed instead: callers check payment.status."""
    with transaction.atomic():
        payment = _lock_pending(payment)
        # The attempt, then its order (as payment_complete): the order's status decides the outcome.
        order = order_expire_if_overdue(order=order_lock(payment.order_id))
        payment.completed_at = timezone.now()
        if order.status != OrderStatus.PENDING_PAYMENT:
            payment.status = Payment.Status.FAILED
            payment.failure_message = _("Order %(number)s is no longer awaiting payment.") % {"number": order.number}
            payment.save(update_fields=["status", "completed_at", "failure_message"])
            _log_test_gateway_on_commit(
                payment, direction="response", kind="payment.pay", status_code=409, body=_outcome(payment)
            )
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.gateway_reference = f"TEST-{payment.pk:08d}"
        payment.card_brand, payment.card_last4 = "visa", "4242"
        payment.save(update_fields=["status", "completed_at", "gateway_reference", "card_brand", "card_last4"])
        order_payment_record(order=order, actor=signed_in(actor))
        _log_test_gateway_on_commit(
            payment, direction="response", kind="payment.pay", status_code=200, body=_outcome(payment)
        )
        return payment


def payment_test_gateway_decline(*, payment: Payment) -> Payment:
    """The card was declined: the attempt is closed and the order keeps waiting for a retry."""
    with transaction.atomic():
        payment = _lock_pending(payment)
        payment.status, payment.completed_at = Payment.Status.DECLINED, timezone.now()
        payment.failure_message = _("The card was declined by the issuing bank (simulated).")
        payment.save(update_fields=["status", "completed_at", "failure_message"])
        _log_test_gateway_on_commit(
            payment, direction="response", kind="payment.decline", status_code=402, body=_outcome(payment)
        )
        return payment


def payment_abandon(*, payment: Payment) -> Payment:
    """The shopper left the payment page; the unpaid-order timeout will cancel the order."""
    with transaction.atomic():
        payment = _lock_pending(payment)
        payment.status, payment.completed_at = Payment.Status.ABANDONED, timezone.now()
        payment.save(update_fields=["status", "completed_at"])
        _log_test_gateway_on_commit(
            payment, direction="response", kind="payment.abandon", status_code=None, body=_outcome(payment)
        )
        return payment


def payment_attempts_close_for_cancelled_order(*, order: Order, reason: str) -> int:
    """The order was cancelled (orders, through orders.ports, order row locked): its attempts still
    pending end abandoned with the reason, so the test gateway's page and the back office show
    them closed. A gateway that captures one later is still heard: payment_complete keeps the
    money, flags the order and proposes the refund."""
    message = _("Order %(number)s was cancelled before this payment was completed: %(reason)s") % {
        "number": order.number,
        "reason": reason,
    }
    if order.expired_unpaid:
        message = _expired_message(order)
    # An attempt being completed right now holds its row and waits for the order's lock, which the
    # caller holds (payments lock the attempt first): it is skipped, not waited for (that would
    # deadlock), and ends in its own final state when it sees the order cancelled.
    closing = list(
        Payment.objects.select_for_update(skip_locked=True)
        .filter(order_id=order.pk, status=Payment.Status.PENDING)
        .values_list("pk", flat=True)
    )
    return Payment.objects.filter(pk__in=closing, status=Payment.Status.PENDING).update(
        status=Payment.Status.ABANDONED, completed_at=timezone.now(), failure_message=message[:255]
    )


# --- outcomes reported by a real gateway (webhooks) -----------------------------------------


def payment_complete(
    *,
    payment: Payment,
    amount: Decimal,
    currency: str,
    gateway_reference: str,
    card_brand: str = "",
    card_last4: str = "",
) -> Payment:
    """The gateway captured `amount` `currency` for this attempt. Idempotent (a succeeded
    attempt is returned unchanged). Money taken is never lost:

    - amount or currency differ from the order's: the attempt is closed FAILED with the reason,
      the order is not paid and is flagged for staff;
    - the order was already paid by another attempt: FAILED, flagged, and a refund proposed;
    - the order was cancelled meanwhile, or reported after its payment window (it expires now), or
      paying it raised a problem (its stock is gone):
      the attempt succeeds, the order is flagged (by orders/inventory) and a refund proposed.
    """
    amount = Decimal(amount).quantize(CENT)
    currency = (currency or "").upper()
    if payment.status == Payment.Status.SUCCEEDED:
        # Completed stays completed: heard again, it takes no lock, so a refund reported in the
        # same event can take the order's lock before the payment's (refund_record).
        return payment
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("order", "method").get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        now = timezone.now()
        reported = f"{amount} {currency}"
        # What this attempt was for: a cancelled order has given its store credit back, so the order's
        # amount due would no longer match what the gateway rightly charged (before an expiry too).
        due = payment.amount if order.status == OrderStatus.CANCELLED else order_amount_due(order)
        # Reported after the payment window closed: the order expires now (if the scheduler has not
        # cancelled it yet), so the payment below is kept, the order flagged and a refund proposed.
        order = order_expire_if_overdue(order=order, now=min(_reported_at.get() or now, now))
        if amount != due or currency != order.currency:
            message = _("The gateway captured %(reported)s but order %(number)s is for %(expected)s: not accepted.") % {
                "reported": reported,
                "number": order.number,
                "expected": f"{due} {order.currency}",
            }
            if payment.status == Payment.Status.FAILED and payment.gateway_reference == gateway_reference:
                return payment  # the same mismatch reported again
            _close_failed(payment, message=message, gateway_reference=gateway_reference, now=now)
            order_flag_for_attention(order=order, note=message)
            return payment
        if Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).exclude(pk=payment.pk).exists():
            message = _("Order %(number)s was already paid: this second payment of %(reported)s must be refunded.") % {
                "number": order.number,
                "reported": reported,
            }
            if payment.status == Payment.Status.FAILED and payment.gateway_reference == gateway_reference:
                return payment
            _close_failed(payment, message=message, gateway_reference=gateway_reference, now=now)
            order_flag_for_attention(order=order, note=message)
            _propose_refund(payment, reason=message)
            return payment
        payment.status, payment.completed_at, payment.failure_message = Payment.Status.SUCCEEDED, now, ""
        payment.gateway_reference = gateway_reference[:120]
        payment.card_brand, payment.card_last4 = card_brand[:20], card_last4[-4:]
        payment.save(
            update_fields=["status", "completed_at", "failure_message", "gateway_reference", "card_brand", "card_last4"]
        )
        if order_payment_record(order=order).needs_refund:
            _propose_refund(
                payment,
                reason=_("Late payment: order %(number)s was cancelled or its stock is gone.")
                % {"number": order.number},
            )
        return payment


def _close_failed(payment: Payment, *, message: str, gateway_reference: str, now: datetime) -> None:
    payment.status, payment.completed_at, payment.failure_message = Payment.Status.FAILED, now, message[:255]
    payment.gateway_reference = gateway_reference[:120]
    payment.save(update_fields=["status", "completed_at", "failure_message", "gateway_reference"])


def _propose_refund(payment: Payment, *, reason: str) -> Refund:
    """A full refund for staff to approve (once per payment)."""
    existing = payment.refunds.filter(status=Refund.Status.REQUESTED, gateway_reference__isnull=True).first()
    return existing or Refund.objects.create(
        payment=payment, amount=payment.amount, status=Refund.Status.REQUESTED, reason=reason[:255]
    )


def payment_fail(*, payment: Payment, message: str) -> Payment:
    """The gateway reports the attempt failed (declined, expired): a pending attempt, or one waiting
    for a code to be paid. A succeeded attempt is not undone; the order keeps waiting, so the
    shopper can try again."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status not in (Payment.Status.PENDING, Payment.Status.WAITING):
            return payment
        payment.status, payment.completed_at, payment.failure_message = (
            Payment.Status.FAILED,
            timezone.now(),
            message[:255],
        )
        payment.save(update_fields=["status", "completed_at", "failure_message"])
        return payment


def refund_record(
    *,
    payment: Payment,
    amount: Decimal,
    gateway_reference: str,
    status: str = Refund.Status.SUCCEEDED,
    reason: str = "",
) -> Refund:
    """Record a refund the gateway reports (idempotent by its gateway reference; a later report
    updates its status). A refund proposed by the store for the same amount becomes this one.
    The order's payment status follows the succeeded total. Raises PaymentNotReady when the
    payment is not completed yet, PaymentError when the refunds would exceed the capture."""
    amount = Decimal(amount).quantize(CENT)
    if payment.status != Payment.Status.SUCCEEDED:
        # Checked before any lock (a completed payment stays completed): a payment being completed
        # holds its row and then asks for the order's, the reverse of the order taken below.
        raise PaymentNotReady(_("Payment %(id)s is not completed yet.") % {"id": payment.pk})
    with transaction.atomic():
        # The order's lock first, as every path giving money back takes it (payments.services.refunds).
        order_lock(payment.order_id)
        payment = Payment.objects.select_for_update(of=("self",)).select_related("order").get(pk=payment.pk)
        refund = Refund.objects.filter(gateway_reference=gateway_reference).first()
        if refund and refund.payment_id != payment.pk:
            raise PaymentError(_("Refund %(ref)s belongs to another payment.") % {"ref": gateway_reference})
        if refund is None:
            refund = payment.refunds.filter(
                status__in=[Refund.Status.REQUESTED, Refund.Status.APPROVED],
                gateway_reference__isnull=True,
                amount=amount,
            ).first()
        if refund is None:
            refund = Refund(payment=payment, amount=amount, reason=reason[:255])
        if status == Refund.Status.SUCCEEDED and refund.status != Refund.Status.SUCCEEDED:
            refunded = _succeeded_total(payment)
            if refunded + amount > payment.amount:
                raise PaymentError(
                    _("Refunds of payment %(id)s would exceed the %(amount)s captured.")
                    % {"id": payment.pk, "amount": format_money(payment.amount)}
                )
        newly_succeeded = status == Refund.Status.SUCCEEDED and refund.status != Refund.Status.SUCCEEDED
        refund.gateway_reference, refund.status, refund.amount = gateway_reference[:120], status, amount
        refund.save()
        refunded = _succeeded_total(payment)
        order_record_refunds(order=payment.order, refunded=refunded)
        if newly_succeeded:
            ports.refund_credit_note_issue(refund_id=refund.pk)  # the sale is reduced (receipts), after commit
            if refunded >= payment.amount:  # the gateway gave everything back: the order must not ship
                order_refunded_in_full(order=payment.order, from_gateway=True)
        return refund


def _succeeded_total(payment: Payment) -> Decimal:
    total = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")
