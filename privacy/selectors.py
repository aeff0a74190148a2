"""Reads of ARCO requests that the account page and the admin share."""

from django.db.models import QuerySet

from accounts.models import User

from .models import ArcoRequest


def requests_for_customer(*, user: User) -> QuerySet[ArcoRequest]:
    return ArcoRequest.objects.filter(customer=user).order_by("-received_at", "-pk")
