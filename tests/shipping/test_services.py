"""Fulfilment services: legs per warehouse, partial shipments, the life cycle with its
history, the order following its shipments, and what is refused (nothing written)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory.models import Movement, Warehouse
from inventory.services import stock_adjust
from orders import services as order_services
from orders.exceptions import CancelNotAllowed, InvalidTransition
from orders.models import Order, OrderStatus
from shipping import selectors, services
from shipping.exceptions import ShipmentError
from shipping.models import Shipment, ShipmentEvent, ShipmentLine, ShipmentStatus
from tests.factories import UserFactory, WarehouseFactory, line_for, make_order, paid_order, stocked_variant

pytestmark = [pytest.mark.django_db, pytest.mark.shared_rows("split_order", "operator")]


def reload(obj):
    obj.refresh_from_db()
    return obj


def assert_inventory_consistent():
    from io import StringIO

    out = StringIO()
    call_command("inventory_verify", stdout=out)  # raises CommandError on any mismatch
    assert "Inventario consistente" in out.getvalue()


class TestLegs:
    def test_one_leg_per_warehouse_the_units_were_sold_from(self, split_order, two_warehouses):
        lima, arequipa = two_warehouses
        legs = {s.warehouse.code: s for s in split_order.shipments.all()}
        assert set(legs) == {"LIM-CENTRAL", "ARE-SUR"}
        assert [(line.order_line.sku, line.quantity) for line in legs["LIM-CENTRAL"].lines.all()] == [("POLO-M", 2)]
        assert [(line.order_line.sku, line.quantity) for line in legs["ARE-SUR"].lines.all()] == [("CASACA-L", 1)]
        assert all(s.status == ShipmentStatus.PENDING and s.carrier == "olva" for s in legs.values())
        assert all(s.ship_by >= timezone.localdate() and s.estimated_to for s in legs.values())
        assert all(s.events.get().to_status == ShipmentStatus.PENDING for s in legs.values())

    def test_one_line_split_over_two_warehouses(self, two_warehouses, olva):
        lima, arequipa = two_warehouses
        variant = stocked_variant(lima, units=2)
        from tests.factories import stock

        stock(variant, arequipa, 5)
        order = paid_order(lines=[line_for(variant, quantity=3)], method=olva)
        quantities = sorted(
            (s.warehouse.code, s.lines.get().quantity) for s in order.shipments.select_related("warehouse")
        )
        assert quantities == [("ARE-SUR", 1), ("LIM-CENTRAL", 2)]

    def test_dropshipping_leg_is_marked(self, olva):
        supplier = WarehouseFactory(code="PROV-01", kind=Warehouse.Kind.DROPSHIPPING)
        order = paid_order(lines=[line_for(stocked_variant(supplier))], method=olva)
        leg = order.shipments.get()
        assert leg.is_dropship and leg.awaits_supplier

    def test_replayed_payment_creates_no_second_set(self, split_order):
        order_services.order_payment_record(order=split_order)
        assert split_order.shipments.count() == 2

    def test_flagged_order_gets_no_legs_until_stock_is_back(self, olva):
        warehouse = WarehouseFactory()
        variant = stocked_variant(warehouse, units=1)
        order = paid_order(lines=[line_for(variant, quantity=3)], method=olva)
        order = reload(order)
        assert order.status == OrderStatus.PAID and order.needs_attention and order.shipments.count() == 0
        from tests.factories import stock

        stock(variant, warehouse, 5)
        order_services.order_fulfilment_retry(order=order, actor=UserFactory(is_staff=True))
        assert reload(order).shipments.get().lines.get().quantity == 3 and not reload(order).needs_attention
        assert_inventory_consistent()


class TestLifeCycle:
    def test_full_path_with_history_and_the_order_following(self, split_order, operator):
        first, second = split_order.shipments.order_by("pk")
        services.shipment_pack(shipment=first, actor=operator)
        services.shipment_ship(shipment=first, actor=operator, tracking_number="40061123")
        assert reload(split_order).status == OrderStatus.PARTIALLY_SHIPPED
        services.shipment_ship(shipment=second, actor=operator, carrier="serpost", tracking_number="RR123456785PE")
        assert reload(split_order).status == OrderStatus.SHIPPED
        services.shipment_mark_in_transit(shipment=first, actor=operator)
        services.shipment_deliver(shipment=first, actor=operator)
        assert reload(split_order).status == OrderStatus.SHIPPED
        services.shipment_deliver(shipment=second, actor=operator)
        assert reload(split_order).status == OrderStatus.DELIVERED

        first, second = reload(first), reload(second)
        assert first.tracking_url.endswith("40061123") and first.shipped_at and first.delivered_at
        assert second.carrier == "serpost" and "RR123456785PE" in second.tracking_url
        assert list(first.events.values_list("from_status", "to_status")) == [
            ("", "pending"),
            ("pending", "packed"),
            ("packed", "shipped"),
            ("shipped", "in_transit"),
            ("in_transit", "delivered"),
        ]
        assert all(e.actor == operator for e in first.events.exclude(from_status=""))
        history = list(split_order.status_changes.values_list("to_status", flat=True))
        assert history == ["pending_payment", "paid", "partially_shipped", "shipped", "delivered"]
        assert selectors.delivered_quantities(order_id=split_order.pk) == {
            line.pk: line.quantity for line in split_order.lines.all()
        }

    def test_failed_delivery_then_returned_to_sender(self, split_order, operator):
        leg = split_order.shipments.first()
        services.shipment_ship(shipment=leg, actor=operator, tracking_number="40061123")
        services.shipment_fail_delivery(shipment=leg, actor=operator, note="Nadie en casa")
        services.shipment_return_to_sender(shipment=leg, actor=operator)
        assert reload(leg).status == ShipmentStatus.RETURNED
        assert leg.events.filter(to_status="delivery_failed", note="Nadie en casa").exists()

    @pytest.mark.parametrize("step", ["deliver", "in_transit", "return"])
    def test_steps_out_of_order_are_refused(self, split_order, step):
        leg = split_order.shipments.first()
        change = {
            "deliver": services.shipment_deliver,
            "in_transit": services.shipment_mark_in_transit,
            "return": services.shipment_return_to_sender,
        }[step]
        with pytest.raises(ShipmentError):
            change(shipment=leg)
        assert reload(leg).status == ShipmentStatus.PENDING and leg.events.count() == 1

    def test_pickup_goes_ready_for_pickup_then_collected(self, pickup):
        order = paid_order(lines=[line_for(stocked_variant(WarehouseFactory()))], method=pickup)
        leg = order.shipments.get()
        assert leg.is_pickup
        with pytest.raises(ShipmentError, match="seguimiento"):
            services.shipment_ship(shipment=leg, tracking_number="40061123")
        with pytest.raises(ShipmentError):
            services.shipment_ship(shipment=leg)
        services.shipment_ready_for_pickup(shipment=leg)
        assert reload(order).status == OrderStatus.SHIPPED
        services.shipment_deliver(shipment=leg)
        assert reload(order).status == OrderStatus.DELIVERED and reload(leg).tracking_number == ""

    def test_the_order_status_is_not_set_by_hand(self, split_order):
        for status in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.DELIVERED):
            with pytest.raises(InvalidTransition):
                order_services.order_transition(order=split_order, to_status=status)
        assert reload(split_order).status == OrderStatus.PAID


class TestPartialShipments:
    def test_split_then_ship_part_now(self, two_warehouses, olva, operator):
        variant = stocked_variant(two_warehouses[0])
        order = paid_order(lines=[line_for(variant, quantity=3)], method=olva)
        leg = order.shipments.get()
        line = order.lines.get()
        later = services.shipment_split(shipment=leg, quantities={line.pk: 1}, actor=operator)
        assert reload(leg).lines.get().quantity == 2 and later.lines.get().quantity == 1
        services.shipment_ship(shipment=leg, actor=operator, tracking_number="40061123")
        assert reload(order).status == OrderStatus.PARTIALLY_SHIPPED
        services.shipment_ship(shipment=later, actor=operator, tracking_number="40061124")
        assert reload(order).status == OrderStatus.SHIPPED
        assert sum(ShipmentLine.objects.filter(order_line=line).values_list("quantity", flat=True)) == 3

    @pytest.mark.parametrize(
        "quantities",
        [{"LINE": 3}, {"LINE": 4}, {"LINE": -1}, {"LINE": "x"}, {999999: 1}, {"LINE": 0}, {}],
    )
    def test_bad_splits_are_refused(self, two_warehouses, olva, quantities):
        variant = stocked_variant(two_warehouses[0])
        order = paid_order(lines=[line_for(variant, quantity=3)], method=olva)
        leg = order.shipments.get()
        line = order.lines.get()
        quantities = {(line.pk if key == "LINE" else key): value for key, value in quantities.items()}
        with pytest.raises(ShipmentError):
            services.shipment_split(shipment=leg, quantities=quantities)
        assert Shipment.objects.filter(order=order).count() == 1 and reload(leg).lines.get().quantity == 3

    def test_another_orders_line_cannot_be_moved_in(self, split_order, two_warehouses, olva):
        other = paid_order(
            lines=[line_for(stocked_variant(two_warehouses[0]), quantity=2)], method=olva, email="x@x.pe"
        )
        with pytest.raises(ShipmentError):
            services.shipment_split(shipment=split_order.shipments.first(), quantities={other.lines.get().pk: 1})


class TestRefusals:
    def test_tampered_shipment_ids(self):
        for bad in ("abc", None, 10**20, 987654):
            with pytest.raises(ShipmentError):
                services.shipment_pack(shipment=bad)

    @pytest.mark.parametrize("number", ["", "ABC", "4006\x001123", "9" * 500, "RR123456789PE"])
    def test_bad_tracking_numbers(self, split_order, number):
        leg = split_order.shipments.first()
        carrier = "serpost" if number.startswith("RR") else "olva"
        with pytest.raises(ShipmentError):
            services.shipment_ship(shipment=leg, carrier=carrier, tracking_number=number)
        leg = reload(leg)
        assert leg.status == ShipmentStatus.PENDING and leg.tracking_number == "" and leg.events.count() == 1

    def test_bad_label_url(self, split_order):
        leg = split_order.shipments.first()
        with pytest.raises(ShipmentError):
            services.shipment_ship(shipment=leg, tracking_number="40061123", label_url="javascript:alert(1)")
        assert reload(leg).status == ShipmentStatus.PENDING

    def test_shipping_a_cancelled_order(self, split_order):
        order_services.order_cancel(order=split_order, actor=None, reason="sin stock", by_customer=False)
        for leg in split_order.shipments.all():
            assert leg.status == ShipmentStatus.CANCELLED
            with pytest.raises(ShipmentError):
                services.shipment_ship(shipment=leg, tracking_number="40061123")
            assert reload(leg).status == ShipmentStatus.CANCELLED

    def test_units_returned_to_stock_block_shipping(self, split_order):
        """Shipping is blocked when the stock is not there: units put back on the shelf (a
        return movement) can no longer leave in this leg."""
        from inventory.services import order_stock_restore

        leg = split_order.shipments.get(warehouse__code="LIM-CENTRAL")
        order_stock_restore(order_id=split_order.pk)
        with pytest.raises(ShipmentError, match="stock"):
            services.shipment_ship(shipment=leg, tracking_number="40061123")
        assert reload(leg).status == ShipmentStatus.PENDING

    def test_unconfirmed_dropship_leg_cannot_ship(self, olva):
        supplier = WarehouseFactory(code="PROV-01", kind=Warehouse.Kind.DROPSHIPPING)
        order = paid_order(lines=[line_for(stocked_variant(supplier))], method=olva)
        leg = order.shipments.get()
        with pytest.raises(ShipmentError, match="supplier|proveedor"):
            services.shipment_ship(shipment=leg, tracking_number="40061123")
        services.shipment_confirm_supplier(shipment=leg)
        services.shipment_ship(shipment=leg, tracking_number="40061123")
        assert reload(leg).status == ShipmentStatus.SHIPPED

    def test_customer_and_staff_cannot_cancel_once_anything_shipped(self, split_order, user):
        Order.objects.filter(pk=split_order.pk).update(customer=user)
        services.shipment_ship(shipment=split_order.shipments.first(), tracking_number="40061123")
        for by_customer in (True, False):
            with pytest.raises(CancelNotAllowed) as error:
                order_services.order_cancel(order=split_order, actor=user, reason="", by_customer=by_customer)
            assert split_order.number in str(error.value)
        assert reload(split_order).status == OrderStatus.PARTIALLY_SHIPPED
        assert not split_order.shipments.filter(status=ShipmentStatus.CANCELLED).exists()

    def test_cancelling_a_paid_order_restores_stock_and_cancels_legs(self, split_order):
        order_services.order_cancel(order=split_order, actor=None, reason="cliente llamó", by_customer=False)
        order = reload(split_order)
        assert order.status == OrderStatus.CANCELLED and order.needs_attention
        assert "S/ " in order.attention_note  # the refund staff must make
        assert set(order.shipments.values_list("status", flat=True)) == {ShipmentStatus.CANCELLED}
        assert not Movement.objects.filter(reference_id=order.pk).exclude(kind__in=["sale", "return"]).exists()
        from inventory.selectors import order_units_out

        assert order_units_out(order.pk) == {}


class TestInventoryVerify:
    def test_clean_through_every_path(self, split_order, two_warehouses, olva, pickup):
        first, second = split_order.shipments.order_by("pk")
        services.shipment_split(shipment=first, quantities={first.lines.get().order_line_id: 1})
        services.shipment_ship(shipment=first, tracking_number="40061123")
        services.shipment_deliver(shipment=first)
        cancelled = paid_order(lines=[line_for(stocked_variant(two_warehouses[0]))], method=olva, email="c@x.pe")
        order_services.order_cancel(order=cancelled, actor=None, reason="", by_customer=False)
        picked = paid_order(lines=[line_for(stocked_variant(two_warehouses[1]))], method=pickup, email="p@x.pe")
        services.shipment_ready_for_pickup(shipment=picked.shipments.get())
        stock_adjust(
            variant=second.lines.get().order_line.variant, warehouse=second.warehouse, quantity=1, reason="conteo"
        )
        assert_inventory_consistent()


class TestSelectors:
    def test_legs_shipped_on_time(self, split_order, sellers, seller_orders):
        first, second = split_order.shipments.order_by("pk")
        services.shipment_ship(shipment=first, tracking_number="40061123")
        Shipment.objects.filter(pk=second.pk).update(ship_by=timezone.localdate() - timedelta(days=1))
        today = timezone.localdate()
        on_time, total = selectors.legs_shipped_on_time(
            since=today - timedelta(days=30), until=today + timedelta(days=30)
        )
        assert (on_time, total) == (1, 4)
        own, _other = sellers
        _order, mine, _theirs = seller_orders
        services.shipment_ship(shipment=mine, tracking_number="40061125")
        assert selectors.legs_shipped_on_time(
            seller_id=own.pk, since=today - timedelta(days=30), until=today + timedelta(days=30)
        ) == (1, 1)

    def test_shipments_due(self, split_order):
        first, second = split_order.shipments.order_by("pk")
        Shipment.objects.filter(pk=first.pk).update(ship_by=timezone.localdate() - timedelta(days=2))
        assert [s.pk for s in selectors.shipments_due(overdue_only=True)] == [first.pk]
        assert [s.pk for s in selectors.shipments_due(warehouse_code="are-sur")] == [second.pk]
        assert ShipmentEvent.objects.count() == 2


@pytest.mark.parametrize("method_id", [999999, "5", -1])
def test_an_order_with_an_unknown_shipping_method_is_refused(variant, method_id):
    from django.core.exceptions import ValidationError

    before = Order.objects.count()
    with pytest.raises(ValidationError):
        make_order(variant=variant, shipping_method_id=method_id)
    assert Order.objects.count() == before
