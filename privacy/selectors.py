"""Reads of ARCO requests that the account page and the admin share."""

from datetime import date
from typing import Any, cast

from django.db.models import QuerySet

from accounts.models import User
from complaints import selectors as complaint_deadlines

from .models import ArcoRequest

# The Libro de Reclamaciones' deadline rule (business days, Peru's office weekend and holidays,
# "near" at 3 business days) is the one an ARCO request's term follows: one rule for both.
due_soon_limit = complaint_deadlines.due_soon_limit
deadline_label = complaint_deadlines.deadline_label


def requests_for_customer(*, user: User) -> QuerySet[ArcoRequest]:
    return ArcoRequest.objects.filter(customer=user).order_by("-received_at", "-pk")


def deadline_state(arco: ArcoRequest, *, today: date | None = None) -> tuple[str, int]:
    """("answered" | "overdue" | "soon" | "on_time", business days left or late): what the Libro's
    rule reads is the same on a request (is_answered, due_on)."""
    return complaint_deadlines.deadline_state(cast(Any, arco), today=today)
