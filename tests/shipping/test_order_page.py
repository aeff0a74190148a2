"""The shopper's order page: each shipment with its lines, carrier, tracking link and
timeline; pickup orders show the store; one status badge when payment says nothing more;
a flat query count for 1 and 20 shipments."""

import pytest
from django.urls import reverse

from orders.models import Order
from orders.services import order_payment_record
from shipping import services
from tests.factories import WarehouseFactory, line_for, make_order, paid_order, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def mine(order, user):
    Order.objects.filter(pk=order.pk).update(customer=user)
    return order


def test_each_shipment_with_lines_carrier_tracking_and_timeline(signed_in, user, split_order):
    order = mine(split_order, user)
    first, second = order.shipments.order_by("pk")
    services.shipment_ship(shipment=first, tracking_number="40061123")
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Paquete 1 de 2" in page and "Paquete 2 de 2" in page
    first.refresh_from_db()
    assert f'href="{first.tracking_url}"' in page and 'rel="noopener"' in page and "40061123" in page
    assert "Olva Courier" in page and "Enviado" in page and "Pendiente" in page
    assert page.count('class="shipment"') == 2
    assert "Enviado en parte" in page  # the order status


def test_no_identical_paid_badges(signed_in, user, variant):
    order = order_payment_record(order=make_order(customer=user, variant=variant)).order
    page = signed_in.get(order.get_absolute_url()).content.decode()
    header = page.split('class="order-header-status"')[1].split("</div>")[0]
    assert header.count("badge--") == 1 and "Pagado" in header and "Pago:" not in header


def test_a_shipped_order_still_shows_that_it_was_paid(signed_in, user, split_order):
    order = mine(split_order, user)
    services.shipment_ship(shipment=order.shipments.first(), tracking_number="40061123")
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Pago: pagado" in page


def test_pickup_order_shows_the_store_address_and_hours_not_the_home(signed_in, user, pickup):
    order = mine(paid_order(lines=[line_for(stocked_variant(WarehouseFactory()))], method=pickup), user)
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Av. Larco 345, Miraflores" in page and "Lunes a sábado de 10:00 a 20:00" in page
    assert "Dirección de envío" not in page and "Jr. Junín 123" not in page.split("Facturación")[0]
    services.shipment_ready_for_pickup(shipment=order.shipments.get())
    page = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Listo para recoger" in page and "Rastrear" not in page


def test_query_count_is_flat_for_1_and_20_shipments(signed_in, user, olva, django_assert_num_queries):
    def order_with_legs(count, email):
        lines = [line_for(stocked_variant(WarehouseFactory(), units=5)) for _ in range(count)]
        order = mine(paid_order(lines=lines, method=olva, email=email), user)
        for leg in order.shipments.all():
            services.shipment_ship(shipment=leg, tracking_number="40061123")
        return order

    one = order_with_legs(1, "a@x.pe")
    many = order_with_legs(20, "b@x.pe")
    assert many.shipments.count() == 20
    signed_in.get(one.get_absolute_url())  # warm per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert signed_in.get(one.get_absolute_url()).status_code == 200
    with django_assert_num_queries(len(first)):
        page = signed_in.get(many.get_absolute_url()).content.decode()
    assert page.count('class="shipment"') == 20


def test_another_customers_order_stays_404(signed_in, split_order):
    assert signed_in.get(reverse("orders:detail", args=[split_order.number])).status_code == 404
