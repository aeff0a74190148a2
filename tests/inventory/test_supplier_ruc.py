"""A supplier's RUC typed in full-width digits is stored as ASCII and found as a duplicate of the
ASCII one, in the admin and through the service."""

import pytest
from django.urls import reverse

from inventory import services
from inventory.exceptions import InventoryError
from inventory.models import Supplier

pytestmark = pytest.mark.django_db

RUC = "20551234984"
RUC_WIDE = "２０５５１２３４９８４"


def test_the_admin_stores_ascii_and_finds_the_duplicate(admin_client):
    url = reverse("admin:inventory_supplier_add")
    data = {"name": "Textiles Andinos S.A.", "ruc": RUC_WIDE, "is_active": "on"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Supplier.objects.get().ruc == RUC

    again = admin_client.post(url, data | {"name": "Otro", "ruc": RUC})
    assert again.status_code == 200
    assert again.context["adminform"].form.errors["ruc"] == ["Ya existe un proveedor con este RUC."]
    assert Supplier.objects.count() == 1


def test_the_service_finds_the_duplicate_across_spellings():
    services.supplier_create(name="Textiles Andinos S.A.", ruc=RUC)
    with pytest.raises(InventoryError, match="Ya existe un proveedor con este RUC"):
        services.supplier_create(name="Repetido", ruc=RUC_WIDE)
    assert services.supplier_create(name="Otro", ruc="٢٠١٠٠٠٧٠٩٧٠").ruc == "20100070970"
