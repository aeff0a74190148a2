"""Giving money back: support requests a refund (partial or total), an administrator approves
it, and only then does it reach the gateway. Each refund reaches the gateway at most once:
approval is claimed under the refund's row lock, and the gateway call is keyed by the
refund's id (a retried request is the same refund at Stripe and PayPal). The refunds of a
payment never add up to more than it captured.

Every path that gives money back locks the order's row first, then the refund's, then the
payment's (attempts.refund_record too): taken in another order, two of them deadlock."""

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.idempotency import first_result
from core.money import format_money
from orders.exceptions import OrderError
from orders.models import Order
from orders.selectors import order_legs_to_ship
from orders.services import order_lock, order_record_refunds, order_refunded_in_full, order_stop_shipping_for_refund

from .. import ports
from ..models import Payment, Refund
from ..selectors import OPEN, order_given_back, refundable_amount, refunds_committed
from .attempts import PaymentError
from .gateways import GATEWAYS, gateway_for

if TYPE_CHECKING:
    from core.actors import AuthUser

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")


def _amount(raw: object) -> Decimal:
    try:
        amount = Decimal(str(raw)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise PaymentError(_("Enter the amount to refund, such as 59.90.")) from None
    if not amount.is_finite() or amount <= 0:
        raise PaymentError(_("The amount to refund must be more than zero."))
    return amount


def _refuse_over_capture(payment: Payment, amount: Decimal, *, excluding: Refund | None = None) -> None:
    room = payment.amount - refunds_committed(payment, excluding=excluding)
    if amount > room:
        raise PaymentError(
            _("At most %(room)s of this payment can still be refunded (it captured %(captured)s).")
            % {"room": format_money(max(room, Decimal("0.00"))), "captured": format_money(payment.amount)}
        )


def _refuse_over_order(order: Order, amount: Decimal) -> None:
    """What an order gives back, by refunds and store credit together, stays within its total
    (the caller holds the order's row lock, which every path giving money back takes first)."""
    room = order.total - order_given_back(order_id=order.pk)
    if amount > room:
        raise PaymentError(
            _("At most %(room)s of order %(number)s can still be given back (it was %(total)s).")
            % {
                "room": format_money(max(room, Decimal("0.00"))),
                "number": order.number,
                "total": format_money(order.total),
            }
        )


def refund_request_check(*, payment: Payment, amount: object) -> None:
    """Raise PaymentError if this refund could not be requested now (for forms)."""
    amount = _amount(amount)
    if payment.status != Payment.Status.SUCCEEDED:
        raise PaymentError(_("Only a completed payment can be refunded."))
    _refuse_over_capture(payment, amount)
    _refuse_over_order(payment.order, amount)


def refund_request(
    *, payment: Payment, amount: object, reason: str, actor: "AuthUser | None", idempotency_key: str | None = None
) -> Refund:
    """Support asks for a refund of a completed payment; nothing reaches the gateway yet. The
    same key returns the refund it first created (a double click, a refresh, a replay)."""
    about, refusal = {"payment_id": payment.pk}, PaymentError(_("This form was already used for another payment."))
    if (first := first_result(Refund.objects.all(), key=idempotency_key, about=about, refusal=refusal)) is not None:
        return first
    amount = _amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Say why the money goes back."))
    with transaction.atomic():
        # The order's lock first (as returns and cancellation take it): a refund, a return's
        # store credit and a cancellation of one order are decided one after the other.
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        # Under the payment's lock, so two submissions with one key cannot both pass the check above.
        if (first := first_result(Refund.objects.all(), key=idempotency_key, about=about, refusal=refusal)) is not None:
            return first
        if payment.status != Payment.Status.SUCCEEDED:
            raise PaymentError(_("Only a completed payment can be refunded."))
        _refuse_over_capture(payment, amount)
        _refuse_over_order(order, amount)
        return Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=reason[:255],
            requested_by=actor,
            idempotency_key=idempotency_key or None,
        )


def order_cancel_refunds_request(*, order: Order, actor: "AuthUser | None", reason: str) -> list[str]:
    """A paid order was cancelled (orders.services.order_cancel, through orders.ports): open a
    refund request for what each completed payment still holds; staff approve it. Keyed per
    payment, so it is opened once. Returns the problems staff must handle by hand."""
    problems: list[str] = []
    for payment in Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).order_by("pk"):
        room = refundable_amount(payment=payment)
        if room <= 0:
            continue
        try:
            refund_request(
                payment=payment,
                amount=room,
                actor=actor,
                idempotency_key=f"cancel-{payment.pk}",
                reason=_("Order %(number)s cancelled: %(reason)s") % {"number": order.number, "reason": reason},
            )
        except PaymentError as error:
            problems.append(str(error))
    return problems


def _gateway_refund(refund: Refund) -> str:
    provider = refund.payment.provider
    if provider not in GATEWAYS:
        raise PaymentError(_("Refunds through %(provider)s are not supported.") % {"provider": provider})
    return gateway_for(provider).refund(refund=refund)


def _gives_everything_back(order_id: int) -> bool:
    """Whether the refunds requested, approved or made for the order (this one among them) take
    back all its completed payments captured."""
    captured = Payment.objects.filter(order_id=order_id, status=Payment.Status.SUCCEEDED).aggregate(
        total=Sum("amount")
    )["total"]
    committed = Refund.objects.filter(
        payment__order_id=order_id, payment__status=Payment.Status.SUCCEEDED, status__in=OPEN
    ).aggregate(total=Sum("amount"))["total"]
    return bool(captured) and (committed or Decimal("0.00")) >= captured


def refund_would_stop(*, refund: Refund) -> list[str]:
    """The legs ("E12") approving this requested refund would stop: it gives back everything paid
    and they have not shipped (staff are told when they request it)."""
    order_id = refund.payment.order_id
    return order_legs_to_ship(order_id=order_id) if _gives_everything_back(order_id) else []


def refund_approve(*, refund: Refund, actor: "AuthUser | None") -> Refund:
    """An administrator approves a requested refund and the gateway returns the money. Approving
    again, or twice at once, changes nothing: the second sees the refund already claimed.

    A refund that gives back everything paid stops, in the approval's transaction, what has not
    left the warehouse (orders.services.order_stop_shipping_for_refund): the warehouse, which
    takes the order's lock to ship a leg, ships before it (then this refund is refused, marked
    failed with the reason, as it would pay back goods the customer gets) or finds its leg
    cancelled."""
    refusal = None
    with transaction.atomic():
        # The order's lock first, as shipping a leg, returns and cancellation take it.
        order = order_lock(Refund.objects.values_list("payment__order_id", flat=True).get(pk=refund.pk))
        refund = Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund.pk)
        if refund.status != Refund.Status.REQUESTED:
            return refund
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        _refuse_over_capture(payment, refund.amount, excluding=refund)
        if _gives_everything_back(order.pk):
            try:
                with transaction.atomic():
                    order_stop_shipping_for_refund(
                        order=order,
                        actor=actor,
                        requested_at=refund.created_at,
                        reason=_("Refunded in full: %(reason)s") % {"reason": refund.reason},
                    )
            except OrderError as error:
                refusal = str(error)
        if refusal:
            refund.status, refund.failure_message = Refund.Status.FAILED, refusal[:255]
            refund.save(update_fields=["status", "failure_message", "updated_at"])
        else:
            refund.status, refund.approved_by, refund.approved_at = Refund.Status.APPROVED, actor, timezone.now()
            refund.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    if refusal:
        raise PaymentError(refusal)
    # The claim is committed: a concurrent approval returns above. Now the gateway, outside
    # any transaction (no row lock held across a network call).
    return refund_execute(refund_id=refund.pk, raise_errors=True)


def refund_execute(*, refund_id: int, raise_errors: bool = False) -> Refund:
    """Make an approved refund at its gateway and record it succeeded (or failed). Called right
    after the approval, and again by the sweep (core.jobs) for an approved refund whose call never
    finished because the process died: the gateways key the call by the refund's id, so calling
    again returns the same refund instead of paying twice. A refund no longer approved is returned
    unchanged. raise_errors: a gateway refusal raises PaymentError (the admin shows it)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.APPROVED:
        return refund
    try:
        reference = _gateway_refund(refund)
    except Exception as error:  # the gateway refused or did not answer: staff may request it again
        logger.warning("Refund %s failed at the gateway: %s", refund.pk, error)
        Refund.objects.filter(pk=refund.pk, status=Refund.Status.APPROVED).update(
            status=Refund.Status.FAILED, failure_message=str(error)[:255], updated_at=timezone.now()
        )
        if raise_errors:
            raise PaymentError(_("The gateway did not make the refund: %(error)s") % {"error": error}) from None
        return Refund.objects.get(pk=refund.pk)
    with transaction.atomic():
        # The order's lock before the refund's, as the approval takes them: the other way round,
        # an approval of the same order arriving meanwhile and this recording deadlock.
        order_lock(refund.payment.order_id)
        refund = Refund.objects.select_for_update(of=("self",)).select_related("payment__order").get(pk=refund.pk)
        if refund.status != Refund.Status.APPROVED:
            return refund  # recorded meanwhile (the gateway's webhook, or another sweep)
        refund.status, refund.gateway_reference = Refund.Status.SUCCEEDED, reference[:120]
        refund.save(update_fields=["status", "gateway_reference", "updated_at"])
        refunded = refund.payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"]
        order_record_refunds(order=refund.payment.order, refunded=refunded)
        ports.refund_credit_note_issue(refund_id=refund.pk)  # the sale is reduced (receipts), after commit
        if refunded >= refund.payment.amount:  # everything paid is back: a paid order no longer ships
            order_refunded_in_full(order=refund.payment.order, from_gateway=False)
    return refund


def refunds_overdue(cutoff: datetime) -> QuerySet[Refund]:
    """Approved refunds whose gateway call never finished (approved before `cutoff`): for core.jobs."""
    return Refund.objects.filter(status=Refund.Status.APPROVED, approved_at__lt=cutoff)
