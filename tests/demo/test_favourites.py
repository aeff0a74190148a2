"""The demo customer's favourites: made through the services, one with a price drop, idempotent."""

import pytest

from demo.favourites import load_demo_favourites
from favourites.models import Favourite
from favourites.selectors import account_saved, favourite_rows
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_customer_has_favourites_one_of_them_cheaper_than_when_saved():
    customer = UserFactory(email="cliente@kallpa.pe")
    for index in range(5):
        ProductFactory(name=f"Demo {index}", units_sold=10 - index)

    load_demo_favourites(customer_email="cliente@kallpa.pe")
    load_demo_favourites(customer_email="cliente@kallpa.pe")  # a second run adds nothing

    rows = favourite_rows(saved=account_saved(customer))
    assert Favourite.objects.filter(user=customer).count() == len(rows) == 4
    dropped = [row for row in rows if row.dropped_from]
    assert len(dropped) == 1 and dropped[0].dropped_from > dropped[0].price


def test_without_the_customer_nothing_is_made():
    load_demo_favourites(customer_email="nadie@kallpa.pe")
    assert not Favourite.objects.exists()
