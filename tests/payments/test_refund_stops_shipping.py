"""A refund of everything paid stops what has not left the warehouse, in the approval's own
transaction: the leg still to ship is cancelled and its units go back on the shelf, so the customer
never keeps both goods and money. A leg that ships after the refund was requested makes the
approval refuse it (staff told why); a refund racing the warehouse is exact either way."""

from decimal import Decimal

import pytest

from inventory.models import StockLevel
from orders.models import OrderStatus, PaymentStatus
from payments.models import Payment, Refund
from payments.services import PaymentError
from payments.services.attempts import refund_record
from payments.services.refunds import refund_approve, refund_request
from shipping import services as shipping_services
from shipping.exceptions import ShipmentError
from shipping.models import ShipmentStatus
from shipping.selectors import shipments_due
from tests.factories import ON_POSTGRESQL, UserFactory, WarehouseFactory, line_for, make_order, pay, stocked_variant
from tests.threads import run_in_threads


def on_hand(variant) -> int:
    return sum(StockLevel.objects.filter(variant=variant).values_list("on_hand", flat=True))


def two_leg_order(olva, round_: int = 0):
    """A paid order of a polo (Lima) and a jacket (Arequipa): one leg per warehouse."""
    lima = WarehouseFactory(code=f"LIM-{round_}", priority=1)
    arequipa = WarehouseFactory(code=f"AQP-{round_}", priority=2)
    polo = stocked_variant(lima, sku=f"POLO-M-{round_}", units=5)
    jacket = stocked_variant(arequipa, sku=f"CASACA-L-{round_}", units=5, price="129.00")
    order = make_order(lines=[line_for(polo), line_for(jacket)], shipping_method_id=olva.pk)
    pay(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.shipments.count() == 2
    return order, order.shipments.get(warehouse=lima), order.shipments.get(warehouse=arequipa), polo, jacket


def ship(leg):
    return shipping_services.shipment_ship(shipment=leg, carrier="olva", tracking_number="40061123")


def payment_of(order) -> Payment:
    return order.payments.get(status=Payment.Status.SUCCEEDED)


@pytest.mark.django_db
def test_a_full_refund_of_a_partly_shipped_order_stops_the_leg_still_to_ship(olva, staff):
    order, polo_leg, jacket_leg, polo, jacket = two_leg_order(olva)
    ship(polo_leg)
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    jackets = on_hand(jacket)

    payment = payment_of(order)
    refund = refund_request(payment=payment, amount=payment.amount, reason="Cliente insatisfecho", actor=staff)
    refund = refund_approve(refund=refund, actor=staff)

    assert refund.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    jacket_leg.refresh_from_db()
    assert jacket_leg.status == ShipmentStatus.CANCELLED
    assert on_hand(jacket) == jackets + 1  # the jacket is back on the shelf
    assert not shipments_due().filter(pk=jacket_leg.pk).exists()
    assert order.status == OrderStatus.SHIPPED and order.payment_status == PaymentStatus.REFUNDED
    assert order.needs_attention and f"E{jacket_leg.pk}" in order.attention_note
    with pytest.raises(ShipmentError):  # the warehouse can no longer ship it
        ship(jacket_leg)


@pytest.mark.django_db
def test_partial_refunds_that_add_up_to_everything_stop_it_too(olva, staff):
    order, polo_leg, jacket_leg, _polo, jacket = two_leg_order(olva)
    ship(polo_leg)
    payment = payment_of(order)
    refund_approve(refund=refund_request(payment=payment, amount="20.00", reason="Descuento", actor=staff), actor=staff)
    jacket_leg.refresh_from_db()
    assert jacket_leg.status == ShipmentStatus.PENDING  # a partial refund is a price adjustment: it still ships

    rest = refund_request(payment=payment, amount=payment.amount - Decimal("20.00"), reason="Resto", actor=staff)
    refund_approve(refund=rest, actor=staff)
    jacket_leg.refresh_from_db()
    assert jacket_leg.status == ShipmentStatus.CANCELLED


@pytest.mark.django_db
def test_a_leg_shipped_after_the_request_makes_the_approval_refuse_it(olva, staff):
    order, polo_leg, jacket_leg, _polo, jacket = two_leg_order(olva)
    ship(polo_leg)
    payment = payment_of(order)
    refund = refund_request(payment=payment, amount=payment.amount, reason="Todo", actor=staff)
    ship(jacket_leg)  # the warehouse did not know
    jackets = on_hand(jacket)

    with pytest.raises(PaymentError) as refused:
        refund_approve(refund=refund, actor=staff)

    assert f"E{jacket_leg.pk}" in str(refused.value) and "devolución" in str(refused.value)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and refund.failure_message
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.payment_status == PaymentStatus.PAID
    assert on_hand(jacket) == jackets
    # Staff can still refund what the refusal leaves room for (the capture is free again).
    assert refund_request(payment=payment, amount="10.00", reason="Compensación", actor=staff).amount == Decimal(
        "10.00"
    )


@pytest.mark.django_db
def test_a_full_refund_before_anything_shipped_cancels_the_order_at_approval(olva, staff):
    order, _polo_leg, _jacket_leg, polo, jacket = two_leg_order(olva)
    polos, jackets = on_hand(polo), on_hand(jacket)
    payment = payment_of(order)
    refund_approve(
        refund=refund_request(payment=payment, amount=payment.amount, reason="Todo", actor=staff), actor=staff
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.REFUNDED
    assert set(order.shipments.values_list("status", flat=True)) == {ShipmentStatus.CANCELLED}
    assert (on_hand(polo), on_hand(jacket)) == (polos + 1, jackets + 1)
    assert list(payment.refunds.values_list("status", flat=True)) == [Refund.Status.SUCCEEDED]  # no second request


@pytest.mark.django_db
def test_a_refund_in_full_made_at_the_gateway_stops_the_leg_still_to_ship(olva):
    order, polo_leg, jacket_leg, _polo, jacket = two_leg_order(olva)
    ship(polo_leg)
    jackets = on_hand(jacket)
    payment = payment_of(order)
    refund_record(payment=payment, amount=payment.amount, gateway_reference="TEST-DASHBOARD-1")
    jacket_leg.refresh_from_db()
    order.refresh_from_db()
    assert jacket_leg.status == ShipmentStatus.CANCELLED and on_hand(jacket) == jackets + 1
    assert order.status == OrderStatus.SHIPPED and order.needs_attention


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_full_refund_racing_the_warehouse_shipping_the_same_leg_is_exact(olva):
    for round_ in range(3):
        boss = UserFactory(is_staff=True, is_superuser=True)
        order, polo_leg, jacket_leg, _polo, jacket = two_leg_order(olva, round_)
        ship(polo_leg)
        jackets = on_hand(jacket)
        payment = payment_of(order)
        refund = refund_request(payment=payment, amount=payment.amount, reason="Todo", actor=boss)

        def act(index, refund=refund, jacket_leg=jacket_leg, boss=boss):
            if index == 0:
                return refund_approve(refund=refund, actor=boss).status
            return ship(jacket_leg).status

        results, errors = run_in_threads(act, 2)
        assert len(results) + len(errors) == 2
        refund.refresh_from_db()
        jacket_leg.refresh_from_db()
        order.refresh_from_db()
        if jacket_leg.status == ShipmentStatus.CANCELLED:  # the refund came first
            assert refund.status == Refund.Status.SUCCEEDED and order.payment_status == PaymentStatus.REFUNDED
            assert on_hand(jacket) == jackets + 1
            assert [type(error) for error in errors] == [ShipmentError]
        else:  # the warehouse came first: the refund is refused, nothing given back
            assert jacket_leg.status == ShipmentStatus.SHIPPED
            assert refund.status == Refund.Status.FAILED and order.payment_status == PaymentStatus.PAID
            assert on_hand(jacket) == jackets
            assert [type(error) for error in errors] == [PaymentError]
        assert not payment.refunds.filter(status=Refund.Status.SUCCEEDED).exclude(pk=refund.pk).exists()


@pytest.mark.django_db
def test_staff_requesting_a_full_refund_are_told_which_packages_it_will_stop(client, olva, staff):
    from django.urls import reverse

    from tests.factories import PASSWORD

    order, polo_leg, jacket_leg, _polo, _jacket = two_leg_order(olva)
    ship(polo_leg)
    payment = payment_of(order)
    client.login(username=staff.email, password=PASSWORD)
    page = client.post(
        reverse("admin:payments_refund_add"),
        {"payment": payment.pk, "amount": str(payment.amount), "reason": "Todo", "key": "k-full"},
        follow=True,
    )
    text = page.content.decode()
    assert f"detienen los envíos E{jacket_leg.pk}" in text and f"E{polo_leg.pk}" not in text.split("detienen")[1][:40]
