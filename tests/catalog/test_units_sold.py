"""Units sold follow the stock ledger: sales add, cancellations and customer returns take back."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Product
from catalog.services import products_units_sold_add
from inventory import services
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, make_bundle, stock
from tests.threads import run_in_threads


def units_sold(product) -> int:
    return Product.objects.values_list("units_sold", flat=True).get(pk=product.pk)


def recount(*args) -> str:
    out = StringIO()
    call_command("units_sold_recount", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestLedgerKeepsUnitsSold:
    def test_a_paid_order_adds_its_units_per_product_and_a_replay_adds_nothing(self):
        product, other = ProductFactory(), ProductFactory()
        red, blue, single = (
            VariantFactory(product=product),
            VariantFactory(product=product),
            VariantFactory(product=other),
        )
        warehouse = WarehouseFactory()
        for variant in (red, blue, single):
            stock(variant, warehouse, quantity=10)

        services.order_stock_sell(order_id=501, lines={red.pk: 2, blue.pk: 3, single.pk: 1})
        services.order_stock_sell(order_id=501, lines={red.pk: 2, blue.pk: 3, single.pk: 1})  # replayed payment

        assert units_sold(product) == 5
        assert units_sold(other) == 1

    def test_a_cancelled_order_gives_its_units_back(self):
        variant = VariantFactory()
        stock(variant, WarehouseFactory(), quantity=10)
        services.order_stock_sell(order_id=502, lines={variant.pk: 4})
        services.order_stock_sell(order_id=503, lines={variant.pk: 1})

        services.order_stock_restore(order_id=502)
        services.order_stock_restore(order_id=502)  # replayed cancellation

        assert units_sold(variant.product) == 1

    def test_a_customer_return_takes_the_unit_back(self):
        variant, warehouse = VariantFactory(), WarehouseFactory()
        stock(variant, warehouse, quantity=10)
        services.order_stock_sell(order_id=504, lines={variant.pk: 3})

        services.stock_return(variant=variant, warehouse=warehouse, quantity=1, return_id=9)

        assert units_sold(variant.product) == 2

    def test_receipts_adjustments_and_transfers_are_not_sales(self):
        variant, lima, arequipa = VariantFactory(), WarehouseFactory(), WarehouseFactory()
        stock(variant, lima, quantity=10)
        services.stock_adjust(variant=variant, warehouse=lima, quantity=-2, reason="Conteo")
        services.stock_write_off(variant=variant, warehouse=lima, quantity=1, reason="Dañado")
        services.stock_transfer(variant=variant, source=lima, destination=arequipa, quantity=3)

        assert units_sold(variant.product) == 0

    def test_never_below_zero_and_unknown_products_are_ignored(self):
        product = ProductFactory()
        products_units_sold_add(quantities={product.pk: -3, 999_999: 4})

        assert units_sold(product) == 0
        assert not Product.objects.filter(pk=999_999).exists()


@pytest.mark.django_db
class TestRecount:
    def test_reports_and_fixes_drift_from_the_ledger(self):
        variant = VariantFactory(product=ProductFactory(base_sku="KAL-DRIFT", name="Silla Drift"))
        stock(variant, WarehouseFactory(), quantity=10)
        services.order_stock_sell(order_id=601, lines={variant.pk: 4})
        invented = ProductFactory(base_sku="KAL-INVENT", units_sold=77)
        Product.objects.filter(pk=variant.product_id).update(units_sold=9)

        rows = json.loads(recount("--format", "json", "--dry-run"))
        assert {row["sku"]: (row["stored"], row["ledger"], row["drift"]) for row in rows} == {
            "KAL-DRIFT": (9, 4, 5),
            "KAL-INVENT": (77, 0, 77),
        }
        assert units_sold(invented) == 77  # a dry run changes nothing

        table = recount()
        assert "KAL-DRIFT" in table and "2 productos difieren del kárdex; corregido." in table
        assert units_sold(variant.product) == 4 and units_sold(invented) == 0
        assert json.loads(recount("--format", "json")) == []

    def test_csv(self):
        variant = VariantFactory(product=ProductFactory(base_sku="KAL-CSV"))
        stock(variant, WarehouseFactory(), quantity=5)
        services.order_stock_sell(order_id=602, lines={variant.pk: 2})
        Product.objects.filter(pk=variant.product_id).update(units_sold=0)

        assert recount("--format", "csv").splitlines() == [
            "sku,product,stored,ledger,drift",
            f"KAL-CSV,{variant.product.name},0,2,-2",
        ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL")
def test_concurrent_paid_orders_never_lose_a_count():
    product = ProductFactory()
    variants = [VariantFactory(product=product) for _ in range(2)]
    warehouse = WarehouseFactory()
    for variant in variants:
        stock(variant, warehouse, quantity=100)
    threads = 20

    def pay(index: int):
        # Each order buys both variants (2 + 1 units), so every sale updates the same product row.
        return services.order_stock_sell(order_id=7000 + index, lines={variants[0].pk: 2, variants[1].pk: 1})

    results, errors = run_in_threads(pay, threads)

    assert errors == []
    assert len(results) == threads
    assert units_sold(product) == threads * 3

    def cancel(index: int):
        return services.order_stock_restore(order_id=7000 + index)

    results, errors = run_in_threads(cancel, threads // 2)
    assert errors == []
    assert units_sold(product) == (threads - threads // 2) * 3
    assert json.loads(recount("--format", "json")) == []


@pytest.fixture
def pack():
    """A bundle of 1 mouse + 2 pads, all stocked in one warehouse."""
    warehouse = WarehouseFactory()
    mouse, pad = VariantFactory(sku="U-MOUSE"), VariantFactory(sku="U-PAD")
    stock(mouse, warehouse, quantity=200)
    stock(pad, warehouse, quantity=400)
    return {
        "bundle": make_bundle([(mouse, 1), (pad, 2)], sku="PACK-UNITS"),
        "mouse": mouse,
        "pad": pad,
        "warehouse": warehouse,
    }


@pytest.mark.django_db
class TestBundlesCountBundles:
    """A bundle counts the bundles sold; a component counts only the units sold on their own."""

    def test_a_bundle_sale_counts_for_the_bundle_and_not_for_its_components(self, pack):
        from inventory.models import Movement

        bundle, mouse, pad = pack["bundle"], pack["mouse"], pack["pad"]
        # 3 mice in all (2 in bundles, 1 on its own) come from one hold, split by what they were sold as.
        services.order_stock_sell(order_id=801, lines={bundle.pk: 2, mouse.pk: 1})
        services.order_stock_sell(order_id=801, lines={bundle.pk: 2, mouse.pk: 1})  # replayed payment

        assert units_sold(bundle.product) == 2
        assert units_sold(mouse.product) == 1
        assert units_sold(pad.product) == 0
        sales = sorted(
            Movement.objects.filter(reference_id=801, kind="sale").values_list(
                "stock_level__variant__sku", "quantity", "sold_as__sku", "bundle_units"
            )
        )
        assert sales == [("U-MOUSE", -2, "PACK-UNITS", -2), ("U-MOUSE", -1, None, 0), ("U-PAD", -4, "PACK-UNITS", 0)]
        assert json.loads(recount("--format", "json")) == []
        call_command("inventory_verify", verbosity=0)  # each converted hold still has exactly its sale

    def test_a_cancelled_bundle_order_takes_its_bundles_back(self, pack):
        bundle, mouse = pack["bundle"], pack["mouse"]
        services.order_stock_sell(order_id=802, lines={bundle.pk: 3, mouse.pk: 2})
        services.order_stock_sell(order_id=803, lines={bundle.pk: 1})

        services.order_stock_restore(order_id=802)
        services.order_stock_restore(order_id=802)  # replayed cancellation

        assert units_sold(bundle.product) == 1
        assert units_sold(mouse.product) == 0
        assert json.loads(recount("--format", "json")) == []
        call_command("inventory_verify", verbosity=0)

    def test_a_returned_bundle_is_no_longer_sold(self, pack):
        bundle, pad = pack["bundle"], pack["pad"]
        services.order_stock_sell(order_id=804, lines={bundle.pk: 3, pad.pk: 1})

        services.stock_return(variant=bundle, warehouse=pack["warehouse"], quantity=2, return_id=41)
        services.stock_return(variant=pad, warehouse=pack["warehouse"], quantity=1, return_id=42)

        assert units_sold(bundle.product) == 1
        assert units_sold(pad.product) == 0
        assert json.loads(recount("--format", "json")) == []

    def test_the_recount_restores_a_bundles_figure_from_the_ledger(self, pack):
        bundle = pack["bundle"]
        services.order_stock_sell(order_id=805, lines={bundle.pk: 2})
        Product.objects.filter(pk=bundle.product_id).update(units_sold=0)

        assert json.loads(recount("--format", "json")) == [
            {"sku": bundle.product.base_sku, "product": bundle.product.name, "stored": 0, "ledger": 2, "drift": -2}
        ]
        assert units_sold(bundle.product) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL")
def test_concurrent_bundle_sales_cancellations_and_returns_keep_the_count(pack):
    bundle, mouse = pack["bundle"], pack["mouse"]
    threads = 12

    def pay(index: int):
        # Every order buys two bundles and a mouse on its own: the same product rows each time.
        return services.order_stock_sell(order_id=9000 + index, lines={bundle.pk: 2, mouse.pk: 1})

    results, errors = run_in_threads(pay, threads)
    assert errors == [] and len(results) == threads
    assert (units_sold(bundle.product), units_sold(mouse.product)) == (threads * 2, threads)

    def cancel_or_return(index: int):
        if index % 2:
            return services.order_stock_restore(order_id=9000 + index)
        return services.stock_return(variant=bundle, warehouse=pack["warehouse"], quantity=1, return_id=9100 + index)

    results, errors = run_in_threads(cancel_or_return, threads)
    assert errors == [] and len(results) == threads
    cancelled, returned = threads // 2, threads - threads // 2
    assert units_sold(bundle.product) == (threads - cancelled) * 2 - returned
    assert units_sold(mouse.product) == threads - cancelled
    assert json.loads(recount("--format", "json")) == []
    call_command("inventory_verify", verbosity=0)
