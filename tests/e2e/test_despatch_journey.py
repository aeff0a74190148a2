"""Guías de remisión in Chromium: an operator tries to ship a leg and is told it needs its guía;
issues it from the shipments' list (the store's van, its driver), ships the leg, then finds the guía
with its PDF among the guías de remisión."""

from decimal import Decimal

import pytest

from despatch.models import DespatchAdvice
from shipping.models import ShipmentStatus
from tests.e2e.helpers import run_action, screenshot, sign_in, submit
from tests.factories import BUYER_DNI, ProductFactory, UserFactory, VariantFactory, line_for, paid_order, stock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def despatch_world(db):
    from inventory.models import Warehouse
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory, WarehouseFactory

    operator = UserFactory(email="operador@kallpa.pe", is_staff=True, is_superuser=True)
    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    lima = WarehouseFactory(
        code="LIM-CENTRAL", kind=Warehouse.Kind.OWN, ubigeo="150131", address="Av. Javier Prado Este 1234, San Isidro"
    )
    variant = VariantFactory(
        product=ProductFactory(
            name="Zapatillas Runner Andes", base_price=Decimal("199.90"), weight_kg=Decimal("0.850")
        ),
        sku="RUN-ANDES-42",
    )
    stock(variant, lima, 10)
    order = paid_order(lines=[line_for(variant, quantity=2)], method=olva)
    order.customer_document, order.customer_document_type = BUYER_DNI, "dni"
    order.save(update_fields=["customer_document", "customer_document_type"])
    return {"operator": operator, "order": order}


def test_operator_issues_the_guia_then_ships_the_leg(new_page, despatch_world, settings):
    settings.SUNAT_GRE_GATE = "issued"
    order = despatch_world["order"]
    leg = order.shipments.get()
    page = new_page()
    sign_in(page, "/admin/login/", despatch_world["operator"].email, field="username")

    run_action(page, order, "ship")
    page.fill(f"input[name=tracking_{leg.pk}]", "40061123")
    submit(page)
    assert "no puede salir sin su guía de remisión" in page.locator(".messagelist").inner_text()
    screenshot(page, "admin-ship-refused-without-guia")

    run_action(page, order, "issue_guia")
    page.locator("input[name=transport_mode][value='02']").check()
    page.fill("input[name=vehicle_plate]", "BKZ-482")
    page.fill("input[name=driver_document]", "41852963")
    page.fill("input[name=driver_first_name]", "Percy Alberto")
    page.fill("input[name=driver_family_name]", "Huamán Rojas")
    page.fill("input[name=driver_licence]", "Q41852963")
    screenshot(page, "admin-issue-guia-form")
    submit(page)
    assert "1 guía de remisión emitida." in page.locator(".messagelist").inner_text()

    run_action(page, order, "ship")
    page.fill(f"input[name=tracking_{leg.pk}]", "40061123")
    submit(page)
    assert page.locator(".messagelist .success").count() == 1
    leg.refresh_from_db()
    assert leg.status == ShipmentStatus.SHIPPED

    page.goto("/admin/despatch/despatchadvice/")
    assert "T001-00000001" in page.locator("#result_list").inner_text()
    screenshot(page, "admin-guias")
    guia = DespatchAdvice.objects.get()
    pdf = page.request.get(f"/admin/despatch/despatchadvice/{guia.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
