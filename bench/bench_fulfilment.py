"""Shipping 1,000 paid orders through the shipments admin's "ship" action, the way an operator
does it: pages of 100 legs, one tracking number each, one POST per page. Reports the time
and the SQL queries per order. The orders are made once (paid through orders.services, so
their stock is sold and their legs created) and kept; each run ships the legs still pending,
making a fresh batch when fewer than 1,000 are left."""

import os
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from tqdm import tqdm

from catalog.models import Product, Variant
from catalog.services import variant_save
from inventory.models import Warehouse
from inventory.services import stock_receive
from orders.services import OrderLineData, order_create, order_payment_record
from shipping.models import Carrier, Shipment, ShipmentStatus, ShippingMethod

ORDERS = int(os.environ.get("BENCH_FULFILMENT_ORDERS", "1000"))
PAGE = 100  # legs per POST (Django admits 1,000 form fields per request: 100 legs use ~300)
ADDRESS = {
    "recipient": "Bench Shopper",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "district": "Lince",
    "province": "Lima",
    "department": "15",
}
BENCH_SKU = "BENCH-FUL-1"


def _variant() -> Variant:
    variant = Variant.objects.filter(sku=BENCH_SKU).first()
    if variant is None:
        product = Product.objects.filter(status="active").order_by("pk").first()
        if product is None:  # run alone on an empty bench database: a small demo catalog
            from demo.catalog.loader import load_demo_catalog

            load_demo_catalog(products=20, seed=1, progress=False)
            product = Product.objects.filter(status="active").order_by("pk").first()
        variant = variant_save(variant=Variant(product=product, sku=BENCH_SKU, is_active=True))
    return variant


def _pending_legs():
    return Shipment.objects.filter(status=ShipmentStatus.PENDING, order__email="bench-ful@example.pe")


def _make_orders(count: int, variant: Variant, method: ShippingMethod) -> None:
    warehouse, _ = Warehouse.objects.get_or_create(code="BENCH-FUL", defaults={"name": "Bench fulfilment"})
    stock_receive(variant=variant, warehouse=warehouse, quantity=count, reason="bench")
    line = OrderLineData.from_variant(variant, quantity=1)
    for _ in tqdm(range(count), desc="Paid orders", unit="order"):
        order = order_create(
            customer=None,
            email="bench-ful@example.pe",
            lines=[line],
            shipping_address=ADDRESS,
            billing_address=ADDRESS,
            shipping_method_id=method.pk,
            shipping_method_name=method.name,
            shipping_total=method.rates.first().price if method.rates.exists() else 0,
            idempotency_key=None,
            # Whatever the first product costs: above S/ 700 a receipt needs the buyer's document.
            customer_document="45678912",
            customer_document_type="dni",
        )
        order_payment_record(order=order)


def run():
    method, _ = ShippingMethod.objects.get_or_create(
        code="bench-olva", defaults={"name": "Olva (bench)", "carrier": Carrier.OLVA, "min_days": 1, "max_days": 2}
    )
    variant = _variant()
    missing = ORDERS - _pending_legs().count()
    if missing > 0:
        _make_orders(missing, variant, method)
    legs = list(_pending_legs().order_by("pk").values_list("pk", flat=True)[:ORDERS])

    User = get_user_model()
    operator = User.objects.filter(email="bench-operator@example.pe").first() or User.objects.create_superuser(
        email="bench-operator@example.pe", password="bench-operator-pass"
    )
    client = Client()
    client.force_login(operator)
    changelist = reverse("admin:shipping_shipment_changelist")

    queries = []  # every statement (CaptureQueriesContext keeps only the last 9,000)

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for first in range(0, len(legs), PAGE):
            page = legs[first : first + PAGE]
            data = {"action": "ship", "_selected_action": page, "apply": "1", "carrier": ""}
            data.update({f"tracking_{pk}": f"{40000000 + pk % 10**8}" for pk in page})
            response = client.post(changelist, data)
            assert response.status_code == 302, response.status_code
    elapsed = time.perf_counter() - started
    shipped = Shipment.objects.filter(pk__in=legs, status=ShipmentStatus.SHIPPED).count()
    assert shipped == len(legs), (shipped, len(legs))
    yield {"name": "ship_1000_orders.total_s", "value": round(elapsed, 2), "unit": "s"}
    yield {"name": "ship_1000_orders.per_order_ms", "value": round(elapsed * 1000 / len(legs), 2), "unit": "ms"}
    yield {"name": "ship_1000_orders.queries_per_order", "value": round(len(queries) / len(legs), 1), "unit": "count"}
    yield {"name": "ship_1000_orders.orders", "value": len(legs), "unit": "count"}
