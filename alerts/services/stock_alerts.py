"""Back-in-stock and launch alerts ("Avísame").

A shopper leaves an address on a sold-out option (or on a product awaiting its drop's launch).
A guest confirms it from an e-mail first (double opt-in); a signed-in customer's own address is
active at once. When units come back, the waiting shoppers are e-mailed in the order they asked,
each once, and no more of them than there are units: a shopper told in the last OFFER_HOURS
still counts against the units (they may be buying), so two receipts landing together do not
announce the same units twice. Those runs take the variant's waiting rows under a lock, one
after the other. A launch alert is e-mailed once when the drop starts."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cart.services import CartError, SaleWindow, check_sellable, variants_with_sale_window
from catalog.models import Variant
from core.actors import signed_in
from core.once import Stamp, send_once

from .. import emails, enqueue, tokens
from ..models import StockAlert
from ..selectors import WAITING, units_available, variants_waiting_for_stock, waiting_alerts

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from core.actors import AnyUser

logger = logging.getLogger(__name__)

# How long a shopper told of units keeps counting against them.
OFFER_HOURS = 24


class AlertError(Exception):
    """A refusal with the message to show the shopper; nothing was written."""


def _clean_email(raw: object) -> str:
    email = str(raw or "").strip().lower()[:254]
    try:
        validate_email(email)
    except ValidationError:
        raise AlertError(_("Enter a valid e-mail address.")) from None
    return email


def _alert_kind(variant: "WithAnnotations[Variant, SaleWindow]") -> str:
    """A launch alert before the drop starts; else a back-in-stock alert, for a sold-out option only."""
    if variant.upcoming_drop_start is not None and not variant.in_live_collection:
        return StockAlert.Kind.LAUNCH
    try:
        check_sellable(variant)
    except CartError as error:
        raise AlertError(str(error)) from None
    if units_available([variant.pk]).get(variant.pk, 0) > 0:
        raise AlertError(_("%(name)s is in stock: you can buy it now.") % {"name": variant.shopper_name})
    return StockAlert.Kind.RESTOCK


def stock_alert_request(*, variant_id: int | str, email: str, user: "AnyUser | None" = None) -> StockAlert:
    """Ask to be told when this variant is back (or launches). Asking again returns the same
    request. A guest's (or another address's) request waits for the e-mailed confirmation."""
    email = _clean_email(email)
    variant = None
    if str(variant_id).isdecimal() and len(str(variant_id)) <= 18:
        variant = next(iter(variants_with_sale_window(Q(pk=int(variant_id), is_active=True))), None)
    if variant is None or not variant.product.is_visible:
        raise AlertError(_("That product does not exist."))
    kind = _alert_kind(variant)
    account = signed_in(user)
    own_address = account is not None and account.email.lower() == email
    with transaction.atomic():
        alert = StockAlert.objects.filter(
            variant=variant,
            email=email,
            status__in=(StockAlert.Status.PENDING, StockAlert.Status.ACTIVE),
            notified_at__isnull=True,
        ).first()
        if alert is None:
            try:
                with transaction.atomic():
                    alert = StockAlert.objects.create(
                        variant=variant, kind=kind, email=email, user=account if own_address else None
                    )
            except IntegrityError:  # the same request, made a moment ago
                return StockAlert.objects.get(
                    variant=variant,
                    email=email,
                    notified_at__isnull=True,
                    status__in=(StockAlert.Status.PENDING, StockAlert.Status.ACTIVE),
                )
            if not own_address:
                enqueue.alert_confirmation_send(alert_id=alert.pk)
        if own_address and alert.status == StockAlert.Status.PENDING:
            _activate(alert, user=account)
    return alert


def _activate(alert: StockAlert, *, user: User | None = None) -> None:
    alert.status, alert.confirmed_at = StockAlert.Status.ACTIVE, timezone.now()
    alert.user = user or alert.user
    alert.save(update_fields=["status", "confirmed_at", "user"])


def alert_confirmation_send(*, alert_id: int) -> bool:
    """The double opt-in e-mail of a pending alert, once."""
    alert = (
        StockAlert.objects.select_related("variant__product")
        .filter(pk=alert_id, status=StockAlert.Status.PENDING)
        .first()
    )
    if alert is None:
        return False
    return send_once(
        claim=Stamp(StockAlert.objects.filter(pk=alert.pk), field="confirmation_sent_at"),
        send=partial(emails.send_confirmation, alert=alert),
    )


def _alert_for(purpose: str, token: str) -> StockAlert:
    try:
        signed = tokens.token_read(purpose, token)
    except tokens.TokenExpired:
        raise AlertError(_("This link has expired. Ask for the alert again on the product's page.")) from None
    except tokens.TokenInvalid:
        raise AlertError(_("This link is not valid. Copy the whole link from the e-mail.")) from None
    alert = StockAlert.objects.select_related("variant__product").filter(pk=signed.pk, email=signed.email).first()
    if alert is None:
        raise AlertError(_("This link is not valid. Copy the whole link from the e-mail."))
    return alert


def stock_alert_confirm(*, token: str) -> StockAlert:
    """The guest followed the confirmation link: the alert is active (again: nothing changes). If
    the units came back meanwhile, they are told at once."""
    alert = _alert_for(tokens.CONFIRM, token)
    if alert.status == StockAlert.Status.UNSUBSCRIBED:
        raise AlertError(_("You cancelled this alert. Ask for it again on the product's page."))
    if alert.status == StockAlert.Status.PENDING:
        with transaction.atomic():
            _activate(alert)
            if alert.kind == StockAlert.Kind.RESTOCK:
                enqueue.back_in_stock_notify(variant_ids=[alert.variant_id])
    return alert


def stock_alert_for_unsubscribe(*, token: str) -> StockAlert:
    """The alert an unsubscribe link names (read only: opening the link asks first, so a mail
    scanner that follows links unsubscribes nobody)."""
    return _alert_for(tokens.UNSUBSCRIBE, token)


def stock_alert_unsubscribe(*, token: str) -> StockAlert:
    """The shopper confirmed on the link's page, or the mail client's one-click POST (RFC 8058):
    no e-mail about it any more (again: no change)."""
    alert = _alert_for(tokens.UNSUBSCRIBE, token)
    StockAlert.objects.filter(pk=alert.pk).exclude(status=StockAlert.Status.UNSUBSCRIBED).update(
        status=StockAlert.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    alert.refresh_from_db()
    return alert


def stock_replenished(*, variant_ids: list[int]) -> None:
    """inventory.ports.stock_replenished: units of these variants became available again. Those who wait
    are told by a task after the stock's transaction commits (a receipt rolled back tells nobody); the
    periodic sweep (stock_alerts_sweep) catches a lost task or a hold that lapsed."""
    ids = sorted(set(variant_ids))
    # Most stock rises are awaited by nobody: they cost one indexed read, not a task each.
    if waiting_alerts().filter(variant_id__in=ids, kind=StockAlert.Kind.RESTOCK).exists():
        enqueue.back_in_stock_notify(variant_ids=ids)


def stock_alerts_notify(*, variant_ids: Iterable[int]) -> int:
    """Tell the shoppers waiting for these variants that units are back; returns e-mails sent."""
    return sum(_notify_variant(variant_id) for variant_id in sorted(set(variant_ids)))


def _notify_variant(variant_id: int) -> int:
    variant = next(iter(variants_with_sale_window(Q(pk=variant_id))), None)
    if variant is None:
        return 0
    try:
        check_sellable(variant)
    except CartError:
        return 0  # not for sale (inactive, before its launch, a closed drop): nobody to tell yet
    sent = 0
    with transaction.atomic():
        # Under these locks a second run waits, then sees what this one told (a fresh statement each).
        waiting = list(
            StockAlert.objects.select_for_update()
            .filter(WAITING, variant_id=variant_id, kind=StockAlert.Kind.RESTOCK)
            .order_by("created_at", "pk")
        )
        if not waiting:
            return 0
        offered = StockAlert.objects.filter(
            variant_id=variant_id,
            kind=StockAlert.Kind.RESTOCK,
            notified_at__gte=timezone.now() - timedelta(hours=OFFER_HOURS),
        ).count()
        units = units_available([variant_id]).get(variant_id, 0) - offered
        for alert in waiting[: max(units, 0)]:
            try:
                if send_once(
                    claim=Stamp(
                        StockAlert.objects.filter(pk=alert.pk, status=StockAlert.Status.ACTIVE), field="notified_at"
                    ),
                    send=partial(emails.send_back_in_stock, alert=alert, variant=variant),
                ):
                    sent += 1
            except Exception:  # the mail server: the next sweep tells the rest
                logger.exception("Back-in-stock e-mail for alert %s failed; it will be retried", alert.pk)
                break
    return sent


def stock_alerts_sweep() -> int:
    """The periodic catch-all: every variant someone waits for that has units now (a hold that
    lapsed, a bundle whose parts came back, a task that was lost)."""
    return stock_alerts_notify(variant_ids=variants_waiting_for_stock())


def launch_alerts_notify() -> int:
    """Each launch alert whose drop has started is e-mailed once; returns e-mails sent."""
    ids = set(StockAlert.objects.filter(WAITING, kind=StockAlert.Kind.LAUNCH).values_list("variant_id", flat=True))
    launched: dict[int, WithAnnotations[Variant, SaleWindow]] = {}
    for variant in variants_with_sale_window(Q(pk__in=ids)):
        try:
            check_sellable(variant)
        except CartError:
            continue
        launched[variant.pk] = variant
    sent = 0
    for alert in StockAlert.objects.filter(WAITING, kind=StockAlert.Kind.LAUNCH, variant_id__in=launched).order_by(
        "created_at", "pk"
    ):
        try:
            if send_once(
                claim=Stamp(
                    StockAlert.objects.filter(pk=alert.pk, status=StockAlert.Status.ACTIVE), field="notified_at"
                ),
                send=partial(emails.send_launched, alert=alert, variant=launched[alert.variant_id]),
            ):
                sent += 1
        except Exception:
            logger.exception("Launch e-mail for alert %s failed; it will be retried", alert.pk)
    return sent
