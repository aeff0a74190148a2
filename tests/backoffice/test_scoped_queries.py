"""A seller's changelists cost the same number of queries for 1 and for 100 of their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Warehouse
from orders.services import order_payment_record
from tests.factories import line_for, make_order, stocked_variant

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "catalog_product",
    "catalog_variant",
    "inventory_warehouse",
    "inventory_stocklevel",
    "inventory_movement",
    "orders_order",
    "orders_orderline",
    "shipping_shipment",
    "catalog_pricehistory",
]


def add_business(seller, warehouse, method, index):
    variant = stocked_variant(warehouse, seller=seller, sku=f"MIO-{index}")
    order_payment_record(order=make_order(lines=[line_for(variant)], shipping_method_id=method.pk))


SQL_SEEN: dict[tuple[str, str], list[str]] = {}


def queries(client, name, *, seen_as=""):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200, name
    SQL_SEEN[(seen_as, name)] = [query["sql"] for query in context.captured_queries]
    return len(context.captured_queries), response.context["cl"].result_count


def sql_differences(few: dict, many: dict) -> dict[str, list[str]]:
    """Per changelist whose counts differ, the statements one pass ran that the other did not."""
    differing = {}
    for name in few:
        if few[name][0] != many[name][0]:
            before, after = SQL_SEEN[("few", name)], SQL_SEEN[("many", name)]
            differing[name] = [f"+ {sql[:300]}" for sql in after if sql not in before] + [
                f"- {sql[:300]}" for sql in before if sql not in after
            ]
    return differing


def test_seller_changelists_are_flat(client, sellers, olva):
    own, _other = sellers
    warehouse = Warehouse.objects.create(code="MIO", name="Almacén MIO", seller=own, kind=Warehouse.Kind.OWN)
    add_business(own, warehouse, olva, 0)
    client.force_login(own.user)
    for name in CHANGELISTS:  # warm the per-session and per-request caches once
        queries(client, name)
    few = {name: queries(client, name, seen_as="few") for name in CHANGELISTS}
    for index in range(1, 100):
        add_business(own, warehouse, olva, index)
    for name in CHANGELISTS:  # new products dropped the cached menus: rebuilt once, not per row
        queries(client, name)
    many = {name: queries(client, name, seen_as="many") for name in CHANGELISTS}
    assert {name: count for name, (count, _rows) in many.items()} == {
        name: count for name, (count, _rows) in few.items()
    }, sql_differences(few, many)
    assert many["catalog_product"][1] == 100 and many["orders_order"][1] == 100
