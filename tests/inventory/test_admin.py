from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.roles import Role
from inventory import services
from inventory.models import Movement, PurchaseOrder, Reservation, StockLevel
from tests.factories import (
    ProductFactory,
    SellerFactory,
    SupplierFactory,
    VariantFactory,
    WarehouseFactory,
    stock,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in_operator")]

LEVELS = "/admin/inventory/stocklevel/"


def get_ok(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_changelists_and_history_pages_open(client, operator):
    level = stock(quantity=3)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")
    order = services.purchase_order_create(
        supplier=SupplierFactory(), warehouse=level.warehouse, lines=[(level.variant, 5, Decimal("10"))]
    )
    for url in (
        LEVELS,
        "/admin/inventory/warehouse/",
        "/admin/inventory/movement/",
        "/admin/inventory/reservation/",
        "/admin/inventory/supplier/",
        "/admin/inventory/purchaseorder/",
        f"{LEVELS}{level.pk}/change/",
        f"{LEVELS}{level.pk}/history/",
        f"/admin/inventory/purchaseorder/{order.pk}/change/",
        f"/admin/catalog/product/{level.variant.product_id}/change/",
        f"/admin/catalog/variant/{level.variant.pk}/change/",
    ):
        get_ok(client, url)
    page = client.get(f"/admin/catalog/product/{level.variant.product_id}/change/").content.decode()
    assert level.variant.sku in page and level.warehouse.code in page


def test_stock_level_changelist_query_count_is_flat(client, operator):
    stock(quantity=1)
    with CaptureQueriesContext(connection) as few:
        get_ok(client, LEVELS)
    for n in range(30):
        level = stock(quantity=n % 3)
        if n % 3:
            services.stock_reserve(lines=[(level.variant, 1)], cart_key=f"c{n}")
    with CaptureQueriesContext(connection) as many:
        get_ok(client, LEVELS)
    assert len(few) == len(many)


def test_stock_state_and_warehouse_filters(client, operator):
    low = stock(quantity=2, minimum=2)
    out = stock(quantity=0)
    fine = stock(quantity=50, minimum=5)
    found = lambda **p: {lv.pk for lv in get_ok(client, LEVELS, **p).context["cl"].result_list}  # noqa: E731
    assert found(state="below_min") == {low.pk, out.pk}
    assert found(state="out") == {out.pk}
    assert found(warehouse__id__exact=fine.warehouse_id) == {fine.pk}


def test_movements_and_reservations_are_read_only(client, operator):
    level = stock(quantity=3)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")
    movement, reservation = Movement.objects.get(), Reservation.objects.get()
    for base, obj in (("/admin/inventory/movement/", movement), ("/admin/inventory/reservation/", reservation)):
        assert client.get(f"{base}add/").status_code == 403
        assert client.get(f"{base}{obj.pk}/delete/").status_code == 403
        page = client.get(f"{base}{obj.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content
    assert Movement.objects.count() == 1


def test_adjust_action_asks_a_reason_then_writes_a_movement(client, operator):
    level = stock(quantity=5)
    post = {"action": "adjust", "_selected_action": [level.pk]}
    form_page = client.post(LEVELS, post)
    assert form_page.status_code == 200 and b'name="reason"' in form_page.content
    missing_reason = client.post(LEVELS, {**post, "apply": "1", "quantity": "-2", "reason": ""})
    assert missing_reason.status_code == 200 and level.movements.count() == 1
    done = client.post(LEVELS, {**post, "apply": "1", "quantity": "-2", "reason": "Conteo"})
    assert done.status_code == 302
    level.refresh_from_db()
    adjustment = level.movements.get(kind=Movement.Kind.ADJUSTMENT)
    assert level.on_hand == 3 and adjustment.actor == operator and adjustment.reason == "Conteo"


def test_transfer_action_refuses_too_much_and_writes_nothing(client, operator):
    level = stock(quantity=2)
    other = WarehouseFactory()
    post = {
        "action": "transfer",
        "_selected_action": [level.pk],
        "apply": "1",
        "destination": other.pk,
        "reason": "reposición",
    }
    response = client.post(LEVELS, {**post, "quantity": "3"}, follow=True)
    assert "Solo hay 2 unidades" in response.content.decode()
    assert Movement.objects.count() == 1
    client.post(LEVELS, {**post, "quantity": "2"})
    assert StockLevel.objects.get(variant=level.variant, warehouse=other).on_hand == 2


def test_purchase_order_admin_create_place_and_partial_receive(client, operator):
    warehouse, supplier, variant = WarehouseFactory(), SupplierFactory(), VariantFactory()
    data = {
        "supplier": supplier.pk,
        "warehouse": warehouse.pk,
        "expected_at": "",
        "notes": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-variant": variant.pk,
        "lines-0-quantity_ordered": "10",
        "lines-0-unit_cost": "20.00",
    }
    response = client.post("/admin/inventory/purchaseorder/add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    order = PurchaseOrder.objects.get()
    assert order.number.startswith("OC-") and order.total == Decimal("236.00") and order.created_by == operator

    client.post("/admin/inventory/purchaseorder/", {"action": "place", "_selected_action": [order.pk]})
    line = order.lines.get()
    post = {"action": "receive", "_selected_action": [order.pk]}
    assert f'name="line_{line.pk}"'.encode() in client.post("/admin/inventory/purchaseorder/", post).content
    client.post("/admin/inventory/purchaseorder/", {**post, "apply": "1", f"line_{line.pk}": "4"})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 4
    client.post("/admin/inventory/purchaseorder/", {**post, "apply": "1", f"line_{line.pk}": "9"})
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 4  # over-receipt refused
    client.post(
        "/admin/inventory/purchaseorder/", {**post, "apply": "1", f"line_{line.pk}": "9", "allow_over_receipt": "on"}
    )
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED and order.lines.get().quantity_received == 13


def test_sellers_see_only_their_own_warehouses_and_stock(client):
    seller = SellerFactory(is_approved=True)
    seller.user.is_staff = True
    seller.user.save()
    account_services.user_add_role(user=seller.user, role=Role.SELLER)
    mine = stock(VariantFactory(product=ProductFactory(seller=seller)), WarehouseFactory(seller=seller), 3)
    theirs = stock(quantity=3)
    client.force_login(seller.user)
    assert [lv.pk for lv in get_ok(client, LEVELS).context["cl"].result_list] == [mine.pk]
    warehouses = get_ok(client, "/admin/inventory/warehouse/").context["cl"].result_list
    assert [w.pk for w in warehouses] == [mine.warehouse_id]
    assert client.get(f"{LEVELS}{theirs.pk}/change/").status_code in (302, 404)
    # The movements of their own warehouses only (sellers follow their ledger).
    movements = get_ok(client, "/admin/inventory/movement/").context["cl"].result_list
    assert {m.stock_level_id for m in movements} == {mine.pk}
    assert client.get("/admin/inventory/reservation/").status_code == 403


def test_a_stock_level_in_the_ledger_is_never_deleted_an_unused_one_may_be(client, operator):
    level = stock(quantity=3)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")
    unused = StockLevel.objects.create(variant=VariantFactory(), warehouse=level.warehouse)
    assert "delete_selected" not in client.get(LEVELS).content.decode()
    assert client.get(f"{LEVELS}{level.pk}/delete/").status_code == 403
    assert client.post(f"{LEVELS}{level.pk}/delete/", {"post": "yes"}).status_code == 403
    assert f"{LEVELS}{level.pk}/delete/" not in client.get(f"{LEVELS}{level.pk}/change/").content.decode()
    assert client.get(f"{LEVELS}{unused.pk}/delete/").status_code == 200
    client.post(f"{LEVELS}{unused.pk}/delete/", {"post": "yes"})
    assert not StockLevel.objects.filter(pk=unused.pk).exists()
    assert StockLevel.objects.filter(pk=level.pk).exists() and level.movements.count() == 1
