"""stock_count_set: a counted quantity becomes one adjustment movement for the difference, under
the level's lock, so a sale between reading and writing is never lost."""

import pytest
from django.db import connection

from inventory.exceptions import InsufficientStock, InvalidQuantity, ReasonRequired
from inventory.models import Movement, StockLevel
from inventory.services import stock_reserve
from inventory.services.stock import stock_count_set, stock_write_off
from tests.factories import VariantFactory, WarehouseFactory, stock
from tests.threads import run_in_threads


@pytest.mark.django_db
def test_the_difference_goes_through_the_ledger():
    level = stock(VariantFactory(), WarehouseFactory(), 10)
    movement = stock_count_set(variant=level.variant, warehouse=level.warehouse, on_hand=7, reason="Conteo")
    level.refresh_from_db()
    assert (movement.kind, movement.quantity, level.on_hand) == (Movement.Kind.ADJUSTMENT, -3, 7)
    assert stock_count_set(variant=level.variant, warehouse=level.warehouse, on_hand=7, reason="Conteo") is None
    assert level.on_hand == sum(level.movements.values_list("quantity", flat=True))


@pytest.mark.django_db
def test_a_new_level_and_bad_counts():
    variant, warehouse = VariantFactory(), WarehouseFactory()
    stock_count_set(variant=variant, warehouse=warehouse, on_hand=4, reason="Conteo inicial")
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 4
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(InvalidQuantity):
            stock_count_set(variant=variant, warehouse=warehouse, on_hand=bad, reason="Conteo")
    with pytest.raises(ReasonRequired):
        stock_count_set(variant=variant, warehouse=warehouse, on_hand=2, reason=" ")


@pytest.mark.django_db
def test_reserved_units_cannot_be_counted_away():
    level = stock(VariantFactory(), WarehouseFactory(), 10)
    stock_reserve(lines=[(level.variant_id, 6)], cart_key="carrito")
    with pytest.raises(InsufficientStock):
        stock_count_set(variant=level.variant, warehouse=level.warehouse, on_hand=5, reason="Conteo")
    level.refresh_from_db()
    assert level.on_hand == 10 and not level.movements.filter(kind=Movement.Kind.ADJUSTMENT).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_count_and_a_write_off_at_once_lose_nothing():
    level = stock(VariantFactory(), WarehouseFactory(), 10)

    def work(index):
        if index % 2:
            stock_count_set(variant=level.variant, warehouse=level.warehouse, on_hand=20, reason="Conteo")
        else:
            stock_write_off(variant=level.variant, warehouse=level.warehouse, quantity=1, reason="Roto")

    results, errors = run_in_threads(work, 6)
    assert not errors
    level.refresh_from_db()
    assert level.on_hand == sum(level.movements.values_list("quantity", flat=True))
