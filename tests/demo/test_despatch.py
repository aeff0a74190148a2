"""The demo's guías de remisión: every demo leg the store shipped left with its guía, one transfer
between the demo warehouses has its guía 04, each passes SUNAT's rules, and a second run adds nothing."""

import pytest

from despatch.models import CarrierRegistration, DespatchAdvice, Reason
from shipping.models import LEFT_WAREHOUSE, Shipment
from tests.receipts.sunat_xsl import sunat_verdicts

pytestmark = [pytest.mark.django_db, pytest.mark.sunat_xsl]


def test_every_shipped_demo_leg_has_its_guia_and_one_transfer_too():
    from demo.catalog.loader import load_demo_catalog
    from demo.despatch import load_demo_despatch
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import ensure_demo_admin, ensure_demo_customer
    from demo.shipping import load_demo_orders, load_demo_shipping

    credentials = {}
    ensure_demo_admin(credentials)
    ensure_demo_customer(credentials)
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    load_demo_orders()
    transfer = load_demo_despatch()

    shipped = Shipment.objects.filter(status__in=LEFT_WAREHOUSE, warehouse__kind="own").exclude(carrier="pickup")
    assert shipped.exists()
    assert set(shipped.values_list("pk", flat=True)) <= set(
        DespatchAdvice.objects.values_list("shipment_id", flat=True)
    )
    assert transfer is not None and transfer.reason == Reason.TRANSFER
    assert CarrierRegistration.objects.filter(carrier="olva", ruc="20100686814").exists()
    assert [str(v) for v in sunat_verdicts(DespatchAdvice.objects.all()) if not v.clean] == []
    count = DespatchAdvice.objects.count()
    assert load_demo_despatch() == transfer
    assert DespatchAdvice.objects.count() == count
