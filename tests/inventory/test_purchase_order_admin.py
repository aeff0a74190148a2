"""The purchase order admin writes through the purchasing services: an order added or edited
there is the order the services make, with the same history, and a refusal shows on the form
with nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages

from inventory import services
from inventory.admin import PurchaseOrderAdmin
from inventory.exceptions import PurchaseOrderStateError
from inventory.models import PurchaseOrder, PurchaseOrderLine
from tests.factories import SupplierFactory, VariantFactory, WarehouseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in_operator")]

ADD = "/admin/inventory/purchaseorder/add/"


def change_url(order) -> str:
    return f"/admin/inventory/purchaseorder/{order.pk}/change/"


def post_data(supplier, warehouse, lines=(), *, existing=(), notes="", expected_at=""):
    """The add/change form as the browser posts it: `existing` are (line, quantity, cost, delete)
    rows already saved, `lines` (variant, quantity, cost) rows added."""
    data = {
        "supplier": supplier.pk,
        "warehouse": warehouse.pk,
        "notes": notes,
        "expected_at": expected_at,
        "lines-TOTAL_FORMS": str(len(existing) + len(lines)),
        "lines-INITIAL_FORMS": str(len(existing)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    rows = [(line.variant_id, quantity, cost, line.pk, delete) for line, quantity, cost, delete in existing]
    rows += [(variant.pk, quantity, cost, "", False) for variant, quantity, cost in lines]
    for n, (variant_id, quantity, cost, line_id, delete) in enumerate(rows):
        data |= {
            f"lines-{n}-variant": variant_id,
            f"lines-{n}-quantity_ordered": quantity,
            f"lines-{n}-unit_cost": cost,
            f"lines-{n}-id": line_id,
            f"lines-{n}-purchase_order": "",
        }
        if delete:
            data[f"lines-{n}-DELETE"] = "on"
    return data


def snapshot(order: PurchaseOrder) -> dict:
    """What an order is, its number and dates of writing aside."""
    order.refresh_from_db()
    return {
        "order": (
            order.supplier_id,
            order.warehouse_id,
            order.status,
            order.notes,
            order.expected_at,
            order.subtotal,
            order.igv,
            order.total,
            order.created_by_id,
        ),
        "lines": sorted(
            (line.variant_id, line.quantity_ordered, line.unit_cost, line.quantity_received)
            for line in order.lines.all()
        ),
        "history": sorted((h.history_type, h.history_user_id) for h in order.history.all()),
        "line_history": sorted(
            (h.history_type, h.variant_id, h.quantity_ordered, h.history_user_id)
            for h in PurchaseOrderLine.history.filter(purchase_order_id=order.pk)
        ),
    }


def test_an_order_added_in_the_admin_is_the_one_the_service_makes(client, operator):
    supplier, warehouse, a, b = SupplierFactory(), WarehouseFactory(), VariantFactory(), VariantFactory()
    response = client.post(
        ADD,
        post_data(
            supplier,
            warehouse,
            [(a, 10, "20.00"), (b, 3, "7.50")],
            notes="Entrega en puerta 2",
            expected_at="2026-03-02",
        ),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    by_admin = PurchaseOrder.objects.get()
    by_service = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        lines=[(a, 10, Decimal("20.00")), (b, 3, Decimal("7.50"))],
        notes="Entrega en puerta 2",
        expected_at=date(2026, 3, 2),
        actor=operator,
    )

    assert snapshot(by_admin) == snapshot(by_service)
    assert by_admin.total == Decimal("262.55") and by_admin.created_by == operator
    assert by_admin.number.startswith("OC-") and by_service.number != by_admin.number
    assert response["Location"].startswith("/admin/inventory/purchaseorder/")
    entry = LogEntry.objects.get(object_id=str(by_admin.pk))  # the admin's own log still names the lines
    assert entry.user == operator and entry.is_addition() and "purchase order line" in entry.change_message


def _messages(response) -> str:
    page = response.content.decode()
    return page + " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    "lines, message",
    [
        ([], "Una orden de compra necesita al menos una línea."),
        ([("a", "0", "20.00")], "Asegúrese de que este valor es mayor o igual a 1."),
        ([("a", "-2", "20.00")], "Asegúrese de que este valor es mayor o igual a 1."),
        (
            [("a", "2", "20.00"), ("a", "1", "5.00")],
            "Cada variante puede aparecer solo una vez en una orden de compra.",
        ),
        ([("a", "2", "-1.00")], "Asegúrese de que este valor es mayor o igual a 0."),
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_is_written(client, operator, lines, message):
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    rows = [(variant, quantity, cost) for _, quantity, cost in lines]
    response = client.post(ADD, post_data(supplier, warehouse, rows))
    assert response.status_code == 200
    assert message in _messages(response)
    assert not PurchaseOrder.objects.exists() and not PurchaseOrderLine.objects.exists()
    assert not PurchaseOrder.history.exists() and not PurchaseOrderLine.history.exists()
    assert not LogEntry.objects.exists()
    # Not even a number was spent: the next order is the year's first.
    order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 1, 1)])
    assert order.number.endswith("-001")


def test_editing_a_draft_goes_through_the_service(client, operator):
    supplier, warehouse, a, b, c = (
        SupplierFactory(),
        WarehouseFactory(),
        VariantFactory(),
        VariantFactory(),
        VariantFactory(),
    )
    order = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, lines=[(a, 10, Decimal("20")), (b, 1, Decimal("5"))]
    )
    line_a, line_b = order.lines.order_by("pk")
    other = WarehouseFactory()
    data = post_data(
        supplier,
        other,
        [(c, 2, "1.00")],
        notes="urgente",
        existing=[(line_a, 4, "20.00", False), (line_b, 1, "5.00", True)],
    )
    response = client.post(change_url(order), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response

    order.refresh_from_db()
    assert (order.warehouse, order.notes, order.status) == (other, "urgente", PurchaseOrder.Status.DRAFT)
    assert sorted((line.variant_id, line.quantity_ordered) for line in order.lines.all()) == [(a.pk, 4), (c.pk, 2)]
    assert order.lines.get(variant=a).pk == line_a.pk  # edited in place
    assert (order.subtotal, order.igv, order.total) == (Decimal("82.00"), Decimal("14.76"), Decimal("96.76"))
    changes = {(h.history_type, h.variant_id) for h in PurchaseOrderLine.history.filter(history_user=operator)}
    assert changes == {("~", a.pk), ("-", b.pk), ("+", c.pk)}
    assert order.history.latest().history_user == operator
    entry = LogEntry.objects.get(object_id=str(order.pk))
    assert entry.is_change() and "deleted" in entry.change_message and "added" in entry.change_message


def test_a_draft_left_without_lines_is_refused_unchanged(client, operator):
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 3, 2)])
    before = snapshot(order)
    line = order.lines.get()
    response = client.post(
        change_url(order), post_data(supplier, warehouse, notes="x", existing=[(line, 3, "2.00", True)])
    )
    assert response.status_code == 200
    assert "Una orden de compra necesita al menos una línea." in _messages(response)
    assert snapshot(order) == before


def test_a_placed_order_keeps_its_lines_and_takes_its_notes(client, operator):
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 3, 2)])
    services.purchase_order_place(purchase_order=order)
    line = order.lines.get()
    data = post_data(
        supplier, warehouse, notes="llega el lunes", expected_at="2026-04-06", existing=[(line, 99, "0.50", False)]
    )
    for readonly in ("supplier", "warehouse"):
        del data[readonly]
    response = client.post(change_url(order), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    order.refresh_from_db()
    assert (order.notes, order.expected_at, order.status) == (
        "llega el lunes",
        date(2026, 4, 6),
        PurchaseOrder.Status.ORDERED,
    )
    assert (order.lines.get().quantity_ordered, order.total) == (3, Decimal("7.08"))


def test_an_order_placed_while_its_draft_was_open_is_not_rewritten(client, operator, monkeypatch):
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 3, 2)])
    stale = PurchaseOrder.objects.get(pk=order.pk)  # what the form was built from
    services.purchase_order_place(purchase_order=order)
    before = snapshot(order)
    monkeypatch.setattr(PurchaseOrderAdmin, "get_object", lambda self, request, object_id, from_field=None: stale)
    line = order.lines.get()
    response = client.post(
        change_url(order), post_data(supplier, warehouse, notes="tarde", existing=[(line, 5, "2.00", False)])
    )
    assert response.status_code == 302 and response["Location"] == change_url(order)
    assert "La orden de compra" in _messages(response) and order.number in _messages(response)
    assert snapshot(order) == before


def test_the_update_service_refuses_new_lines_past_the_draft():
    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 3, 2)])
    services.purchase_order_place(purchase_order=order)
    with pytest.raises(PurchaseOrderStateError):
        services.purchase_order_update(purchase_order=order, notes="", expected_at=None, lines=[(variant, 9, 2)])
    assert order.lines.get().quantity_ordered == 3


CHANGELIST = "/admin/inventory/purchaseorder/"


def test_a_purchase_order_is_never_deleted_in_the_admin_only_cancelled_by_the_service(client, operator):
    from inventory.models import Movement

    supplier, warehouse, variant = SupplierFactory(), WarehouseFactory(), VariantFactory()
    draft = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 5, "10.00")])
    received = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(variant, 5, "10.00")])
    services.purchase_order_place(purchase_order=received)
    services.purchase_order_receive(purchase_order=received, quantities={received.lines.get().pk: 2})
    ledger = list(Movement.objects.values_list("pk", "quantity"))

    assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    for order in (draft, received):
        assert f"{CHANGELIST}{order.pk}/delete/" not in client.get(change_url(order)).content.decode()
        assert client.get(f"{CHANGELIST}{order.pk}/delete/").status_code == 403
        assert client.post(f"{CHANGELIST}{order.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [draft.pk, received.pk], "post": "yes"})
    assert PurchaseOrder.objects.count() == 2

    refused = client.post(CHANGELIST, {"action": "cancel", "_selected_action": [received.pk]}, follow=True)
    received.refresh_from_db()
    assert received.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    assert f"La orden de compra {received.number} ya recibió 2 unidades" in _messages(refused)
    assert list(Movement.objects.values_list("pk", "quantity")) == ledger

    client.post(CHANGELIST, {"action": "cancel", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == PurchaseOrder.Status.CANCELLED
