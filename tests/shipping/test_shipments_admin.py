"""The shipments admin: every action, the ship form's bad input, printable pages, the
operators' and sellers' scopes (IDOR over every URL), and a flat query count."""

import pytest
from django.urls import reverse

from orders.models import OrderStatus
from shipping.models import Shipment, ShipmentStatus, WarehouseOperator
from tests.factories import UserFactory, WarehouseFactory, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:shipping_shipment_changelist")


def reload(obj):
    obj.refresh_from_db()
    return obj


def act(client, action, shipments, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in shipments], **extra}
    return client.post(CHANGELIST, data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def signed_operator(client, operator):
    client.force_login(operator)
    return operator


class TestActions:
    def test_pack(self, client, signed_operator, split_order):
        legs = list(split_order.shipments.all())
        response = act(client, "pack", legs)
        assert {reload(s).status for s in legs} == {ShipmentStatus.PACKED}
        assert any("2" in m for m in messages_of(response))
        assert all(s.events.last().actor == signed_operator for s in legs)

    def test_ship_asks_carrier_and_tracking_numbers_then_ships_in_bulk(self, client, signed_operator, split_order):
        first, second = split_order.shipments.order_by("pk")
        form = act(client, "ship", [first, second])
        assert form.status_code == 200 and f'name="tracking_{first.pk}"' in form.content.decode()
        assert reload(first).status == ShipmentStatus.PENDING  # nothing until the form is sent

        response = act(
            client,
            "ship",
            [first, second],
            apply="1",
            carrier="",
            **{
                f"tracking_{first.pk}": "40061123",
                f"tracking_{second.pk}": " 4006 1124 ",
                f"label_{second.pk}": "https://etiquetas.example.pe/E2.pdf",
            },
        )
        assert response.status_code == 200
        first, second = reload(first), reload(second)
        assert (first.status, first.tracking_number) == (ShipmentStatus.SHIPPED, "40061123")
        assert second.tracking_number == "40061124" and second.label_url.endswith("E2.pdf")
        assert reload(split_order).status == OrderStatus.SHIPPED

    @pytest.mark.parametrize("number", ["", "ABC", "1" * 500, "40061123\x00"])
    def test_ship_form_refuses_bad_tracking_numbers(self, client, signed_operator, split_order, number):
        leg = split_order.shipments.first()
        response = act(client, "ship", [leg], apply="1", carrier="olva", **{f"tracking_{leg.pk}": number})
        if "\x00" in number:  # refused before the form, by the bad-characters middleware
            assert response.status_code == 400
        else:
            assert response.status_code == 200 and "errorlist" in response.content.decode()
        assert reload(leg).status == ShipmentStatus.PENDING and reload(leg).tracking_number == ""

    def test_ship_form_refuses_a_tampered_carrier(self, client, signed_operator, split_order):
        leg = split_order.shipments.first()
        response = act(client, "ship", [leg], apply="1", carrier="dhl", **{f"tracking_{leg.pk}": "40061123"})
        assert "errorlist" in response.content.decode() and reload(leg).status == ShipmentStatus.PENDING

    def test_in_transit_and_delivered(self, client, signed_operator, split_order):
        legs = list(split_order.shipments.order_by("pk"))
        act(
            client,
            "ship",
            legs,
            apply="1",
            carrier="",
            **{f"tracking_{s.pk}": f"4006112{i}" for i, s in enumerate(legs)},
        )
        act(client, "mark_in_transit", legs)
        assert {reload(s).status for s in legs} == {ShipmentStatus.IN_TRANSIT}
        act(client, "mark_delivered", legs)
        assert {reload(s).status for s in legs} == {ShipmentStatus.DELIVERED}
        assert reload(split_order).status == OrderStatus.DELIVERED

    def test_refused_rows_are_reported_and_the_rest_done(self, client, signed_operator, split_order):
        first, second = split_order.shipments.order_by("pk")
        response = act(client, "mark_delivered", [first, second])
        assert {reload(s).status for s in (first, second)} == {ShipmentStatus.PENDING}
        assert sum(first.reference in m or second.reference in m for m in messages_of(response)) == 2

    def test_ready_for_pickup(self, client, signed_operator, pickup):
        order = paid_order(lines=[line_for(stocked_variant(WarehouseFactory()))], method=pickup)
        leg = order.shipments.get()
        act(client, "ready_for_pickup", [leg])
        assert reload(leg).status == ShipmentStatus.READY_FOR_PICKUP

    def test_confirm_supplier(self, client, signed_operator, olva):
        from inventory.models import Warehouse

        supplier = WarehouseFactory(kind=Warehouse.Kind.DROPSHIPPING)
        leg = paid_order(lines=[line_for(stocked_variant(supplier))], method=olva).shipments.get()
        act(client, "confirm_supplier", [leg])
        assert reload(leg).supplier_confirmed_at is not None

    def test_packing_slips_and_picking_list(self, client, signed_operator, split_order, two_warehouses):
        legs = list(split_order.shipments.order_by("pk"))
        slips = act(client, "print_packing_slips", legs).content.decode()
        assert slips.count('class="slip"') == 2 and "POLO-M" in slips and "CASACA-L" in slips
        assert "shipping-print.css" in slips and "S/" not in slips  # no prices on a packing slip
        one = client.get(reverse("admin:shipping_shipment_packing_slip", args=[legs[0].pk])).content.decode()
        assert one.count('class="slip"') == 1
        picking = client.get(reverse("admin:shipping_shipment_picking_list"), {"warehouse": two_warehouses[0].pk})
        assert (
            picking.status_code == 200
            and "POLO-M" in picking.content.decode()
            and "CASACA-L" not in picking.content.decode()
        )
        for bad in ("abc", "99999999", "1" * 40):
            assert client.get(reverse("admin:shipping_shipment_picking_list"), {"warehouse": bad}).status_code == 404

    def test_split_page(self, client, signed_operator, two_warehouses, olva):
        order = paid_order(lines=[line_for(stocked_variant(two_warehouses[0]), quantity=3)], method=olva)
        leg = order.shipments.get()
        line = order.lines.get()
        url = reverse("admin:shipping_shipment_split", args=[leg.pk])
        assert client.get(url).status_code == 200
        bad = client.post(url, {f"line_{line.pk}": "3"})
        assert bad.status_code == 200 and Shipment.objects.filter(order=order).count() == 1
        for value in ("-1", "x", "99"):
            assert client.post(url, {f"line_{line.pk}": value}).status_code == 200
        assert Shipment.objects.filter(order=order).count() == 1
        assert client.post(url, {f"line_{line.pk}": "1"}).status_code == 302
        assert sorted(Shipment.objects.filter(order=order).values_list("lines__quantity", flat=True)) == [1, 2]

    def test_changelist_filters_load(self, client, signed_operator, split_order, two_warehouses):
        for params in (
            {"overdue": "yes"},
            {"overdue": "today"},
            {"status": "pending"},
            {"carrier": "olva"},
            {"warehouse__id__exact": two_warehouses[0].pk},
            {"q": split_order.number},
        ):
            response = client.get(CHANGELIST, params)
            assert response.status_code == 200
        assert client.get(CHANGELIST, {"q": split_order.number}).context["cl"].result_count == 2


class TestScopes:
    def urls(self, shipment):
        return [
            reverse("admin:shipping_shipment_change", args=[shipment.pk]),
            reverse("admin:shipping_shipment_packing_slip", args=[shipment.pk]),
            reverse("admin:shipping_shipment_split", args=[shipment.pk]),
            reverse("admin:shipping_shipment_history", args=[shipment.pk]),
            reverse("admin:shipping_shipment_delete", args=[shipment.pk]),
        ]

    def test_a_seller_sees_and_works_only_their_warehouses_legs(self, client, sellers, seller_orders):
        own, _other = sellers
        order, mine, theirs = seller_orders
        client.force_login(own.user)
        listed = [s.pk for s in client.get(CHANGELIST).context["cl"].result_list]
        assert listed == [mine.pk]
        for url in self.urls(mine)[:-1]:
            assert client.get(url).status_code == 200, url
        assert client.get(self.urls(mine)[-1]).status_code == 403  # legs are never deleted
        for url in self.urls(theirs):
            assert client.get(url).status_code in (302, 403, 404), url  # 403: nobody deletes a leg
        assert client.post(reverse("admin:shipping_shipment_split", args=[theirs.pk]), {}).status_code == 404
        # Tampered ids in bulk actions: the other seller's leg is not touched.
        for action in ("pack", "mark_delivered", "confirm_supplier"):
            act(client, action, [theirs])
        act(client, "ship", [theirs], apply="1", carrier="olva", **{f"tracking_{theirs.pk}": "40061123"})
        theirs = reload(theirs)
        assert theirs.status == ShipmentStatus.PENDING and theirs.events.count() == 1
        slips = act(client, "print_packing_slips", [mine, theirs]).content.decode()
        assert "MIO-1" in slips and "AJENO-1" not in slips
        picking = client.get(reverse("admin:shipping_shipment_picking_list"), {"warehouse": theirs.warehouse_id})
        assert picking.status_code == 404

    def test_an_assigned_operator_sees_only_their_warehouse(self, client, operator, split_order, two_warehouses):
        lima, arequipa = two_warehouses
        WarehouseOperator.objects.create(user=operator, warehouse=lima)
        client.force_login(operator)
        listed = client.get(CHANGELIST).context["cl"].result_list
        assert [s.warehouse.code for s in listed] == ["LIM-CENTRAL"]
        other_leg = split_order.shipments.get(warehouse=arequipa)
        assert client.get(reverse("admin:shipping_shipment_packing_slip", args=[other_leg.pk])).status_code == 404

    def test_a_customer_or_unapproved_user_gets_nothing(self, client, split_order):
        nobody = UserFactory(is_staff=True)
        client.force_login(nobody)
        leg = split_order.shipments.first()
        assert client.get(CHANGELIST).status_code == 403
        for url in self.urls(leg):
            assert client.get(url).status_code in (302, 403, 404)


def test_changelist_query_count_is_flat(client, signed_operator, two_warehouses, olva, django_assert_num_queries):
    variant = stocked_variant(two_warehouses[0], units=100)
    paid_order(lines=[line_for(variant)], method=olva)
    client.get(CHANGELIST)  # warm caches (permissions, site settings)
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(CHANGELIST).status_code == 200
    for index in range(19):
        paid_order(lines=[line_for(variant)], method=olva, email=f"c{index}@x.pe")
    with django_assert_num_queries(len(one)):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 20
    assert re.search(r"E\d+", response.content.decode())


def test_the_order_page_in_the_admin_shows_a_seller_only_their_legs(client, sellers, seller_orders):
    own, _other = sellers
    order, mine, theirs = seller_orders
    client.force_login(own.user)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert mine.reference in page and theirs.reference not in page


def test_the_order_admin_shows_the_shipping_method_by_name(client, split_order, olva):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:orders_order_change", args=[split_order.pk])).content.decode()
    assert "Olva Courier — Lima" in page and "field-shipping_method" in page


def test_the_order_admin_lists_the_emails_sent_but_not_to_sellers(client, sellers, seller_orders):
    order, _mine, _theirs = seller_orders
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "Pago confirmado" in page and "Pedido recibido, pendiente de pago" in page and "Correo" in page
    own, _other = sellers
    client.force_login(own.user)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    # The timeline tells a seller the order was paid (they ship it), never which e-mails went out.
    assert "Pedido recibido, pendiente de pago" not in page and "Correo" not in page
