"""Reads of the Libro de Reclamaciones that pages, the admin, the alerts and the reports share."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shipping.calendar import OFFICE_WEEKEND, add_business_days, business_days_between

from .models import ComplaintSheet, ComplaintSheetQuerySet

# An open sheet "nears" its deadline when this many business days or fewer are left.
DUE_SOON_BUSINESS_DAYS = 3


def sheets() -> ComplaintSheetQuerySet:
    return ComplaintSheet.objects.select_related("order", "customer", "answered_by")


def sheet_by_number(*, number: str) -> ComplaintSheet | None:
    return sheets().filter(number=number.strip()).first()


def sheets_filed_between(*, start: date, end: date) -> QuerySet[ComplaintSheet]:
    """Sheets filed from `start` to `end` (Lima days, both included), by number: INDECOPI's export."""
    return sheets().filter(filed_at__date__gte=start, filed_at__date__lte=end).order_by("year", "sequence")


def sheets_for_customer(*, user: User) -> QuerySet[ComplaintSheet]:
    """The customer's sheets: those filed signed in, and those filed as a guest with the account's
    e-mail once the account has confirmed it (that mailbox got each sheet's copy already). A sheet
    another account filed stays that account's, whatever e-mail it gave."""
    own = Q(customer=user)
    if user.email_verified:
        own |= Q(customer__isnull=True, email__iexact=user.email)
    return sheets().filter(own).order_by("-filed_at", "-pk")


def due_soon_limit(*, today: date | None = None) -> date:
    """The last due date that counts as "near" today."""
    return add_business_days(today or timezone.localdate(), DUE_SOON_BUSINESS_DAYS, weekend=OFFICE_WEEKEND)


def sheets_due(*, today: date | None = None, overdue_only: bool = False) -> QuerySet[ComplaintSheet]:
    """Open sheets that are overdue or near their deadline (only overdue with overdue_only), the
    most urgent first."""
    today = today or timezone.localdate()
    limit = today if overdue_only else due_soon_limit(today=today)
    found = sheets().open().filter(due_on__lte=limit)
    if overdue_only:
        found = found.filter(due_on__lt=today)
    return found.order_by("due_on", "sequence")


def deadline_state(sheet: ComplaintSheet, *, today: date | None = None) -> tuple[str, int]:
    """("answered" | "overdue" | "soon" | "on_time", business days left or late)."""
    today = today or timezone.localdate()
    if sheet.is_answered:
        return "answered", 0
    if sheet.due_on < today:
        return "overdue", business_days_between(sheet.due_on, today, weekend=OFFICE_WEEKEND)
    left = business_days_between(today, sheet.due_on, weekend=OFFICE_WEEKEND)
    return ("soon" if left <= DUE_SOON_BUSINESS_DAYS else "on_time"), left


def deadline_label(state: str, days: int) -> str:
    """deadline_state's answer as staff read it ("overdue by 2 business days")."""
    labels = {
        "overdue": _("overdue by %(days)s business days"),
        "soon": _("%(days)s business days left"),
        "on_time": _("%(days)s business days left"),
        "answered": _("answered"),
    }
    return str(labels[state]) % {"days": days}
