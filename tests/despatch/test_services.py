"""Issuing guías: one per leg the store moves and per transfer, numbered without gaps, refused with
a clear message (nothing written) on bad transport data, a leg that needs none, a replay."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from despatch import services
from despatch.models import DespatchAdvice, GuideStatus, Reason
from despatch.services import DespatchError, Transport
from inventory.models import Warehouse
from receipts.models import Receipt
from tests.factories import line_for, paid_order, stock

pytestmark = pytest.mark.django_db


def test_a_leg_by_carrier_gets_its_guia(gre_store, by_carrier):
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    assert guia.full_number == "T001-00000001"
    assert guia.file_name == "20601234565-09-T001-1"
    assert (guia.reason, guia.transport_mode, guia.carrier_ruc) == (Reason.SALE, "01", "20100686814")
    assert guia.gross_weight_kg == Decimal("1.700")  # 0.850 kg × 2 units
    assert (guia.origin_ubigeo, guia.arrival_ubigeo, guia.recipient_document) == ("150131", "150122", "45678912")
    assert [(line.sku, line.quantity) for line in guia.lines.all()] == [("RUN-ANDES-42", Decimal("2.000"))]
    assert guia.status == GuideStatus.PENDING and "<cbc:HandlingCode" in guia.xml


def test_the_related_receipt_is_named_when_the_order_has_one(gre_store, by_carrier):
    receipt = Receipt.objects.filter(order=gre_store.order).first()
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    if receipt is None:
        assert guia.related_document == ""
    else:
        assert guia.related_document == f"{receipt.series}-{receipt.number}"
        assert guia.related_document_type == receipt.kind


def test_own_vehicle_data_is_normalised(gre_store, by_own_vehicle):
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_own_vehicle)
    assert (guia.vehicle_plate, guia.driver_licence, guia.driver_document) == ("ABC123", "Q45678912", "45678912")


def test_a_transfer_gets_a_guia_04_naming_the_store_itself(gre_store, gre_transfer, by_own_vehicle):
    guia = services.guia_issue_for_transfer(transfer_key=gre_transfer, transport=by_own_vehicle)
    assert guia.reason == Reason.TRANSFER and guia.recipient_document == guia.issuer_ruc
    assert (guia.origin_establishment, guia.arrival_establishment) == ("0000", "0001")
    assert guia.gross_weight_kg == Decimal("2.550")
    with pytest.raises(DespatchError, match="ya tiene la guía T001-00000001"):
        services.guia_issue_for_transfer(transfer_key=gre_transfer, transport=by_own_vehicle)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"vehicle_plate": "AB-1"}, "placa"),
        ({"vehicle_plate": "000000"}, "placa"),
        ({"driver_document": "1234"}, "DNI"),
        ({"driver_licence": "Q1"}, "licencia"),
        ({"driver_first_name": "J"}, "nombres"),
        ({"mode": "03"}, "público o privado"),
    ],
)
def test_bad_own_vehicle_data_is_refused_and_nothing_written(gre_store, by_own_vehicle, changes, message):
    bad = Transport(**{**by_own_vehicle.__dict__, **changes})
    with pytest.raises(DespatchError, match=message):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=bad)
    assert not DespatchAdvice.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"carrier_ruc": "20100686815"}, "RUC"),
        ({"carrier_ruc": "20601234565"}, "propia tienda"),
        ({"carrier_mtc": ""}, "MTC"),
        ({"carrier_name": " "}, "razón social"),
    ],
)
def test_bad_carrier_data_is_refused(gre_store, by_carrier, changes, message):
    bad = Transport(**{**by_carrier.__dict__, **changes})
    with pytest.raises(DespatchError, match=message):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=bad)
    assert not DespatchAdvice.objects.exists()


def test_a_replay_gets_the_first_guia_named_not_a_second(gre_store, by_carrier):
    first = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    with pytest.raises(DespatchError, match=first.full_number):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    assert DespatchAdvice.objects.count() == 1


def test_a_rejected_guia_is_kept_and_the_leg_gets_a_new_number(gre_store, by_carrier):
    first = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    DespatchAdvice.objects.filter(pk=first.pk).update(status=GuideStatus.REJECTED)
    second = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    assert (first.number, second.number) == (1, 2)


@pytest.mark.parametrize("tampered", ["abc", None, 10**30, -1, 999999])
def test_a_tampered_leg_id_is_refused(gre_store, by_carrier, tampered):
    with pytest.raises(DespatchError, match="no existe"):
        services.guia_issue_for_shipment(shipment_id=tampered, transport=by_carrier)


def test_a_leg_without_weight_needs_the_gross_weight(gre_store, by_carrier):
    gre_store.variant.product.__class__.objects.filter(pk=gre_store.variant.product_id).update(weight_kg=0)
    with pytest.raises(DespatchError, match="peso bruto"):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    for bad in ("-1", "0", "abc", "NaN"):
        with pytest.raises(DespatchError, match="peso bruto"):
            services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier, gross_weight_kg=bad)
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier, gross_weight_kg="2.5")
    assert guia.gross_weight_kg == Decimal("2.500")


def test_a_warehouse_without_ubigeo_is_named(gre_store, by_carrier):
    Warehouse.objects.filter(pk=gre_store.central.pk).update(ubigeo="")
    with pytest.raises(DespatchError, match="LIM-CENTRAL no tiene dirección y ubigeo"):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)


def test_a_buyer_without_dni_needs_the_recipients(gre_store, by_carrier):
    gre_store.order.__class__.objects.filter(pk=gre_store.order.pk).update(
        customer_document="", customer_document_type=""
    )
    with pytest.raises(DespatchError, match="DNI del destinatario"):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier, recipient_document="12")
    guia = services.guia_issue_for_shipment(
        shipment_id=gre_store.leg.pk, transport=by_carrier, recipient_document="10293847"
    )
    assert guia.recipient_document == "10293847"


def test_the_move_cannot_start_in_the_past(gre_store, by_carrier):
    with pytest.raises(DespatchError, match="antes de hoy"):
        services.guia_issue_for_shipment(
            shipment_id=gre_store.leg.pk, transport=by_carrier, start_date=timezone.localdate() - timedelta(days=2)
        )


def test_a_sellers_leg_needs_no_guia_from_the_store(gre_store, by_carrier):
    seller_warehouse = Warehouse.objects.create(code="SELL-1", name="Vendedor", kind=Warehouse.Kind.SELLER)
    from tests.factories import VariantFactory

    variant = VariantFactory()
    stock(variant, seller_warehouse, 5)
    order = paid_order(lines=[line_for(variant)])
    with pytest.raises(DespatchError, match="no necesita guía"):
        services.guia_issue_for_shipment(shipment_id=order.shipments.get().pk, transport=by_carrier)


def test_issuing_is_one_transaction_a_late_refusal_leaves_no_gap(gre_store, by_carrier):
    """The number is taken, then the weight refused: the counter goes back with the rest."""
    gre_store.variant.product.__class__.objects.filter(pk=gre_store.variant.product_id).update(weight_kg=0)
    with pytest.raises(DespatchError):
        services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier, gross_weight_kg="1")
    assert guia.number == 1 and DespatchAdvice.objects.count() == 1


def test_the_selector_for_the_export_lists_the_periods_guias(gre_store, gre_transfer, by_carrier, by_own_vehicle):
    from despatch.selectors import guias_issued_between

    services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    services.guia_issue_for_transfer(transfer_key=gre_transfer, transport=by_own_vehicle)
    today = timezone.localdate()
    found = list(guias_issued_between(today, today))
    assert [g.file_name for g in found] == ["20601234565-09-T001-1", "20601234565-09-T001-2"]
    assert all(g.xml and g.issue_date == today and g.cdr_xml == "" for g in found)
    assert list(guias_issued_between(today + timedelta(days=1), today + timedelta(days=2))) == []
