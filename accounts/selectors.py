from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Address, User


def address_list_for(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-is_default_shipping", "-is_default_billing", "-created_at")


def address_get_for(*, user: User, pk: int) -> Address:
    """The user's own address, or 404: another user's id looks exactly like a missing one."""
    return get_object_or_404(Address.objects.select_related("user"), pk=pk, user=user)
