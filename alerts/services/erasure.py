"""Alerts' part of personal-data rights (Ley 29733): a closed account's alerts and reminders go,
and reminders are not kept past their retention term."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from accounts.models import User

from ..models import CartReminder, StockAlert


@transaction.atomic
def alerts_erase(*, user: User, email: str) -> int:
    """The account's "Avísame" alerts and cart reminders, and those left under its e-mail as a
    guest (the e-mail is the person): how many rows went."""
    mine = Q(user=user) | Q(email__iexact=email) if email else Q(user=user)
    return StockAlert.objects.filter(mine).delete()[0] + CartReminder.objects.filter(mine).delete()[0]


@transaction.atomic
def cart_reminders_drop_before(*, cutoff: datetime) -> int:
    """Reminders sent before `cutoff` (an e-mail and a cart's lines nothing needs any more)."""
    return CartReminder.objects.filter(sent_at__lt=cutoff).delete()[0]
