"""Units sold follow the stock ledger: sales add, cancellations and customer returns take back."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Product
from catalog.services import products_units_sold_add
from inventory import services
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock
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
        red, blue, single = VariantFactory(product=product), VariantFactory(product=product), VariantFactory(product=other)
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
            "KAL-DRIFT": (9, 4, 5), "KAL-INVENT": (77, 0, 77),
        }
        assert units_sold(invented) == 77  # a dry run changes nothing

        table = recount()
        assert "KAL-DRIFT" in table and "2 products drifted from the ledger; fixed." in table
        assert units_sold(variant.product) == 4 and units_sold(invented) == 0
        assert json.loads(recount("--format", "json")) == []

    def test_csv(self):
        variant = VariantFactory(product=ProductFactory(base_sku="KAL-CSV"))
        stock(variant, WarehouseFactory(), quantity=5)
        services.order_stock_sell(order_id=602, lines={variant.pk: 2})
        Product.objects.filter(pk=variant.product_id).update(units_sold=0)

        assert recount("--format", "csv").splitlines() == ["sku,product,stored,ledger,drift",
                                                         f"KAL-CSV,{variant.product.name},0,2,-2"]


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
