"""The order timeline in Chromium: staff open a delivered order in the admin, read its timeline
and add a note for the customer; the customer opens the order and sees it, with the shopper's
events only (no internal note, no staff names). Screenshots at 1280 and 390 px of both pages."""

import pytest
from playwright.sync_api import expect

from orders.models import OrderNote
from orders.services import order_note_add
from receipts.services import receipt_issue_for_order
from tests.e2e.helpers import PHONE, screenshot, sign_in
from tests.factories import UserFactory, WarehouseFactory, deliver, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Hola Rosa: tu boleta ya está disponible. Cualquier consulta, escríbenos."


@pytest.fixture
def timeline_world(db):
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory

    customer = UserFactory(email="rosa@example.pe", first_name="Rosa", last_name="Quispe")
    staff = UserFactory(
        email="soporte@kallpa.pe", first_name="Lucía", last_name="Mendoza", is_staff=True, is_superuser=True
    )
    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    lima = WarehouseFactory(code="LIM-CENTRAL", name="Lima Central", priority=1)
    polo = stocked_variant(lima, units=10, sku="POLO-INTI-M")
    order = deliver(
        paid_order(lines=[line_for(polo, quantity=2)], method=olva, customer=customer, email=customer.email)
    )
    receipt_issue_for_order(order_id=order.pk)
    order_note_add(order=order, author=staff, text="Clienta pidió que la llamen antes de entregar")
    return {"customer": customer, "staff": staff, "order": order}


def test_staff_add_a_note_the_customer_reads_on_the_order_page(new_page, timeline_world):
    order = timeline_world["order"]

    staff = new_page()
    sign_in(staff, "/admin/login/", timeline_world["staff"].email, field="username")
    staff.goto(f"/admin/orders/order/{order.pk}/change/")
    timeline = staff.locator(".order-timeline--admin")
    assert "Pedido realizado" in timeline.inner_text() and "Enviado con Olva" in timeline.inner_text()
    assert "Lucía Mendoza" in timeline.inner_text()  # who added the internal note
    staff.fill("textarea[name=notes-0-text]", NOTE)
    staff.check("input[name=notes-0-visible_to_customer]")
    staff.locator("input[name=_continue]").click()
    staff.wait_for_load_state()
    expect(staff.locator(".order-timeline--admin")).to_contain_text(NOTE)
    note = OrderNote.objects.get(text=NOTE)
    assert note.visible_to_customer and note.author == timeline_world["staff"]
    staff.locator(".order-timeline--admin").scroll_into_view_if_needed()
    screenshot(staff, "order-timeline-admin")
    staff_phone = new_page(PHONE)
    sign_in(staff_phone, "/admin/login/", timeline_world["staff"].email, field="username")
    staff_phone.goto(f"/admin/orders/order/{order.pk}/change/")
    staff_phone.locator(".order-timeline--admin").scroll_into_view_if_needed()
    screenshot(staff_phone, "order-timeline-admin")

    for viewport, name in ((None, "order-timeline-customer"), (PHONE, "order-timeline-customer")):
        customer = new_page(viewport) if viewport else new_page()
        sign_in(customer, "/accounts/login/", timeline_world["customer"].email)
        customer.goto(order.get_absolute_url())
        history = customer.locator(".order-section--history")
        text = history.inner_text()
        assert NOTE in text and "Nota de la tienda" in text and "Pedido realizado" in text
        assert "Entregado" in text and "Boleta B001-" in text
        assert "llamen antes de entregar" not in customer.content() and "Lucía" not in text
        history.scroll_into_view_if_needed()
        screenshot(customer, name)
