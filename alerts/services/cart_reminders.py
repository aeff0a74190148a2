"""Forgotten-cart reminders: a cart left untouched CART_REMINDER_HOURS (a site setting), whose
owner (a signed-in customer, or a guest who gave an e-mail at checkout) consented to marketing
e-mails, gets one e-mail with its lines and a signed link that brings the cart back.

The carts to look at are those the cart app recorded a client for (cart.CartClient, written on
every add); when a cart was last written is the store's (cart.store.idle_seconds). A cart is
reminded once: the reminder's row is the claim (core.once.Insert), unique per cart and the
owner's last order before it, so coming back and leaving again sends nothing more, and a cart
filled after an order is a new cart. A cart that was ordered is empty (checkout clears it), and
an order placed since the cart was last touched stops its reminder too."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cart.models import CartClient, CartContact
from cart.pricing import price_cart
from cart.services import Cart, cart_merge
from cart.store import LineKey, cart_store
from core.once import Insert, send_once
from core.site_settings import site_setting
from orders.models import Order

from .. import emails, tokens
from ..models import CartReminder
from ..selectors import last_order_id, marketing_consented
from .stock_alerts import AlertError

logger = logging.getLogger(__name__)

USER_CART_PREFIX = "user-"
# Carts last added to longer ago than this are not looked at any more (they expire after 48 hours).
LOOK_BACK_DAYS = 7


@dataclass(frozen=True)
class Owner:
    user: User | None
    email: str


def _owner(cart_key: str) -> Owner | None:
    if cart_key.startswith(USER_CART_PREFIX):
        user_id = cart_key.removeprefix(USER_CART_PREFIX)
        user = User.objects.filter(pk=int(user_id), is_active=True).first() if user_id.isdecimal() else None
        return Owner(user=user, email=user.email) if user is not None and user.email else None
    contact = CartContact.objects.filter(cart_key=cart_key).first()
    return Owner(user=None, email=contact.email) if contact is not None else None


class ReminderRow(TypedDict):
    """One line as the reminder e-mail shows it (kept in CartReminder.lines)."""

    name: str
    quantity: int
    total: str | None  # None: the price is still secret
    url: str


def _snapshot(lines: dict[LineKey, int]) -> tuple[list[ReminderRow], int]:
    """The cart's lines as the e-mail shows them: no price for a product whose price is still
    secret (it awaits its launch), as the cart page shows none."""
    summary = price_cart(lines)
    rows: list[ReminderRow] = [
        {
            "name": line.variant.shopper_name,
            "quantity": line.quantity,
            "total": str(line.line_total),
            "url": line.variant.product.get_absolute_url(),
        }
        for line in summary.lines
    ]
    rows += [
        {
            "name": line.variant.shopper_name,
            "quantity": line.quantity,
            "total": None,
            "url": line.variant.product.get_absolute_url(),
        }
        for line in summary.waiting
    ]
    return rows, sum(row["quantity"] for row in rows)


def _candidates(idle_hours: int, now: datetime) -> list[str]:
    reminded = CartReminder.objects.filter(cart_key=OuterRef("cart_key"), sent_at__gte=OuterRef("seen_at"))
    return list(
        CartClient.objects.filter(
            seen_at__lte=now - timedelta(hours=idle_hours), seen_at__gte=now - timedelta(days=LOOK_BACK_DAYS)
        )
        .exclude(Exists(reminded))
        .order_by("seen_at")
        .values_list("cart_key", flat=True)
    )


def _remind(cart_key: str, idle_hours: int, now: datetime) -> bool:
    owner = _owner(cart_key)
    if owner is None or not marketing_consented(user=owner.user, email=owner.email):
        return False
    store = cart_store()
    idle = store.idle_seconds(cart_key)
    if idle is None or idle < idle_hours * 3600:
        return False
    lines = store.lines(cart_key)
    if not lines:
        return False
    after = last_order_id(user=owner.user, email=owner.email)
    if after and Order.objects.filter(pk=after, placed_at__gte=now - timedelta(seconds=idle)).exists():
        return False  # ordered since the cart was last touched
    rows, units = _snapshot(lines)
    if not rows:
        return False
    claim = Insert(
        CartReminder,
        {
            "cart_key": cart_key,
            "after_order_id": after,
            "user": owner.user,
            "email": owner.email,
            "lines": rows,
            "units": units,
            "sent_at": now,
        },
    )
    return send_once(claim=claim, send=lambda: emails.send_cart_reminder(reminder=claim.row))


def cart_reminders_send_due(*, idle_hours: int | None = None, now: datetime | None = None) -> int:
    """Remind every cart due; returns e-mails sent. A failed e-mail is tried again next run."""
    idle_hours = site_setting("CART_REMINDER_HOURS") if idle_hours is None else idle_hours
    now = now or timezone.now()
    sent = 0
    for cart_key in _candidates(idle_hours, now):
        try:
            sent += _remind(cart_key, idle_hours, now)
        except Exception:
            logger.exception("Cart reminder for %s failed; it will be retried", cart_key)
    return sent


def cart_reminder_for_token(*, token: str) -> CartReminder:
    """The reminder an e-mailed link names; a changed or too old link is refused."""
    try:
        signed = tokens.token_read(tokens.CART, token)
    except tokens.TokenExpired:
        raise AlertError(_("This link has expired, and the cart with it.")) from None
    except tokens.TokenInvalid:
        raise AlertError(_("This link is not valid. Copy the whole link from the e-mail.")) from None
    reminder = CartReminder.objects.filter(pk=signed.pk, email=signed.email).first()
    if reminder is None:
        raise AlertError(_("This link is not valid. Copy the whole link from the e-mail."))
    return reminder


def cart_reminder_recover(*, reminder: CartReminder, cart: Cart) -> bool:
    """Bring the reminded cart back into `cart` (the visitor's): True when the visitor's session
    should simply take the reminded cart over (it has none of its own with lines), else its
    lines are merged in (cart.services.cart_merge caps them by limits and stock). The first use
    is recorded (recovered)."""
    store = cart_store()
    if not store.lines(reminder.cart_key):
        raise AlertError(_("That cart is no longer there: it was ordered or it expired."))
    adopt = False
    if cart.id != reminder.cart_key:
        adopt = cart.customer is None and not store.lines(cart.id)
        if not adopt:
            cart_merge(source_id=reminder.cart_key, cart=cart)
    CartReminder.objects.filter(pk=reminder.pk, recovered_at__isnull=True).update(recovered_at=timezone.now())
    return adopt
