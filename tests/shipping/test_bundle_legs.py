"""A bundle whose parts were sold from two warehouses ships from both: each warehouse's leg
carries the part it holds (a part line), and the order is shipped and delivered when both are."""

import pytest
from django.urls import reverse

from orders.models import OrderStatus
from shipping import selectors, services
from shipping.exceptions import ShipmentError
from shipping.models import ShipmentLine, WarehouseOperator
from tests import factories
from tests.factories import ProductFactory, VariantFactory, line_for, paid_order, stock

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:shipping_shipment_changelist")


def make_bundle(parts, *, sku="PACK-SPLIT"):
    return factories.make_bundle(parts, sku=sku, price="299.00")


@pytest.fixture
def apart(two_warehouses):
    """A bundle of 1 mouse (stocked only in LIM-CENTRAL) and 2 pads (only in ARE-SUR)."""
    lima, arequipa = two_warehouses
    mouse = VariantFactory(sku="MOUSE", product=ProductFactory(name="Mouse G203"))
    pad = VariantFactory(sku="PAD", product=ProductFactory(name="Pad XL"))
    stock(mouse, lima, 10)
    stock(pad, arequipa, 10)
    return {
        "bundle": make_bundle([(mouse, 1), (pad, 2)]),
        "mouse": mouse,
        "pad": pad,
        "lima": lima,
        "arequipa": arequipa,
    }


def legs(order) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for line in (
        ShipmentLine.objects.filter(shipment__order=order)
        .select_related("shipment__warehouse", "order_line", "part")
        .order_by("shipment__warehouse__code", "pk")
    ):
        found.setdefault(line.shipment.warehouse.code, []).append((line.order_line.sku, line.sku, line.quantity))
    return found


def test_each_warehouse_ships_the_part_it_holds_and_both_legs_complete_the_order(apart, olva):
    order = paid_order(lines=[line_for(apart["bundle"])], method=olva)
    assert legs(order) == {"ARE-SUR": [("PACK-SPLIT", "PAD", 2)], "LIM-CENTRAL": [("PACK-SPLIT", "MOUSE", 1)]}
    lima_leg = order.shipments.get(warehouse=apart["lima"])
    arequipa_leg = order.shipments.get(warehouse=apart["arequipa"])
    bundle_line = order.lines.get()

    services.shipment_ship(shipment=lima_leg, carrier="olva", tracking_number="40061123")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    services.shipment_ship(shipment=arequipa_leg, carrier="olva", tracking_number="40061124")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED

    services.shipment_deliver(shipment=lima_leg)
    assert selectors.delivered_quantities(order_id=order.pk) == {}  # half a bundle is not a bundle delivered
    services.shipment_deliver(shipment=arequipa_leg)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert selectors.delivered_quantities(order_id=order.pk) == {bundle_line.pk: 1}


def test_whole_bundles_ship_whole_and_only_the_rest_goes_as_parts(apart, olva):
    stock(apart["pad"], apart["lima"], 2)  # enough pads in Lima for one whole bundle
    order = paid_order(lines=[line_for(apart["bundle"], quantity=2)], method=olva)
    assert legs(order) == {
        "ARE-SUR": [("PACK-SPLIT", "PAD", 2)],
        "LIM-CENTRAL": [("PACK-SPLIT", "PACK-SPLIT", 1), ("PACK-SPLIT", "MOUSE", 1)],
    }
    for leg in order.shipments.order_by("pk"):
        services.shipment_ship(shipment=leg, carrier="olva", tracking_number=f"4006{leg.pk:04d}")
        services.shipment_deliver(shipment=leg)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert selectors.delivered_quantities(order_id=order.pk) == {order.lines.get().pk: 2}


def test_a_leg_of_parts_cannot_be_split_and_still_needs_its_stock(apart, olva):
    from inventory.services import order_stock_restore

    order = paid_order(lines=[line_for(apart["bundle"])], method=olva)
    arequipa_leg = order.shipments.get(warehouse=apart["arequipa"])
    part_line = arequipa_leg.lines.get()
    with pytest.raises(ShipmentError):
        services.shipment_split(shipment=arequipa_leg, quantities={part_line.order_line_id: 1})
    assert order.shipments.count() == 2 and arequipa_leg.lines.get().quantity == 2
    order_stock_restore(order_id=order.pk)  # the parts went back on the shelf: the leg cannot ship
    with pytest.raises(ShipmentError, match="ARE-SUR"):
        services.shipment_ship(shipment=arequipa_leg, carrier="olva", tracking_number="40061125")


def test_the_operator_of_each_warehouse_sees_only_their_part(client, operator, apart, olva):
    order = paid_order(lines=[line_for(apart["bundle"])], method=olva)
    WarehouseOperator.objects.create(user=operator, warehouse=apart["arequipa"])
    client.force_login(operator)
    listed = client.get(CHANGELIST).context["cl"].result_list
    assert [leg.warehouse.code for leg in listed] == ["ARE-SUR"]
    mine, theirs = order.shipments.get(warehouse=apart["arequipa"]), order.shipments.get(warehouse=apart["lima"])
    slip = client.get(reverse("admin:shipping_shipment_packing_slip", args=[mine.pk])).content.decode()
    assert "PAD" in slip and "Pad XL (parte de Pack Gamer)" in slip and "MOUSE" not in slip
    assert client.get(reverse("admin:shipping_shipment_packing_slip", args=[theirs.pk])).status_code == 404
    picking = client.get(reverse("admin:shipping_shipment_picking_list"), {"warehouse": apart["arequipa"].pk})
    rows = [(row.sku, row.units) for row in picking.context["rows"]]
    assert rows == [("PAD", 2)]


def test_the_shoppers_order_page_names_each_part_in_queries_flat_in_the_parts(client, apart, olva):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    customer = UserFactory()
    client.force_login(customer)

    def page_queries(bundle) -> tuple[str, int]:
        order = paid_order(lines=[line_for(bundle)], method=olva, customer=customer, email=customer.email)
        client.get(reverse("orders:detail", args=[order.number]))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
        return page, len(queries)

    page, two_parts = page_queries(apart["bundle"])
    assert "Mouse G203 (parte de Pack Gamer)" in page and "Pad XL (parte de Pack Gamer)" in page
    extra = [VariantFactory(sku=f"PART-{n}") for n in range(2)]
    stock(extra[0], apart["lima"], 5)
    stock(extra[1], apart["arequipa"], 5)
    bigger = make_bundle([(apart["mouse"], 1), (apart["pad"], 1), (extra[0], 1), (extra[1], 1)], sku="PACK-4")
    _page, four_parts = page_queries(bigger)
    assert four_parts == two_parts


def test_a_seller_sees_only_the_leg_of_the_part_in_their_warehouse(client, sellers, olva):
    from inventory.models import Warehouse
    from tests.factories import WarehouseFactory

    own, _other = sellers
    own_wh = WarehouseFactory(code="MIO-01", seller=own, kind=Warehouse.Kind.OWN)
    store_wh = WarehouseFactory(code="TIENDA-01")
    mouse = VariantFactory(sku="MIO-MOUSE", product=ProductFactory(seller=own))
    pad = VariantFactory(sku="TIENDA-PAD")
    stock(mouse, own_wh, 5)
    stock(pad, store_wh, 5)
    order = paid_order(lines=[line_for(make_bundle([(mouse, 1), (pad, 1)]))], method=olva)
    assert legs(order) == {"MIO-01": [("PACK-SPLIT", "MIO-MOUSE", 1)], "TIENDA-01": [("PACK-SPLIT", "TIENDA-PAD", 1)]}

    client.force_login(own.user)
    listed = client.get(CHANGELIST).context["cl"].result_list
    assert [leg.warehouse.code for leg in listed] == ["MIO-01"]
    theirs = order.shipments.get(warehouse=store_wh)
    assert client.get(reverse("admin:shipping_shipment_change", args=[theirs.pk])).status_code in (302, 404)
