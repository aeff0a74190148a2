"""The kept counts under real concurrency on PostgreSQL: staff writing prices of one category while refreshes
run (each write's own at its commit, and beat's) and shoppers read. Whenever a reader's snapshot finds the
kept counts current they are the live counts of that very snapshot, and once the writes stop they end current."""

import random
from decimal import Decimal

import pytest
from django.db import connection, transaction

from catalog import category_counts
from catalog.listing import ListingParams, _facet_counts
from catalog.models import Product
from catalog.selectors import visible_products
from catalog.services import product_save
from catalog.tree import catalog_tree
from tests.factories import BrandFactory, CategoryFactory, ProductFactory
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="snapshots and row locks are proven on PostgreSQL"),
]

WRITES = 12
PRICES = [Decimal(price) for price in ("49.90", "250.00", "999.00", "2400.00", "7800.00")]


def _live(category_ids, tree):
    return _facet_counts(
        visible_products(tree).filter(category_id__in=category_ids), ListingParams(), tree, category_ids
    )


def test_kept_counts_are_never_served_stale_while_prices_change_and_refreshes_run():
    category = CategoryFactory()
    brands = [BrandFactory(), BrandFactory()]
    ids = [ProductFactory(category=category, brand=brands[i % 2], base_price=PRICES[i % 5]).pk for i in range(10)]
    category_counts.refresh()
    tree = catalog_tree()
    seen_current = []

    def write(index: int) -> None:
        rng = random.Random(index)
        for _ in range(WRITES):
            with transaction.atomic():  # its refresh runs at its commit (tasks run eagerly here)
                product = Product.objects.select_for_update().get(pk=rng.choice(ids))
                product.base_price = rng.choice(PRICES)
                product_save(product=product)

    def refresh(_index: int) -> None:
        for _ in range(WRITES):
            category_counts.refresh([category.pk])

    def read(_index: int) -> None:
        for _ in range(WRITES * 2):
            with transaction.atomic():
                with connection.cursor() as cursor:  # one snapshot for both answers
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                found = category_counts.kept([category.pk], tree)
                if found is not None:
                    assert found == _live([category.pk], tree)
                    seen_current.append(True)

    roles = [write, write, refresh, read]
    results, errors = run_in_threads(lambda index: roles[index](index), len(roles))
    assert not errors, errors
    category_counts.refresh()
    assert category_counts.kept([category.pk], tree) == _live([category.pk], tree)
