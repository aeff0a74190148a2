"""Every change to a customer's favourites and to the link that shares them. A guest's list is
the session's (favourites.shopper); these write the account's."""

import secrets
from decimal import Decimal

from django.core import signing
from django.db import transaction

from accounts.models import User
from catalog.models import Product

from .models import Favourite, FavouriteShare

SHARE_SALT = "favourites.share"


def price_to_remember(product: Product) -> Decimal | None:
    """What "Bajó de precio" compares with later: the price the shopper sees now, none while secret."""
    return None if product.price_is_secret else product.shopper_price


def favourite_set(*, user: User, product: Product, saved: bool) -> bool:
    """Save the product in the customer's favourites (or take it out); True when that changed
    something, so a replayed request changes nothing."""
    with transaction.atomic():
        if not saved:
            return Favourite.objects.filter(user=user, product=product).delete()[0] > 0
        _, created = Favourite.objects.get_or_create(
            user=user, product=product, defaults={"saved_price": price_to_remember(product)}
        )
        return created


def favourites_merge(*, user: User, guest: dict[int, Decimal | None]) -> int:
    """At sign-in: the guest's favourites join the account's, each with the price it was saved at
    (a product the account already holds keeps its own). Products since deleted are skipped.
    Returns how many were added."""
    if not guest:
        return 0
    with transaction.atomic():
        existing = set(Favourite.objects.filter(user=user).values_list("product_id", flat=True))
        products = set(Product.objects.filter(pk__in=set(guest) - existing).values_list("pk", flat=True))
        added = Favourite.objects.bulk_create(
            [Favourite(user=user, product_id=pk, saved_price=guest[pk]) for pk in guest if pk in products],
            ignore_conflicts=True,  # the same account signing in twice at once
        )
    return len(added)


def favourite_share_enable(*, user: User) -> str:
    """The customer's share link token (the same one while it is not revoked)."""
    with transaction.atomic():
        share, _ = FavouriteShare.objects.get_or_create(user=user, defaults={"key": secrets.token_urlsafe(24)})
    return share_token(share.key)


def favourite_share_revoke(*, user: User) -> bool:
    """Every link handed out stops working; a new one can be made afterwards."""
    with transaction.atomic():
        return FavouriteShare.objects.filter(user=user).delete()[0] > 0


def share_token(key: str) -> str:
    return signing.Signer(salt=SHARE_SALT).sign(key)


@transaction.atomic
def favourites_erase(*, user: User) -> int:
    """A closed account's favourites and share link, gone (ARCO cancellation). How many rows."""
    return Favourite.objects.filter(user=user).delete()[0] + FavouriteShare.objects.filter(user=user).delete()[0]
