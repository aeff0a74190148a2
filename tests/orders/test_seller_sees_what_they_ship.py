"""A seller sees of a customer what they need: on an order the store ships (their product sat in
the store's warehouse), the recipient's name and district and their own lines, never the street,
phone, e-mail or document; on an order with a leg from their own warehouse, the address they
ship to. Checked on every seller-facing admin page that shows an order."""

import pytest
from django.test import Client

from tests.factories import WarehouseFactory, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db

PRIVATE = ("Jr. Junín 123", "987654321", "rosa@example.pe")


def seller_client(seller) -> Client:
    client = Client()
    client.force_login(seller.user)
    return client


def pages(client, order) -> str:
    """Every admin page a seller may open about this order and its lines."""
    urls = [
        f"/admin/orders/order/{order.pk}/change/",
        "/admin/orders/order/",
        "/admin/orders/orderline/",
        f"/admin/orders/order/{order.pk}/history/",
        "/admin/shipping/shipment/",
        *(f"/admin/shipping/shipment/{leg.pk}/change/" for leg in order.shipments.all()),
        *(f"/admin/shipping/shipment/{leg.pk}/packing-slip/" for leg in order.shipments.all()),
    ]
    return "\n".join(client.get(url).content.decode() for url in urls)


def test_on_an_order_the_store_ships_a_seller_sees_name_district_and_lines(sellers, olva):
    own, _other = sellers
    store = WarehouseFactory(code="TIENDA-01")  # the store's own warehouse: no seller
    order = paid_order(lines=[line_for(stocked_variant(store, seller=own, sku="MIO-EN-TIENDA"))], method=olva)

    page = pages(seller_client(own), order)

    assert "Ana Torres" in page and "Miraflores" in page and "MIO-EN-TIENDA" in page
    for private in PRIVATE:
        assert private not in page, private


def test_on_a_leg_from_their_own_warehouse_a_seller_sees_where_to_ship(sellers, olva):
    own, _other = sellers
    theirs = WarehouseFactory(code="MIO-01", seller=own)
    order = paid_order(lines=[line_for(stocked_variant(theirs, seller=own, sku="MIO-PROPIO"))], method=olva)

    change = seller_client(own).get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "Jr. Junín 123" in change and "987654321" in change
    assert "rosa@example.pe" not in change


def test_a_seller_sees_the_returns_of_their_lines_without_the_customers_contact(sellers, olva):
    from returns.services import ReturnLineData, return_request_create
    from tests.factories import deliver

    own, _other = sellers
    store = WarehouseFactory(code="TIENDA-02")
    order = deliver(paid_order(lines=[line_for(stocked_variant(store, seller=own, sku="MIO-DEVUELTO"))], method=olva))
    request = return_request_create(
        order=order,
        lines=[
            ReturnLineData(
                order_line_id=order.lines.get().pk, quantity=1, reason="wrong_size", declared_condition="new"
            )
        ],
    )
    client = seller_client(own)

    page = "\n".join(
        client.get(url).content.decode()
        for url in ("/admin/returns/returnrequest/", f"/admin/returns/returnrequest/{request.pk}/change/")
    )

    assert request.number in page and "MIO-DEVUELTO" in page
    for private in PRIVATE:
        assert private not in page, private
