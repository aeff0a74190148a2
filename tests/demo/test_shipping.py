import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from demo.shipping import load_demo_shipping
from shipping.models import ShippingMethod, ShippingRate, ShippingZone
from shipping.selectors import shipping_options

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_a_second_run_changes_nothing():
    first = load_demo_shipping()
    counts = (ShippingZone.objects.count(), ShippingMethod.objects.count(), ShippingRate.objects.count())

    second = load_demo_shipping()

    assert first["methods"] == 5 and first["rates"] > 20
    assert second == {"zones": 0, "methods": 0, "rates": 0}
    assert counts == (ShippingZone.objects.count(), ShippingMethod.objects.count(), ShippingRate.objects.count())


def test_demo_methods_serve_lima_and_provinces():
    load_demo_shipping()
    monday = date(2026, 6, 1)

    parcel = {"weight_kg": Decimal("2"), "subtotal": Decimal("250"), "today": monday}
    lima = shipping_options(department="15", province="1501", **parcel)
    cusco = shipping_options(department="08", province="0801", **parcel)

    assert {o.code for o in lima} == {"recojo-tienda", "olva-lima", "serpost"}
    assert next(o for o in lima if o.code == "olva-lima").is_free  # free from S/ 199 in Lima
    assert {o.code for o in cusco} == {"olva-provincias", "shalom-agencia", "serpost"}
    assert cusco[0].code == "shalom-agencia"  # the cheapest first
    assert shipping_options(department="15", province="1501", weight_kg=Decimal("101"), subtotal=Decimal("1")) == []


def test_demo_data_command_runs_the_shipping_step(monkeypatch, tmp_path):
    from accounts.models import Address
    from demo.management.commands import demo_data

    assert demo_data.ensure_demo_shipping in demo_data.DEMO_STEPS
    # The catalog step is tested in tests/catalog; here only users and shipping run.
    monkeypatch.setattr(demo_data, "DEMO_STEPS", [demo_data.ensure_demo_shipping])
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "admin.json")

    call_command("demo_data", verbosity=0, stdout=StringIO())
    call_command("demo_data", verbosity=0, stdout=StringIO())

    address = Address.objects.get(user__email=demo_data.CUSTOMER_EMAIL)
    assert (address.province, address.district, address.ubigeo) == ("Lima", "Lince", "150116")
    codes = {
        option.code
        for option in shipping_options(
            department=address.department, province=address.province_code, weight_kg=Decimal("1"), subtotal=Decimal("1")
        )
    }
    assert codes == {"recojo-tienda", "olva-lima", "serpost"}
    assert ShippingMethod.objects.count() == 5


def test_demo_orders_cover_every_fulfilment_state_through_the_services_and_load_once(settings):
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import ensure_demo_customer
    from demo.shipping import load_demo_orders
    from orders.models import Order, OrderEmail
    from payments.models import Payment
    from shipping.models import Shipment, ShipmentEvent

    ensure_demo_customer({})
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()

    numbers = load_demo_orders()
    orders = {
        o.idempotency_key.removeprefix("demo-pedido-"): o
        for o in Order.objects.filter(customer__email="cliente@kallpa.pe")
    }
    assert set(numbers) == set(orders) and len(orders) == 8
    assert orders["pendiente-de-pago"].status == "pending_payment"
    assert orders["pagado"].shipments.get().status == "pending"
    assert orders["empacado"].shipments.get().status == "packed"
    split = orders["enviado-en-parte"]
    assert split.status == "partially_shipped"
    assert sorted(split.shipments.values_list("warehouse__code", "status")) == [
        ("AQP", "packed"),
        ("LIM-CENTRAL", "shipped"),
    ]
    assert orders["enviado"].shipments.get().tracking_url
    assert orders["entregado"].status == "delivered"
    assert orders["recojo-listo"].shipments.get().status == "ready_for_pickup"
    assert orders["anulado"].status == "cancelled"
    # Paid through the test gateway's services, not by setting a status.
    assert Payment.objects.filter(order__in=orders.values(), status="succeeded").count() == 6

    counts = (
        Order.objects.count(),
        Shipment.objects.count(),
        ShipmentEvent.objects.count(),
        OrderEmail.objects.count(),
    )
    assert load_demo_orders() == numbers
    assert counts == (
        Order.objects.count(),
        Shipment.objects.count(),
        ShipmentEvent.objects.count(),
        OrderEmail.objects.count(),
    )
    pickup = ShippingMethod.objects.get(code="recojo-tienda")
    assert "Av. Larco" in pickup.pickup_address and pickup.pickup_hours
    # Units sold came with the ledger of the demo's sales and its cancellation: no drift to fix.
    out = StringIO()
    call_command("units_sold_recount", "--dry-run", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_demo_scenarios_find_products_past_the_cheapest_when_products_have_many_variants():
    """`make run`'s catalog has several variants (sizes, colours) per product: a scenario that skips
    the products earlier scenarios use must still find its own."""
    from demo.shipping import _demo_variants
    from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

    lima = WarehouseFactory(code="LIM-CENTRAL")
    for index in range(45):
        product = ProductFactory(base_price=Decimal("50.00") + index)
        for size in range(8):
            stock(VariantFactory(product=product, sku=f"P{index}-{size}"), lima, 5)

    chosen = _demo_variants(10, warehouse_code="LIM-CENTRAL", skip=30)
    assert len(chosen) == 10 and len({variant.product_id for variant in chosen}) == 10
    assert _demo_variants(3, warehouse_code="LIM-CENTRAL") == _demo_variants(33, warehouse_code="LIM-CENTRAL")[:3]
