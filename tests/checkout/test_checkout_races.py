"""Checkout's race: shoppers placing orders for the last units at the same moment, each in a thread
of its own against PostgreSQL's row locks. Apart from tests/checkout/test_checkout.py, whose tests
roll back and share one shop per module (tests/conftest.py): this one commits."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from demo.shipping import load_demo_shipping
from inventory.models import Reservation
from orders.models import Order
from payments.services import payment_method_ensure_test_gateway
from tests.factories import (
    ON_POSTGRESQL,
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    delivery,
    details,
    fill_cart,
    place,
    review_key,
    stock,
)
from tests.threads import run_in_threads


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_concurrent_checkouts_for_the_last_units_never_oversell():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    last = VariantFactory(sku="LAST", product=ProductFactory(base_price=Decimal("250.00")))
    stock(last, WarehouseFactory(), 3)
    buyers, keys = [Client() for _ in range(6)], []
    for index, buyer in enumerate(buyers):
        fill_cart(buyer, ("LAST", 1))
        # Each cart's hold lapses at once, so six carts reach the review for three units.
        Reservation.objects.update(expires_at="2020-01-01T00:00:00Z")
        details(buyer, email=f"buyer{index}@example.pe")
        delivery(buyer)
        keys.append(review_key(buyer))
    statuses, errors = run_in_threads(lambda index: place(buyers[index], keys[index]).status_code, len(buyers))

    # Those too late are sent back with a message (a redirect), never an error page.
    assert errors == [] and statuses == [302] * len(buyers)
    assert Order.objects.count() == 3
    assert sum(Reservation.objects.active().filter(order_id__isnull=False).values_list("quantity", flat=True)) == 3
    call_command("inventory_verify", verbosity=0)
