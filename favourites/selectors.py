"""Reads of the favourites and recently viewed lists, each in a fixed number of queries
whatever the list's length."""

from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.db.models import BooleanField, ExpressionWrapper

from accounts.models import User
from catalog.listing import cards_read
from catalog.models import Product
from catalog.selectors import visible_products
from catalog.tree import Tree
from inventory.selectors import product_in_stock

from .models import Favourite, FavouriteShare
from .services import SHARE_SALT


@dataclass
class FavouriteRow:
    product: Product
    saved_price: Decimal | None

    @property
    def price_is_secret(self) -> bool:
        return self.product.price_is_secret

    @property
    def price(self) -> Decimal | None:
        """None while the product awaits its launch: the page says "Precio al lanzamiento"."""
        return None if self.price_is_secret else self.product.shopper_price

    @property
    def dropped_from(self) -> Decimal | None:
        """The price when saved, if the price now is lower ("Bajó de precio")."""
        price = self.price
        if price is None or self.saved_price is None or price >= self.saved_price:
            return None
        return self.saved_price


def account_saved(user: User) -> dict[int, Decimal | None]:
    """{product id: price when saved}, the latest saved first (one query)."""
    return dict(Favourite.objects.filter(user=user).values_list("product_id", "saved_price"))


def favourite_rows(*, saved: dict[int, Decimal | None], tree: Tree | None = None) -> list[FavouriteRow]:
    """The saved products shoppers may still see, in the order given, with their price and
    availability now (two queries: the products, their card images)."""
    if not saved:
        return []
    in_stock = ExpressionWrapper(product_in_stock(), output_field=BooleanField())
    products = {
        p.pk: p for p in cards_read(visible_products(tree).filter(pk__in=list(saved)).annotate(in_stock=in_stock))
    }
    return [FavouriteRow(product=products[pk], saved_price=price) for pk, price in saved.items() if pk in products]


def shared_list_owner(token: str) -> User | None:
    """The customer whose list the link shows, or None for a tampered, malformed or revoked link."""
    try:
        key = signing.Signer(salt=SHARE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    share = FavouriteShare.objects.filter(key=key).select_related("user").first()
    return share.user if share and share.user.is_active else None


def share_key(user: User) -> str | None:
    return FavouriteShare.objects.filter(user=user).values_list("key", flat=True).first()


def recent_products(*, ids: list[int], tree: Tree | None = None) -> tuple[list[Product], set[int]]:
    """The products with these ids shoppers may still see, in that order, ready for their cards,
    and the ids that are gone (hidden, deleted)."""
    if not ids:
        return [], set()
    found = {p.pk: p for p in cards_read(visible_products(tree).filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found], set(ids) - set(found)
