from decimal import Decimal

import pytest

from complaints.services import ComplaintData, complaint_file

# A valid DNI and RUC (python-stdnum's checks).
DNI = "45678912"
RUC = "20601234565"


def sheet_data(**overrides) -> ComplaintData:
    values = dict(consumer_name="Lucía Huamán", document_type="dni", document_number=DNI,
                  address="Jr. Puno 456, Cusco", phone="984123456", email="lucia@example.pe", item_kind="product",
                  amount=Decimal("129.90"), item_description="Casaca impermeable talla M", kind="reclamo",
                  detail="Llegó con el cierre roto.", consumer_request="Que me la cambien por una nueva.")
    values.update(overrides)
    return ComplaintData(**values)


def form_data(**overrides) -> dict:
    data = {"consumer_name": "Lucía Huamán", "document_type": "dni", "document_number": DNI,
            "address": "Jr. Puno 456, Cusco", "phone": "984 123 456", "email": "lucia@example.pe",
            "item_kind": "product", "amount": "129.90", "item_description": "Casaca impermeable talla M",
            "kind": "reclamo", "detail": "Llegó con el cierre roto.", "consumer_request": "Que me la cambien."}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def sheet(db):
    return complaint_file(data=sheet_data())
