from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Variant
from demo.catalog.loader import load_demo_catalog
from demo.inventory import load_demo_inventory
from inventory import selectors
from inventory.models import Movement, PurchaseOrder, StockLevel, Supplier, Warehouse
from tests.harness import built_then_rolled_back

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(StockLevel.objects.values_list("variant_id", "warehouse__code", "on_hand", "minimum")),
        Movement.objects.count(),
        sorted(PurchaseOrder.objects.values_list("number", "status", "total")),
        Supplier.objects.count(),
    )


def test_demo_inventory_is_consistent_varied_and_idempotent():
    load_demo_catalog(products=40, seed=7, progress=False)
    load_demo_inventory(progress=False)

    assert set(Warehouse.objects.values_list("code", "kind")) == {
        ("LIM-CENTRAL", "own"),
        ("AQP", "own"),
        ("DROP-ANDINO", "dropshipping"),
    }
    assert Supplier.objects.count() == 4
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {
        "draft",
        "ordered",
        "partially_received",
        "received",
        "cancelled",
    }
    variant_ids = list(Variant.objects.values_list("pk", flat=True))
    available = selectors.availability_by_variant(variant_ids)
    assert any(units == 0 for units in available.values()), "some variants are out of stock"
    assert sum(1 for units in available.values() if units > 0) > len(variant_ids) / 2
    assert selectors.low_stock_levels().filter(available_units__gt=0).exists(), "some are low but not out"

    out = StringIO()
    call_command("inventory_verify", stdout=out)
    assert "consistent" in out.getvalue()

    before = snapshot()
    load_demo_inventory(progress=False)
    assert snapshot() == before


def test_resetting_the_demo_catalog_reloads_its_stock():
    load_demo_catalog(products=20, seed=7, progress=False)
    load_demo_inventory(progress=False)
    old_variants = set(Variant.objects.values_list("pk", flat=True))

    call_command("load_demo_data", products=25, seed=8, reset=True, verbosity=0)

    assert not old_variants & set(StockLevel.objects.values_list("variant_id", flat=True))
    assert StockLevel.objects.exists()
    assert Movement.objects.filter(stock_level__variant_id__in=old_variants).count() == 0
    out = StringIO()
    call_command("inventory_verify", stdout=out)


def test_loading_the_demo_catalog_on_a_new_database_loads_its_stock_too():
    """Without --reset, a fresh database used to get a catalog where every product was "Agotado"."""
    call_command("load_demo_data", products=30, seed=3, verbosity=0)

    variant_ids = list(Variant.objects.values_list("pk", flat=True))
    available = selectors.availability_by_variant(variant_ids)
    in_stock = [variant_id for variant_id, units in available.items() if units > 0]
    assert len(in_stock) > len(variant_ids) // 2
    assert set(Warehouse.objects.values_list("code", flat=True)) == {"LIM-CENTRAL", "AQP", "DROP-ANDINO"}
    out = StringIO()
    call_command("inventory_verify", stdout=out)
    assert "consistent" in out.getvalue()

    before = snapshot()
    call_command("load_demo_data", products=30, seed=3, verbosity=0)  # already loaded: nothing changes
    assert snapshot() == before


def test_the_demo_stock_is_the_same_whatever_ids_its_variants_get():
    """The stock rules pick variants by number: by their ids, the demo held other stock after a reset
    (the ids go on from the old catalog's), or in a test after others had used the ids, and a
    demo seller could be left without the products its orders need."""

    def stock_by_sku():
        load_demo_catalog(products=30, seed=7, progress=False)
        load_demo_inventory(progress=False)
        return sorted(
            StockLevel.objects.values_list("variant__sku", "warehouse__code", "on_hand", "minimum", "bin_location")
        )

    first = built_then_rolled_back(stock_by_sku)
    assert stock_by_sku() == first
