"""The demo's guías de remisión: each demo leg the store ships gets its guía before it leaves, by its
carrier (public transport), as staff issue it from the shipments' list; and one transfer between
the store's two warehouses travels in the store's van with its guía (motivo 04). Without GRE
sending configured they stay pending, as the embedded store's receipts do."""

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.models import Variant
from despatch.models import CarrierRegistration, DespatchAdvice
from despatch.services import DespatchError, Transport, guia_issue_for_shipment, guia_issue_for_transfer, leg_needs_guia
from despatch.services import live_guia as leg_guia
from inventory.models import Movement, StockLevel, Warehouse
from inventory.services import stock_transfer
from shipping.models import Shipment

logger = logging.getLogger(__name__)

# Where the demo warehouses are, as a guía names them: INEI ubigeo and SUNAT establishment code.
WAREHOUSE_POINTS = {"LIM-CENTRAL": ("150101", "0000"), "AQP": ("040101", "0001")}
# The demo carriers' RUC, legal name and MTC registration (illustrative numbers).
CARRIERS = {
    "olva": Transport(
        mode="01", carrier_ruc="20100686814", carrier_name="OLVA COURIER S.A.C.", carrier_mtc="1503351CNG"
    ),
    "shalom": Transport(
        mode="01", carrier_ruc="20512528458", carrier_name="SHALOM EMPRESARIAL S.A.C.", carrier_mtc="1511234CNG"
    ),
    "serpost": Transport(mode="01", carrier_ruc="20109072177", carrier_name="SERPOST S.A.", carrier_mtc="0000123ABC"),
}
STORE_VAN = Transport(
    mode="02",
    vehicle_plate="BKZ482",
    driver_document="41852963",
    driver_first_name="Percy Alberto",
    driver_family_name="Huamán Rojas",
    driver_licence="Q41852963",
)
TRANSFER_REASON = "Reposición Arequipa (demo, con guía de remisión)"
TRANSFER_UNITS = 4


def demo_warehouse_points() -> None:
    """The demo warehouses' ubigeo and establishment code, where not set yet; the demo carriers'
    registrations (the guía form of their legs comes filled)."""
    for code, (ubigeo, establishment) in WAREHOUSE_POINTS.items():
        Warehouse.objects.filter(code=code, ubigeo="").update(ubigeo=ubigeo, establishment_code=establishment)
    for carrier, transport in CARRIERS.items():
        CarrierRegistration.objects.get_or_create(
            carrier=carrier,
            defaults={
                "ruc": transport.carrier_ruc,
                "legal_name": transport.carrier_name,
                "mtc_registration": transport.carrier_mtc,
            },
        )


def issue_demo_guia(leg: Shipment, actor=None) -> DespatchAdvice | None:
    """Before a demo leg leaves: its guía, by the leg's carrier (the store's van without one)."""
    demo_warehouse_points()
    leg = Shipment.objects.select_related("warehouse", "order").get(pk=leg.pk)
    if not leg_needs_guia(leg):
        return None
    existing = leg_guia(leg)
    if existing is not None:
        return existing
    try:
        return guia_issue_for_shipment(shipment_id=leg.pk, transport=CARRIERS.get(leg.carrier, STORE_VAN), actor=actor)
    except DespatchError as error:
        logger.warning("Demo guía for %s not issued: %s", leg.reference, error)
        return None


def load_demo_despatch() -> DespatchAdvice | None:
    """One transfer from Lima to Arequipa with its guía (motivo 04), once."""
    demo_warehouse_points()
    done = Movement.objects.filter(kind=Movement.Kind.TRANSFER_OUT, reason=TRANSFER_REASON).first()
    if done is not None:
        return DespatchAdvice.objects.filter(transfer_key=done.transfer_key).first()
    source = Warehouse.objects.filter(code="LIM-CENTRAL").first()
    destination = Warehouse.objects.filter(code="AQP").first()
    if source is None or destination is None:
        return None
    level = (
        StockLevel.objects.filter(warehouse=source, on_hand__gte=TRANSFER_UNITS * 5)
        .select_related("variant__product")
        .order_by("variant__sku")
        .first()
    )
    if level is None:
        return None
    operator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    with transaction.atomic():
        variant: Variant = level.variant
        out, _into = stock_transfer(
            variant=variant,
            source=source,
            destination=destination,
            quantity=TRANSFER_UNITS,
            actor=operator,
            reason=TRANSFER_REASON,
        )
        weight = None if variant.product.weight_kg > 0 else Decimal("1.000")
        assert out.transfer_key is not None  # a transfer's movements share one
        return guia_issue_for_transfer(
            transfer_key=out.transfer_key, transport=STORE_VAN, actor=operator, gross_weight_kg=weight
        )
