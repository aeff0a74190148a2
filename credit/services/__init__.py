"""Writing store credit: issue it (for a return), spend it on an order at checkout, give it back
when that order is cancelled. Every change of a balance is a CreditUse row written under the
credit's row lock, so two checkouts spending one credit at once spend it once and a balance is
never negative (a CHECK constraint is the backstop)."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.counters import counter_next
from core.money import format_money
from core.site_settings import site_setting

from .. import ports
from ..models import ZERO, CreditUse, CreditUseKind, StoreCredit
from ..refs import OrderRef, ReturnRef

if TYPE_CHECKING:
    from core.actors import AnyUser, AuthUser

CENT = Decimal("0.01")


class CreditError(Exception):
    """A refused credit operation; str() is the message for the shopper or staff. Nothing was written."""


def credit_expiry_days() -> int:
    return int(site_setting("STORE_CREDIT_EXPIRY_DAYS"))


def store_credit_number_next(*, now: datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).year
    sequence = counter_next(scope="store_credit", key=str(year))
    return f"VC-{year}-{sequence:05d}"


def credit_amount(raw: object) -> Decimal:
    """A positive amount in soles with at most two decimals, or CreditError."""
    try:
        amount = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError, AttributeError):
        raise CreditError(_("Enter an amount such as 59.90.")) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise CreditError(_("The amount must be more than zero, in soles with at most two decimals."))
    return amount


def store_credit_issue(
    *,
    customer: "AuthUser | None",
    amount: object,
    return_request: ReturnRef | None = None,
    now: datetime | None = None,
) -> StoreCredit:
    """A new store credit for `customer`, valid STORE_CREDIT_EXPIRY_DAYS. One per return request:
    issuing again for the same return returns the first."""
    if customer is None:
        raise CreditError(_("Store credit needs a customer account."))
    amount = credit_amount(amount)
    now = now or timezone.now()
    with transaction.atomic():
        if return_request is not None:
            existing = StoreCredit.objects.filter(return_request_id=return_request.pk).first()
            if existing is not None:
                return existing
        credit = StoreCredit.objects.create(  # type: ignore[misc]  # return_request: credit cannot name its type
            number=store_credit_number_next(now=now),
            customer=customer,
            return_request=return_request,
            amount=amount,
            balance=amount,
            expires_at=now + timedelta(days=credit_expiry_days()),
            created_at=now,
        )
        if return_request is not None:
            # Credit for a return reduces the sale as a refund does: its nota de crédito (receipts), after commit.
            ports.return_credit_note_issue(return_id=return_request.pk)
        return credit


def store_credit_spend(
    *,
    credit_id: int | str | None,
    customer: "AnyUser | None",
    order: OrderRef,
    amount: object,
    now: datetime | None = None,
) -> CreditUse:
    """Pay `amount` of `order` with the customer's credit `credit_id` (inside the placing
    transaction). Another customer's credit, an expired one, more than its balance or than the
    order still owes: CreditError. The same credit on the same order again returns the first use."""
    amount = credit_amount(amount)
    now = now or timezone.now()
    owner = signed_in(customer)
    if owner is None:
        raise CreditError(_("Sign in to use your store credit."))
    try:
        pk = int(credit_id)  # type: ignore[arg-type]  # None (nothing chosen) is refused as not a number
    except (TypeError, ValueError):
        raise CreditError(_("That store credit does not exist.")) from None
    # No savepoint (it would cost the order placement two queries): a refusal is decided before
    # anything is written and raised after the block, so the caller's transaction stays usable.
    with transaction.atomic(savepoint=False):
        credit = StoreCredit.objects.select_for_update().filter(pk=pk, customer=owner).first()
        order_uses = list(CreditUse.objects.filter(order_id=order.pk)) if credit is not None else []
        replay = (
            next((use for use in order_uses if use.credit_id == credit.pk and use.kind == CreditUseKind.SPEND), None)
            if credit is not None
            else None
        )
        refusal = None if replay is not None else _spend_refusal(credit, order, order_uses, amount, now)
        if replay is None and refusal is None:
            assert credit is not None  # _spend_refusal refuses a missing credit
            credit.balance -= amount
            credit.save(update_fields=["balance"])
            use = CreditUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                credit=credit, order=order, kind=CreditUseKind.SPEND, amount=-amount, created_at=now
            )
    if refusal is not None:
        raise CreditError(refusal)
    return replay or use


def _spend_refusal(
    credit: StoreCredit | None, order: OrderRef, order_uses: list[CreditUse], amount: Decimal, now: datetime
) -> str | None:
    if credit is None:
        return _("That store credit does not exist.")
    if credit.expires_at <= now:
        return _("Store credit %(number)s expired on %(date)s.") % {
            "number": credit.number,
            "date": timezone.localtime(credit.expires_at).strftime("%d/%m/%Y"),
        }
    if amount > credit.balance:
        return _("Store credit %(number)s has only %(balance)s left.") % {
            "number": credit.number,
            "balance": format_money(credit.balance),
        }
    owed = order.total + sum((use.amount for use in order_uses), ZERO)  # spent uses are negative
    if amount > owed:
        return _("The credit applied cannot exceed the order's total (%(total)s).") % {
            "total": format_money(order.total)
        }
    return None


def store_credit_restore_for_order(*, order: OrderRef) -> Decimal:
    """The order was cancelled: every credit it spent gets its amount back (once per round).
    Returns the total given back. Runs inside the cancelling transaction."""
    restored = ZERO
    with transaction.atomic():
        spends = list(
            CreditUse.objects.filter(order_id=order.pk, kind=CreditUseKind.SPEND).order_by("credit_id", "spend_round")
        )
        done = set(
            CreditUse.objects.filter(order_id=order.pk, kind=CreditUseKind.RESTORE).values_list(
                "credit_id", "spend_round"
            )
        )
        for spend in spends:
            if (spend.credit_id, spend.spend_round) in done:
                continue
            credit = StoreCredit.objects.select_for_update().get(pk=spend.credit_id)
            credit.balance -= spend.amount  # spend.amount is negative
            credit.save(update_fields=["balance"])
            CreditUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                credit=credit,
                order=order,
                kind=CreditUseKind.RESTORE,
                amount=-spend.amount,
                spend_round=spend.spend_round,
            )
            restored -= spend.amount
    return restored


def store_credit_spend_again_for_order(*, order: OrderRef, now: datetime | None = None) -> Decimal:
    """A late payment revives the order its expiry cancelled: what its last round spent of each
    credit, and got back, is spent again as the next round, with checkout's checks (not expired,
    enough balance, not more than the order owes) under each credit's row lock, taken in credit
    order as the restore takes them. All or nothing (a savepoint): CreditError when one cannot be
    taken (spent meanwhile, expired), nothing written. Returns the total spent again."""
    now = now or timezone.now()
    spent = ZERO
    with transaction.atomic():
        uses = list(CreditUse.objects.filter(order_id=order.pk))
        last_round = max((use.spend_round for use in uses if use.kind == CreditUseKind.SPEND), default=0)
        last_round_moves = {(use.credit_id, use.kind) for use in uses if use.spend_round == last_round}
        for credit_id, amount in sorted(
            (use.credit_id, -use.amount)
            for use in uses
            if use.kind == CreditUseKind.SPEND and use.spend_round == last_round
        ):
            if (credit_id, CreditUseKind.RESTORE) not in last_round_moves:
                raise CreditError(_("The store credit this order spent was not given back."))
            credit = StoreCredit.objects.select_for_update().get(pk=credit_id)
            refusal = _spend_refusal(credit, order, uses, amount, now)
            if refusal is not None:
                raise CreditError(refusal)
            credit.balance -= amount
            credit.save(update_fields=["balance"])
            uses.append(
                CreditUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                    credit=credit,
                    order=order,
                    kind=CreditUseKind.SPEND,
                    amount=-amount,
                    spend_round=last_round + 1,
                    created_at=now,
                )
            )
            spent += amount
    return spent
