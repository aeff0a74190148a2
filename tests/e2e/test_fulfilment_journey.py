"""Fulfilment in Chromium: an operator ships an order's two warehouse legs with tracking
numbers in the admin; the customer sees both packages with working tracking links; after
the operator marks both delivered the order shows delivered."""

import re

import pytest

from orders.models import OrderStatus
from shipping.models import ShipmentStatus
from tests.e2e.helpers import PHONE, run_action, screenshot, sign_in, submit
from tests.factories import UserFactory, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shipped_world(db):
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory, WarehouseFactory

    customer = UserFactory(email="rosa@example.pe", first_name="Rosa")
    operator = UserFactory(email="operador@kallpa.pe", is_staff=True, is_superuser=True)
    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    lima, arequipa = WarehouseFactory(code="LIM-CENTRAL", priority=1), WarehouseFactory(code="AQP", priority=2)
    polo = stocked_variant(lima, sku="POLO-INTI-M")
    casaca = stocked_variant(arequipa, sku="CASACA-ANDES-L", price="189.00")
    order = paid_order(
        lines=[line_for(polo, quantity=2), line_for(casaca)], method=olva, customer=customer, email=customer.email
    )
    return {"customer": customer, "operator": operator, "order": order}


def test_operator_ships_two_legs_and_the_customer_follows_them(new_page, shipped_world):
    order = shipped_world["order"]
    first, second = order.shipments.order_by("pk")
    operator = new_page()
    sign_in(operator, "/admin/login/", shipped_world["operator"].email, field="username")

    run_action(operator, order, "ship")
    operator.fill(f"input[name=tracking_{first.pk}]", "40061123")
    operator.fill(f"input[name=tracking_{second.pk}]", "40061124")
    screenshot(operator, "admin-ship-form")
    submit(operator)
    assert operator.locator(".messagelist .success").count() == 1
    screenshot(operator, "admin-shipments-shipped")
    assert {s.status for s in order.shipments.all()} == {ShipmentStatus.SHIPPED}

    customer = new_page()
    sign_in(customer, "/accounts/login/", shipped_world["customer"].email)
    customer.context.route(
        re.compile(r"https://tracking\.olvaexpress\.pe/.*"),
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=f"<h1>Olva Courier: {route.request.url}</h1>"
        ),
    )
    customer.goto(order.get_absolute_url())
    packages = customer.locator(".shipment")
    assert packages.count() == 2
    assert "Enviado" in packages.nth(0).inner_text() and "POLO-INTI-M" not in packages.nth(1).inner_text()
    screenshot(customer, "order-two-packages")
    links = customer.locator("a.shipment-track")
    assert links.count() == 2
    for index, number in enumerate(("40061123", "40061124")):
        with customer.expect_popup() as popup_info:
            links.nth(index).click()
        popup = popup_info.value
        popup.wait_for_load_state()
        assert number in popup.url and number in popup.locator("h1").inner_text()
        popup.close()

    run_action(operator, order, "mark_delivered")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED

    customer.reload()
    assert "Entregado" in customer.locator(".order-header-status").inner_text()
    assert customer.locator(".shipment .badge--success").count() == 2
    screenshot(customer, "order-delivered")
    phone = new_page(PHONE)
    sign_in(phone, "/accounts/login/", shipped_world["customer"].email)
    phone.goto(order.get_absolute_url())
    screenshot(phone, "order-delivered")


def test_a_pickup_order_shows_the_store_and_one_status_badge(new_page, db):
    from shipping import services
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory, WarehouseFactory

    customer = UserFactory(email="lucia@example.pe")
    pickup = ShippingMethodFactory(
        name="Recojo en tienda (Miraflores)",
        carrier=Carrier.PICKUP,
        min_days=1,
        max_days=1,
        pickup_address="Av. Larco 345, Miraflores, Lima",
        pickup_hours="Lunes a sábado de 10:00 a 20:00",
    )
    order = paid_order(
        lines=[line_for(stocked_variant(WarehouseFactory(), sku="GORRA-INTI"))],
        method=pickup,
        customer=customer,
        email=customer.email,
    )
    for viewport, name in ((None, "paid"), (PHONE, "paid")):
        page = new_page(viewport) if viewport else new_page()
        sign_in(page, "/accounts/login/", customer.email)
        page.goto(order.get_absolute_url())
        header = page.locator(".order-header-status")
        assert header.locator(".badge").count() == 1 and "Pagado" in header.inner_text()
        delivery = page.locator(".order-section--delivery").inner_text()
        assert "Av. Larco 345" in delivery and "10:00 a 20:00" in delivery and "Dirección de envío" not in delivery
        screenshot(page, f"order-pickup-{name}")
    services.shipment_ready_for_pickup(shipment=order.shipments.get())
    page.reload()
    assert "Listo para recoger" in page.locator(".shipment").inner_text()
    screenshot(page, "order-pickup-ready")
