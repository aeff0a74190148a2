"""Favourites' writes: saving keeps the price seen then, replays change nothing, the guest's
list merges into the account, and the share link is signed and revocable."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from catalog.models import CollectionItem, Product
from favourites.models import Favourite
from favourites.selectors import account_saved, favourite_rows, shared_list_owner
from favourites.services import (
    favourite_set,
    favourite_share_enable,
    favourite_share_revoke,
    favourites_merge,
    share_token,
)
from tests.factories import CollectionFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_saving_keeps_the_price_seen_and_a_replay_changes_nothing(user, ponchos):
    assert favourite_set(user=user, product=ponchos[0], saved=True) is True
    assert favourite_set(user=user, product=ponchos[0], saved=True) is False
    assert account_saved(user) == {ponchos[0].pk: Decimal("150.00")}
    assert favourite_set(user=user, product=ponchos[0], saved=False) is True
    assert favourite_set(user=user, product=ponchos[0], saved=False) is False
    assert not Favourite.objects.exists()


def test_a_secret_price_is_not_kept(user, ponchos):
    drop = CollectionFactory(starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=ponchos[2])
    product = Product.objects.with_price_reveal().get(pk=ponchos[2].pk)
    favourite_set(user=user, product=product, saved=True)
    (row,) = favourite_rows(saved=account_saved(user))
    assert row.saved_price is None and row.price_is_secret and row.price is None and row.dropped_from is None


def test_a_lower_price_now_is_a_drop_from_the_saved_one(user, ponchos):
    favourite_set(user=user, product=ponchos[0], saved=True)
    favourite_set(user=user, product=ponchos[1], saved=True)
    Product.objects.filter(pk=ponchos[0].pk).update(base_price=Decimal("120.00"))
    Product.objects.filter(pk=ponchos[1].pk).update(base_price=Decimal("180.00"))
    rows = {row.product.pk: row for row in favourite_rows(saved=account_saved(user))}
    assert rows[ponchos[0].pk].dropped_from == Decimal("150.00") and rows[ponchos[0].pk].price == Decimal("120.00")
    assert rows[ponchos[1].pk].dropped_from is None
    assert rows[ponchos[0].pk].product.in_stock and not favourite_rows(saved={ponchos[2].pk: None})[0].product.in_stock


def test_the_guest_list_merges_keeping_the_account_s_own_and_skipping_deleted_products(user, ponchos):
    favourite_set(user=user, product=ponchos[0], saved=True)
    gone = ProductFactory()
    gone_id = gone.pk
    Product.objects.filter(pk=gone_id).delete()
    added = favourites_merge(
        user=user, guest={ponchos[0].pk: Decimal("99.00"), ponchos[1].pk: Decimal("160.00"), gone_id: None}
    )
    assert added == 1
    assert account_saved(user) == {ponchos[0].pk: Decimal("150.00"), ponchos[1].pk: Decimal("160.00")}
    assert favourites_merge(user=user, guest={ponchos[1].pk: Decimal("1.00")}) == 0  # a replay


def test_hidden_products_drop_out_of_the_list(user, ponchos):
    for product in ponchos:
        favourite_set(user=user, product=product, saved=True)
    Product.objects.filter(pk=ponchos[1].pk).update(status=Product.Status.DRAFT)
    assert [row.product.pk for row in favourite_rows(saved=account_saved(user))] == [ponchos[2].pk, ponchos[0].pk]


def test_the_share_link_is_stable_until_revoked_and_tampering_finds_nothing(user, other_user):
    token = favourite_share_enable(user=user)
    assert favourite_share_enable(user=user) == token
    assert shared_list_owner(token) == user
    key, _, signature = token.rpartition(":")
    assert shared_list_owner(f"{key}x:{signature}") is None
    assert shared_list_owner(f"{key}:{signature[:-1]}") is None
    assert shared_list_owner(signing.Signer(salt="elsewhere").sign(key)) is None
    assert shared_list_owner("nonsense") is None

    assert favourite_share_revoke(user=user) is True
    assert shared_list_owner(token) is None  # a replay of the old link
    assert favourite_share_revoke(user=user) is False
    renewed = favourite_share_enable(user=user)
    assert renewed != token and shared_list_owner(renewed) == user
    assert shared_list_owner(share_token(key)) is None
    assert shared_list_owner(favourite_share_enable(user=other_user)) == other_user
