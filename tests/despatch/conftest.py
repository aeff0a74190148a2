from dataclasses import dataclass
from decimal import Decimal

import pytest

from despatch.services import Transport
from inventory.models import Warehouse
from inventory.services import stock_transfer
from shipping.models import Shipment
from tests.factories import (
    BUYER_DNI,
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    line_for,
    make_certificate,
    paid_order,
    stock,
)


@pytest.fixture
def by_carrier():
    """Public transport: Olva Courier, its RUC and MTC registration."""
    return Transport(mode="01", carrier_ruc="20100686814", carrier_name="OLVA COURIER S.A.C.", carrier_mtc="1503351CNG")


@pytest.fixture
def by_own_vehicle():
    """Private transport, as staff type it (plate and licence in any case, with a dash)."""
    return Transport(
        mode="02",
        vehicle_plate="abc-123",
        driver_document="45678912",
        driver_first_name="Juan Carlos",
        driver_family_name="Quispe Mamani",
        driver_licence="q45678912",
    )


@dataclass
class GreStore:
    central: Warehouse
    norte: Warehouse
    variant: object
    order: object
    leg: Shipment


def _warehouse(code, ubigeo, address, establishment):
    return WarehouseFactory(
        code=code, kind=Warehouse.Kind.OWN, ubigeo=ubigeo, address=address, establishment_code=establishment
    )


@pytest.fixture
def gre_store(db):
    """The store's two warehouses (with their ubigeo and SUNAT establishment codes) and a paid order
    of a buyer with DNI, its one leg leaving the central warehouse by carrier."""
    central = _warehouse("LIM-CENTRAL", "150131", "Av. Javier Prado Este 1234, San Isidro, Lima", "0000")
    norte = _warehouse("LIM-NORTE", "150135", "Av. Alfredo Mendiola 3698, Los Olivos, Lima", "0001")
    variant = VariantFactory(
        product=ProductFactory(
            name="Zapatillas Runner Andes", base_price=Decimal("199.90"), weight_kg=Decimal("0.850")
        ),
        sku="RUN-ANDES-42",
    )
    stock(variant, central, 10)
    order = paid_order(lines=[line_for(variant, quantity=2)])
    order.customer_document, order.customer_document_type = BUYER_DNI, "dni"
    order.save(update_fields=["customer_document", "customer_document_type"])
    return GreStore(central=central, norte=norte, variant=variant, order=order, leg=order.shipments.get())


@pytest.fixture
def gre_transfer(gre_store):
    """A transfer of 3 units from the central warehouse to the northern one: its shared key."""
    out, _into = stock_transfer(
        variant=gre_store.variant, source=gre_store.central, destination=gre_store.norte, quantity=3
    )
    return out.transfer_key


@pytest.fixture
def gre_certificate(tmp_path, settings):
    path, _cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, ""
    return path
