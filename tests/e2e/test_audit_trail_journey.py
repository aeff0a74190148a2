"""Staff follow a shipment's history in Chromium: the back office's list of changes and the
shipment's own history page read "Pendiente → Empacado" with Lima times, on a desktop and a phone."""

import re

import pytest

from shipping import services as shipping_services
from tests.e2e.helpers import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import UserFactory, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)

UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?\+00:00")


@pytest.fixture
def packed_leg(db, olva):
    from tests.factories import WarehouseFactory

    staff = UserFactory(email="auditoria@kallpa.pe", is_staff=True, is_superuser=True)
    order = paid_order(lines=[line_for(stocked_variant(WarehouseFactory(code="LIM-CENTRAL")))], method=olva)
    leg = shipping_services.shipment_pack(shipment=order.shipments.get(), actor=staff)
    return staff, leg


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_read_a_shipments_history(new_page, packed_leg, viewport):
    staff, leg = packed_leg
    page = new_page(viewport)
    sign_in(page, "/admin/login/", staff.email, field="username")

    page.goto("/admin/audit/")
    changes = page.locator("#result_list").inner_text()
    assert "Pendiente → Empacado" in changes and "pending" not in changes
    assert page.locator("#result_list th").last.inner_text().lower() == "qué cambió"
    screenshot(page, "audit-list")

    page.goto(f"/admin/shipping/shipment/{leg.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "Pendiente" in history and "Empacado" in history and "packed" not in history
    assert not UTC_STAMP.search(history) and "None" not in history
    screenshot(page, "shipment-history")
