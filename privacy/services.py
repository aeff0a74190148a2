"""Personal-data rights (Ley 29733): ARCO requests filed and answered, an account closed, and the
retention terms applied. One transaction each; a refusal is a PrivacyError raised before anything
is written. Each app's rows are written by that app's own services."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import CLOSED_ACCOUNT_EMAIL, user_anonymise
from alerts.services import alerts_erase, cart_reminders_drop_before
from cart.services import cart_forget, cart_records_drop_before, user_cart
from complaints.models import ComplaintSheet
from core.actors import signed_in
from core.counters import counter_next
from core.money import format_money
from core.once import Stamp
from core.site_settings import site_setting
from credit.selectors import usable_credits
from favourites.services import favourites_erase
from legal.services import consent_ips_drop_before, consents_anonymise
from orders.models import Order, OrderStatus
from payments.services.retention import gateway_log_drop_before, webhook_bodies_drop_before
from shipping.calendar import OFFICE_WEEKEND, add_business_days

from . import enqueue
from .models import (
    ANSWER_BUSINESS_DAYS,
    ANSWER_MAX,
    DETAIL_MAX,
    AccountClosure,
    ArcoKind,
    ArcoRequest,
    ArcoStatus,
)

if TYPE_CHECKING:
    from core.actors import AnyUser

ORDERS_IN_PROGRESS = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PROCESSING,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
)


class PrivacyError(Exception):
    """A refused step; str() is the message for the customer or staff."""


def answer_due_on(*, kind: str, received_on: date) -> date:
    """The last day to answer a request of `kind` received on `received_on` (business days)."""
    return add_business_days(received_on, ANSWER_BUSINESS_DAYS[kind], weekend=OFFICE_WEEKEND)


@transaction.atomic
def arco_request_file(*, kind: str, email: str, detail: str = "", customer: "AnyUser | None" = None) -> ArcoRequest:
    """A request to exercise one ARCO right, numbered, with its due date. A customer with an open
    request of the same kind is pointed at it instead of filing it twice (a double submit, a replay)."""
    if kind not in ArcoKind.values:
        raise PrivacyError(_("Choose which right you want to exercise."))
    customer = signed_in(customer)
    email = (customer.email if customer is not None else (email or "")).strip().lower()
    if not email:
        raise PrivacyError(_("An ARCO request needs the e-mail the answer goes to."))
    detail = (detail or "").strip()
    if len(detail) > DETAIL_MAX:
        raise PrivacyError(_("Say it in at most %(limit)s characters.") % {"limit": DETAIL_MAX})
    if kind != ArcoKind.ACCESS and not detail:
        raise PrivacyError(_("Tell us which data and what you want done with them."))
    if customer is not None:
        User.objects.select_for_update().filter(pk=customer.pk).first()  # one filing at a time per customer
        already = ArcoRequest.objects.open().filter(customer=customer, kind=kind).first()
        if already is not None:
            raise PrivacyError(
                _("You already have an open request of this kind (%(number)s); we answer it by %(date)s.")
                % {"number": already.number, "date": already.due_on.strftime("%d/%m/%Y")}
            )
    received_at = timezone.now()
    year = timezone.localtime(received_at).year
    sequence = counter_next(scope="arco", key=str(year))
    return ArcoRequest.objects.create(
        number=f"ARCO-{year}-{sequence:05d}",
        kind=kind,
        customer=customer,
        email=email,
        detail=detail,
        received_at=received_at,
        due_on=answer_due_on(kind=kind, received_on=timezone.localtime(received_at).date()),
    )


@transaction.atomic
def arco_request_answer(
    *, request_id: int, answer: str, actor: "AnyUser | None", close_account: bool = False
) -> ArcoRequest:
    """Staff's answer, written once. With close_account (a cancellation request of a customer
    account), the account is closed in the same transaction: both happen or neither."""
    arco = ArcoRequest.objects.select_for_update().filter(pk=request_id).first()
    if arco is None:
        raise PrivacyError(_("That ARCO request does not exist."))
    if arco.is_answered:
        raise PrivacyError(
            _("This request was already answered on %(date)s.")
            % {"date": timezone.localtime(arco.answered_at).strftime("%d/%m/%Y")}
        )
    text = (answer or "").strip()
    if not text:
        raise PrivacyError(_("Write the answer the customer will read."))
    if len(text) > ANSWER_MAX:
        raise PrivacyError(_("Say it in at most %(limit)s characters.") % {"limit": ANSWER_MAX})
    if close_account:
        if arco.kind != ArcoKind.CANCELLATION or arco.customer is None:
            raise PrivacyError(_("Only a cancellation request from a customer account can close an account."))
        account_close(user=arco.customer, actor=actor, arco_request=arco)
    arco.status, arco.answer = ArcoStatus.ANSWERED, text
    arco.answered_at, arco.answered_by = timezone.now(), signed_in(actor)
    arco._history_user = arco.answered_by  # type: ignore[attr-defined]  # simple-history's "who" of this change
    arco.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    enqueue.arco_answer_send(request_id=arco.pk)
    return arco


def arco_answer_claim(*, request_id: int) -> Stamp:
    """The answer's e-mail is claimed by stamping answer_sent_at (core.once.send_once)."""
    return Stamp(ArcoRequest.objects.filter(pk=request_id, status=ArcoStatus.ANSWERED), field="answer_sent_at")


def _closable(user: User) -> None:
    if not user.is_active or user.email == CLOSED_ACCOUNT_EMAIL.format(pk=user.pk):
        raise PrivacyError(_("This account is already closed."))
    if user.is_staff or user.is_superuser or user.is_seller:
        raise PrivacyError(
            _("A staff or seller account is closed by an administrator once its access and sales are handed over.")
        )
    # The sale is still being carried out (a payment may arrive, a parcel is on its way, a return or
    # a complaint may follow): the account closes once it is over.
    running = Order.objects.filter(customer=user, status__in=ORDERS_IN_PROGRESS).order_by("placed_at").first()
    if running is not None:
        raise PrivacyError(
            _("Your order %(number)s is still in progress: close your account once it is delivered or cancelled.")
            % {"number": running.number}
        )
    # Store credit is money the store owes the customer and is tied to the account: closing would
    # strand it on an anonymous row. They spend it, or ask support to pay it back, first.
    balance = sum((credit.balance for credit in usable_credits(user=user)), Decimal(0))
    if balance:
        raise PrivacyError(
            _(
                "You still have %(amount)s of store credit: spend it, or ask us to pay it back, "
                "before closing your account."
            )
            % {"amount": format_money(balance)}
        )


@transaction.atomic
def account_close(*, user: User, actor: "AnyUser | None", arco_request: ArcoRequest | None = None) -> AccountClosure:
    """Close a customer account (ARCO cancellation): personal data erased or anonymised, what the
    law keeps kept, and an audit entry. Erased: addresses, favourites, alerts and cart reminders,
    the saved cart and its client records, the consents' e-mail and IP addresses, the profile (the
    row anonymised: a reserved e-mail so the address can sign up again, no password, inactive, its
    change history), e-mail addresses and second factors. Kept, untouched: orders and their receipts
    (tax law: the buyer's name and document as the receipt carries them) and complaint sheets
    (consumer law), now pointing at an anonymous account; reviews stay, signed "Cliente"."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _closable(user)
    email = user.email
    erased = {
        "favourites": favourites_erase(user=user),
        "alerts": alerts_erase(user=user, email=email),
        "consents": consents_anonymise(user=user, email=email, anonymous_email=CLOSED_ACCOUNT_EMAIL.format(pk=user.pk)),
    }
    # The cart lives in Redis: emptied after the commit, so a rollback leaves it as it was.
    cart = user_cart(user)
    transaction.on_commit(lambda: cart_forget(cart=cart))
    erased.update(user_anonymise(user=user))
    # Every session already fails its check on its next request; the stored ones are deleted too.
    enqueue.sessions_end(user_id=user.pk)
    kept = {
        "orders": Order.objects.filter(customer=user).count(),
        "complaint_sheets": ComplaintSheet.objects.filter(customer=user).count(),
        "reviews": user.reviews.count(),
    }
    closed_by = signed_in(actor)
    return AccountClosure.objects.create(
        account=user,
        closed_by=closed_by,
        by_customer=closed_by is not None and closed_by.pk == user.pk,
        arco_request=arco_request,
        erased=erased,
        kept=kept,
    )


@dataclass(frozen=True)
class RetentionTerms:
    """Days each kind of record is kept (site settings, so staff may adjust them)."""

    cart_records: int
    cart_reminders: int
    gateway_logs: int
    consent_ips: int

    @classmethod
    def current(cls) -> "RetentionTerms":
        return cls(
            cart_records=int(site_setting("RETENTION_CART_RECORDS_DAYS")),
            cart_reminders=int(site_setting("RETENTION_CART_REMINDERS_DAYS")),
            gateway_logs=int(site_setting("RETENTION_GATEWAY_LOG_DAYS")),
            consent_ips=int(site_setting("RETENTION_CONSENT_IP_DAYS")),
        )


def retention_apply(*, now: datetime | None = None, terms: RetentionTerms | None = None) -> dict[str, int]:
    """Drop what is past its term: abandoned carts' client records, forgotten-cart reminders,
    gateway log entries and webhook bodies, consents' IP addresses. Each kind is its owning app's
    own transaction (a failure in one leaves the others done; the next run finishes it). How
    many rows of each kind went."""
    now = now or timezone.now()
    terms = terms or RetentionTerms.current()

    def before(days: int) -> datetime:
        return now - timedelta(days=days)

    return {
        "cart_records": cart_records_drop_before(cutoff=before(terms.cart_records)),
        "cart_reminders": cart_reminders_drop_before(cutoff=before(terms.cart_reminders)),
        "gateway_log_entries": gateway_log_drop_before(cutoff=before(terms.gateway_logs)),
        "webhook_bodies": webhook_bodies_drop_before(cutoff=before(terms.gateway_logs)),
        "consent_ips": consent_ips_drop_before(cutoff=before(terms.consent_ips)),
    }
