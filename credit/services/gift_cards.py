"""Writing gift cards ("tarjetas de regalo"): sell them in an order (pending until it is paid),
activate them when it is paid, issue one by hand (staff), void one (staff), spend one at
checkout, give back what a cancelled order spent, deliver each by e-mail on its date.

Every change of a balance is a GiftCardUse row written under the card's row lock
(select_for_update), so two checkouts spending one card at once spend it once and a balance is
never negative (CHECK constraints are the backstop). See credit/models.py for the SUNAT rule."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.counters import counter_next
from core.money import format_money
from core.once import Stamp, send_once
from core.site_settings import site_setting

from .. import enqueue, ports
from ..models import (
    GIFT_CARD_MAX,
    GIFT_CARD_MESSAGE_MAX,
    GIFT_CARD_MIN,
    ZERO,
    CreditUse,
    GiftCard,
    GiftCardStatus,
    GiftCardUse,
    GiftCardUseKind,
)
from ..refs import OrderRef, ReturnRef

if TYPE_CHECKING:
    from core.actors import AnyUser

# No I, O, 0 or 1: a code read aloud or copied from paper is not mistyped. 32 letters × 16 = 80 bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
PRESET_AMOUNTS = (Decimal("50"), Decimal("100"), Decimal("200"), Decimal("500"))
DELIVERY_MAX_DAYS = 365
NAME_MAX = 100


class GiftCardError(Exception):
    """A refused gift-card operation; str() is the message for the shopper or staff. Nothing was written."""


def gift_card_expiry_days() -> int:
    return int(site_setting("GIFT_CARD_EXPIRY_DAYS"))


def gift_card_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def gift_card_code_normalize(raw: object) -> str | None:
    """The code as stored (XXXX-XXXX-XXXX-XXXX) from what a shopper typed (any case, spaces or
    dashes anywhere), or None when it cannot be a code."""
    text = "".join(ch for ch in str(raw or "").upper() if ch.isalnum())
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return "-".join(text[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def gift_card_number_next(*, now: datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).year
    return f"TR-{year}-{counter_next(scope='gift_card', key=str(year)):05d}"


@dataclass(frozen=True, kw_only=True)
class GiftCardDetails:
    """What the buyer chose for one card, checked (gift_card_details_clean)."""

    amount: Decimal
    recipient_name: str
    recipient_email: str
    sender_name: str
    message: str
    deliver_on: date


def gift_card_amount(raw: object) -> Decimal:
    """A card's amount: whole soles from S/ 50 to S/ 1,000, or GiftCardError."""
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError, AttributeError):
        raise GiftCardError(_("Enter the card's amount in whole soles, such as 100.")) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise GiftCardError(_("Enter the card's amount in whole soles, such as 100."))
    if not GIFT_CARD_MIN <= amount <= GIFT_CARD_MAX:
        raise GiftCardError(
            _("A gift card is worth from %(min)s to %(max)s.")
            % {"min": format_money(GIFT_CARD_MIN), "max": format_money(GIFT_CARD_MAX)}
        )
    return amount.quantize(Decimal("0.01"))


def gift_card_details_clean(
    *,
    amount: object,
    recipient_name: object,
    recipient_email: object,
    sender_name: object,
    message: object = "",
    deliver_on: date | str | None = None,
    today: date | None = None,
) -> GiftCardDetails:
    """Check what a buyer typed for a card; GiftCardError with the first problem."""
    today = today or timezone.localdate()
    amount = gift_card_amount(amount)
    recipient_name, sender_name = str(recipient_name or "").strip(), str(sender_name or "").strip()
    if not recipient_name or not sender_name:
        raise GiftCardError(_("Enter the recipient's name and yours."))
    if len(recipient_name) > NAME_MAX or len(sender_name) > NAME_MAX:
        raise GiftCardError(_("Names are at most %(max)d characters.") % {"max": NAME_MAX})
    recipient_email = str(recipient_email or "").strip().lower()
    try:
        validate_email(recipient_email)
    except ValidationError:
        raise GiftCardError(_("Enter the recipient's e-mail address, such as ana@example.com.")) from None
    message = str(message or "").strip().replace("\r\n", "\n")
    if len(message) > GIFT_CARD_MESSAGE_MAX:
        raise GiftCardError(_("The message is at most %(max)d characters.") % {"max": GIFT_CARD_MESSAGE_MAX})
    if deliver_on in (None, ""):
        deliver_on = today
    if not isinstance(deliver_on, date):
        try:
            deliver_on = date.fromisoformat(str(deliver_on).strip())
        except ValueError:
            raise GiftCardError(_("Enter the delivery date as day, month and year.")) from None
    if deliver_on < today:
        raise GiftCardError(_("The delivery date cannot be in the past."))
    if deliver_on > today + timedelta(days=DELIVERY_MAX_DAYS):
        raise GiftCardError(_("The delivery date can be at most a year from today."))
    return GiftCardDetails(
        amount=amount,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        sender_name=sender_name,
        message=message,
        deliver_on=deliver_on,
    )


def _new_card(*, details: GiftCardDetails, now: datetime, **fields: Any) -> GiftCard:
    return GiftCard.objects.create(
        number=gift_card_number_next(now=now),
        code=gift_card_code_new(),
        amount=details.amount,
        expires_at=now + timedelta(days=gift_card_expiry_days()),
        created_at=now,
        recipient_name=details.recipient_name,
        recipient_email=details.recipient_email,
        sender_name=details.sender_name,
        message=details.message,
        deliver_on=details.deliver_on,
        **fields,
    )


def gift_cards_sell(
    *, order: OrderRef, cards: list[GiftCardDetails], buyer_email: str, now: datetime | None = None
) -> list[GiftCard]:
    """The cards an order sells, awaiting its payment (nothing to spend, nothing delivered yet).
    Inside the order's placing transaction; its amounts are the order's gift_cards_total."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        return [
            _new_card(
                details=details,
                now=now,
                order=order,
                order_line_index=index,
                balance=ZERO,
                status=GiftCardStatus.PENDING,
                buyer_email=buyer_email,
            )
            for index, details in enumerate(cards)
        ]


def gift_cards_activate_for_order(*, order: OrderRef, now: datetime | None = None) -> list[GiftCard]:
    """The order that sold these cards is paid: each becomes spendable (balance = amount, its
    validity counted from now) and its delivery e-mail is enqueued for its date. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        cards = list(GiftCard.objects.select_for_update().filter(order_id=order.pk, status=GiftCardStatus.PENDING))
        for card in cards:
            card.status, card.balance = GiftCardStatus.ACTIVE, card.amount
            card.expires_at = now + timedelta(days=gift_card_expiry_days())
            card.save(update_fields=["status", "balance", "expires_at"])
        if any(card.deliver_on <= timezone.localdate() for card in cards):
            enqueue.gift_cards_due_deliver()
    return cards


def gift_cards_cancel_for_order(*, order: OrderRef, actor: "AnyUser | None" = None, reason: str = "") -> Decimal:
    """The order that sold these cards was cancelled. Unpaid: its pending cards are voided (they
    never held money). Paid: what is left on each card is voided too (the refund gives the money
    back), and the part already spent stays spent. Returns the balance voided."""
    voided = ZERO
    with transaction.atomic():
        for card in (
            GiftCard.objects.select_for_update().filter(order_id=order.pk).exclude(status=GiftCardStatus.VOIDED)
        ):
            voided += _void(
                card, actor=actor, reason=reason or _("Order %(number)s cancelled") % {"number": order.number}
            )
    return voided


class GiftCardAsked(TypedDict):
    """What staff typed for a card they issue, as gift_card_details_clean takes it."""

    amount: object
    recipient_name: object
    recipient_email: object
    sender_name: object
    message: NotRequired[object]
    deliver_on: NotRequired[date | str | None]


def gift_card_issue(
    *, actor: "AnyUser | None", reason: str, now: datetime | None = None, **asked: Unpack[GiftCardAsked]
) -> GiftCard:
    """Staff issue a card by hand (a courtesy, a replacement): active at once, e-mailed on its date."""
    if signed_in(actor) is None or not getattr(actor, "is_staff", False):
        raise GiftCardError(_("Only staff can issue gift cards."))
    reason = str(reason or "").strip()
    if not reason:
        raise GiftCardError(_("Say why the card is issued."))
    details = gift_card_details_clean(**asked)
    now = now or timezone.now()
    with transaction.atomic():
        card = _new_card(
            details=details,
            now=now,
            balance=details.amount,
            status=GiftCardStatus.ACTIVE,
            issued_by=actor,
            issue_reason=reason[:255],
        )
        if details.deliver_on <= timezone.localdate():
            enqueue.gift_cards_due_deliver()
    return card


def gift_card_issue_for_return(
    *, return_request: ReturnRef, amount: object, email: str, name: str, now: datetime | None = None
) -> GiftCard:
    """What gift cards paid of a guest's returned order, on a new card e-mailed to the order's
    address today (a guest has no account for store credit). One per return: issuing again for
    the same return returns the first. Counted with store credit in what the order gave back."""
    from . import credit_amount

    amount = credit_amount(amount)
    now = now or timezone.now()
    with transaction.atomic():
        existing = GiftCard.objects.filter(return_request_id=return_request.pk).first()
        if existing is not None:
            return existing
        store = str(site_setting("STORE_NAME"))
        details = GiftCardDetails(
            amount=amount,
            recipient_name=(str(name or "").strip() or email)[:NAME_MAX],
            recipient_email=email.strip().lower(),
            sender_name=store[:NAME_MAX],
            message=_("What your gift card paid for the items you returned from order %(number)s.")
            % {"number": return_request.order.number},
            deliver_on=timezone.localdate(),
        )
        card = _new_card(
            details=details,
            now=now,
            balance=amount,
            status=GiftCardStatus.ACTIVE,
            return_request=return_request,
            issue_reason=_("Return %(number)s") % {"number": return_request.number},
        )
        ports.return_credit_note_issue(return_id=return_request.pk)
        enqueue.gift_cards_due_deliver()
    return card


def gift_card_void(*, card_id: int, actor: "AnyUser | None", reason: str) -> GiftCard:
    """Staff void a card: what is left on it is written off in its ledger (a VOID movement) and
    it cannot be spent again. Voiding twice changes nothing."""
    if signed_in(actor) is None or not getattr(actor, "is_staff", False):
        raise GiftCardError(_("Only staff can void gift cards."))
    reason = str(reason or "").strip()
    if not reason:
        raise GiftCardError(_("Say why the card is voided."))
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().filter(pk=card_id).first()
        if card is None:
            raise GiftCardError(_("That gift card does not exist."))
        if card.status != GiftCardStatus.VOIDED:
            _void(card, actor=actor, reason=reason)
    return card


def _void(card: GiftCard, *, actor: "AnyUser | None", reason: str) -> Decimal:
    left = card.balance
    if left > 0:
        GiftCardUse.objects.create(
            card=card, kind=GiftCardUseKind.VOID, amount=-left, actor=signed_in(actor), note=reason[:255]
        )
    card.status, card.balance = GiftCardStatus.VOIDED, ZERO
    card.voided_at, card.voided_by, card.void_reason = timezone.now(), signed_in(actor), reason[:255]
    card.save(update_fields=["status", "balance", "voided_at", "voided_by", "void_reason"])
    return left


def gift_card_refusal(card: GiftCard | None, *, now: datetime | None = None) -> str | None:
    """Why a card cannot be spent now (None: it can). One message for a code that does not
    exist, so guessing learns nothing more than the rate limit allows."""
    now = now or timezone.now()
    if card is None or card.status == GiftCardStatus.PENDING:
        return _("That gift card code does not exist. Check it and try again.")
    if card.status == GiftCardStatus.VOIDED:
        return _("That gift card was voided and cannot be used.")
    if card.expires_at <= now:
        return _("That gift card expired on %(date)s.") % {
            "date": timezone.localtime(card.expires_at).strftime("%d/%m/%Y")
        }
    if card.balance <= 0:
        return _("That gift card has no balance left.")
    return None


def gift_card_spend(*, code: object, order: OrderRef, amount: object, now: datetime | None = None) -> GiftCardUse:
    """Pay `amount` of `order` with the card whose code is `code` (inside the placing
    transaction, under the card's row lock). Anyone holding the code may spend it (a bearer
    card). More than its balance or than the order still owes: GiftCardError. The same card on
    the same order again returns the first use."""
    now = now or timezone.now()
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise GiftCardError(_("Apply your gift card again.")) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise GiftCardError(_("Apply your gift card again."))
    normalized = gift_card_code_normalize(code)
    # No savepoint: the refusal is decided before anything is written (as store_credit_spend).
    with transaction.atomic(savepoint=False):
        card = GiftCard.objects.select_for_update().filter(code=normalized).first() if normalized else None
        replay = (
            GiftCardUse.objects.filter(card=card, order_id=order.pk, kind=GiftCardUseKind.SPEND).first()
            if card is not None
            else None
        )
        refusal = None if replay is not None else _spend_refusal(card, order=order, amount=amount, now=now)
        if replay is None and refusal is None and card is not None:  # (a missing card was refused above)
            card.balance -= amount
            card.save(update_fields=["balance"])
            use = GiftCardUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                card=card, order=order, kind=GiftCardUseKind.SPEND, amount=-amount, created_at=now
            )
    if refusal is not None:
        raise GiftCardError(refusal)
    return replay or use


def _spend_refusal(card: GiftCard | None, *, order: OrderRef, amount: Decimal, now: datetime) -> str | None:
    """Why `amount` of this card cannot pay `order` now (None: it can); the card row is locked."""
    refusal = gift_card_refusal(card, now=now)
    if refusal is not None or card is None:
        return refusal
    if amount > card.balance:
        return _("That gift card has only %(balance)s left.") % {"balance": format_money(card.balance)}
    if amount > order_still_owed(order):
        return _("The gift card applied cannot exceed what the order still owes.")
    return None


def order_still_owed(order: OrderRef) -> Decimal:
    """The order's total less what store credit and gift cards already pay of it."""
    credit = CreditUse.objects.filter(order_id=order.pk).aggregate(total=Sum("amount"))["total"] or ZERO
    cards = GiftCardUse.objects.filter(order_id=order.pk).aggregate(total=Sum("amount"))["total"] or ZERO
    return order.total + credit + cards  # uses that pay are negative


def gift_card_restore_for_order(*, order: OrderRef) -> Decimal:
    """The order was cancelled: every card it spent gets that amount back (once per round; a
    voided or expired card too, so the ledger adds up: staff decide what to do with it). Returns
    the total given back. Runs inside the cancelling transaction."""
    restored = ZERO
    with transaction.atomic():
        spends = list(
            GiftCardUse.objects.filter(order_id=order.pk, kind=GiftCardUseKind.SPEND).order_by("card_id", "spend_round")
        )
        done = set(
            GiftCardUse.objects.filter(order_id=order.pk, kind=GiftCardUseKind.RESTORE).values_list(
                "card_id", "spend_round"
            )
        )
        for spend in spends:
            if (spend.card_id, spend.spend_round) in done:
                continue
            card = GiftCard.objects.select_for_update().get(pk=spend.card_id)
            if card.status == GiftCardStatus.VOIDED:
                continue  # voided since: the money stays written off (staff refund it by hand if owed)
            card.balance -= spend.amount  # spend.amount is negative
            card.save(update_fields=["balance"])
            GiftCardUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                card=card,
                order=order,
                kind=GiftCardUseKind.RESTORE,
                amount=-spend.amount,
                spend_round=spend.spend_round,
            )
            restored -= spend.amount
    return restored


def gift_card_spend_again_for_order(*, order: OrderRef, now: datetime | None = None) -> Decimal:
    """A late payment revives the order its expiry cancelled: what its last round spent of each
    card, and got back, is spent again as the next round, with checkout's checks (the card still
    active and unexpired, enough balance, not more than the order owes) under each card's row
    lock, in card order as the restore takes them. All or nothing (a savepoint): GiftCardError
    when one cannot be taken (spent or voided meanwhile), nothing written. Returns the total."""
    now = now or timezone.now()
    spent = ZERO
    with transaction.atomic():
        uses = list(GiftCardUse.objects.filter(order_id=order.pk))
        last_round = max((use.spend_round for use in uses if use.kind == GiftCardUseKind.SPEND), default=0)
        last_round_moves = {(use.card_id, use.kind) for use in uses if use.spend_round == last_round}
        for card_id, amount in sorted(
            (use.card_id, -use.amount)
            for use in uses
            if use.kind == GiftCardUseKind.SPEND and use.spend_round == last_round
        ):
            card = GiftCard.objects.select_for_update().get(pk=card_id)
            refusal = _spend_refusal(card, order=order, amount=amount, now=now)
            if refusal is None and (card_id, GiftCardUseKind.RESTORE) not in last_round_moves:
                refusal = _("The gift card this order spent was not given back.")
            if refusal is not None:
                raise GiftCardError(refusal)
            card.balance -= amount
            card.save(update_fields=["balance"])
            GiftCardUse.objects.create(  # type: ignore[misc]  # order: credit cannot name its type
                card=card,
                order=order,
                kind=GiftCardUseKind.SPEND,
                amount=-amount,
                spend_round=last_round + 1,
                created_at=now,
            )
            spent += amount
    return spent


# --- delivery ---------------------------------------------------------------------------------


def gift_cards_due(*, today: date | None = None) -> QuerySet[GiftCard]:
    """Active cards whose delivery date has come and that were not e-mailed yet."""
    return GiftCard.objects.filter(
        status=GiftCardStatus.ACTIVE, delivered_at__isnull=True, deliver_on__lte=today or timezone.localdate()
    )


def gift_card_deliver(*, card_id: int) -> bool:
    """E-mail the card (its code and message) to the recipient, with a copy to the buyer, once
    (core.once: the delivered_at stamp is claimed first). False when it was already delivered,
    is not active or its date has not come."""
    from ..emails import gift_card_email_send

    rows = GiftCard.objects.filter(pk=card_id, status=GiftCardStatus.ACTIVE, deliver_on__lte=timezone.localdate())
    card = rows.first()
    if card is None:
        return False
    return send_once(claim=Stamp(rows, field="delivered_at"), send=lambda: gift_card_email_send(card))


def gift_cards_deliver_due(*, today: date | None = None) -> int:
    """Deliver every card due (the periodic job: Celery beat, or runserver's scheduler on `make run`)."""
    sent = 0
    for card_id in gift_cards_due(today=today).order_by("deliver_on", "pk").values_list("pk", flat=True)[:500]:
        sent += gift_card_deliver(card_id=card_id)
    return sent
