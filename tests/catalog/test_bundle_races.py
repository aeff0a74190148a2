"""Bundles' race: carts adding the last unit of a bundle's component at the same moment, each in a
thread of its own against PostgreSQL's row locks. Apart from tests/catalog/test_bundles.py, whose
tests roll back and share one shop per module (tests/conftest.py): this one commits."""

import pytest
from django.core.management import call_command
from django.db import connection

from cart.services import Cart, CartError, cart_add
from inventory.models import Reservation
from tests.factories import VariantFactory, WarehouseFactory, make_bundle, stock
from tests.threads import run_in_threads


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL")
def test_two_carts_racing_for_the_last_component_unit_one_gets_it():
    warehouse = WarehouseFactory(code="LIM")
    mouse, pad = VariantFactory(sku="MOUSE"), VariantFactory(sku="PAD")
    stock(mouse, warehouse, 1)  # the last mouse
    stock(pad, warehouse, 10)
    bundle = make_bundle([(mouse, 1), (pad, 1)])
    threads = 8

    def buy(index):
        return cart_add(cart=Cart(id=f"race-{index}"), sku=bundle.sku, quantity=1).sku

    results, errors = run_in_threads(buy, threads)
    assert len(results) == 1 and len(errors) == threads - 1
    assert all(isinstance(error, CartError) for error in errors)
    assert sum(Reservation.objects.active().filter(stock_level__variant=mouse).values_list("quantity", flat=True)) == 1
    assert sum(Reservation.objects.active().filter(stock_level__variant=pad).values_list("quantity", flat=True)) == 1
    call_command("inventory_verify", verbosity=0)
