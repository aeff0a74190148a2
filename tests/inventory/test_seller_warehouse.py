"""A seller without a warehouse creates their own from the stock form (the "+" beside
"Almacén"), of the seller's kind; they keep it up to date and never reach another's."""

import pytest

from inventory.models import StockLevel, Warehouse
from tests.factories import ProductFactory, UserFactory, VariantFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/inventory/warehouse/add/"


def test_a_seller_without_a_warehouse_is_offered_to_create_one_on_the_stock_form(client, sellers):
    own, _other = sellers
    client.force_login(own.user)

    page = client.get("/admin/inventory/stocklevel/add/")

    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["warehouse"].queryset) == []
    assert 'id="add_id_warehouse"' in page.content.decode()
    assert "no tienes almacén" in page.content.decode().lower()


def test_a_seller_creates_their_own_warehouse_of_the_sellers_kind(client, sellers):
    own, other = sellers
    client.force_login(own.user)

    response = client.post(
        ADD,
        {
            "code": "VIC-01",
            "name": "Almacén Vicús",
            "address": "Jr. Cusco 120, Lima",
            "kind": Warehouse.Kind.OWN,
            "seller": other.pk,
            "priority": "1",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    warehouse = Warehouse.objects.get(code="VIC-01")
    assert (warehouse.seller, warehouse.kind, warehouse.address) == (own, Warehouse.Kind.SELLER, "Jr. Cusco 120, Lima")


def test_the_seller_stocks_their_product_in_the_warehouse_they_created(client, sellers):
    own, _other = sellers
    variant = VariantFactory(product=ProductFactory(seller=own), sku="VIC-CHO-M")
    client.force_login(own.user)
    client.post(ADD, {"code": "VIC-01", "name": "Almacén Vicús", "priority": "100", "is_active": "on"})
    warehouse = Warehouse.objects.get(code="VIC-01")

    response = client.post(
        "/admin/inventory/stocklevel/add/",
        {"variant": variant.pk, "warehouse": warehouse.pk, "received": "12", "minimum": "2", "bin_location": ""},
    )

    assert response.status_code == 302
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 12


def test_a_seller_edits_their_warehouse_but_not_anothers(client, sellers):
    own, other = sellers
    mine = WarehouseFactory(seller=own, kind=Warehouse.Kind.SELLER)
    theirs = WarehouseFactory(seller=other, kind=Warehouse.Kind.SELLER, name="Ajeno")
    store = WarehouseFactory(name="Lima central")
    client.force_login(own.user)

    client.post(
        f"/admin/inventory/warehouse/{mine.pk}/change/",
        {"code": mine.code, "name": "Mi almacén", "address": "Av. Grau 5", "priority": "100", "is_active": "on"},
    )
    for foreign in (theirs, store):
        response = client.post(
            f"/admin/inventory/warehouse/{foreign.pk}/change/",
            {"code": foreign.code, "name": "Mío ahora", "priority": "1", "is_active": "on"},
        )
        assert response.status_code in (302, 404)

    mine.refresh_from_db(), theirs.refresh_from_db(), store.refresh_from_db()
    assert (mine.name, mine.address, mine.seller) == ("Mi almacén", "Av. Grau 5", own)
    assert (theirs.name, store.name) == ("Ajeno", "Lima central")
    assert client.post(f"/admin/inventory/warehouse/{mine.pk}/delete/", {"post": "yes"}).status_code == 403


def test_staff_choose_the_kind_and_seller_of_a_warehouse(client, sellers):
    own, _other = sellers
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        ADD,
        {
            "code": "DROP-1",
            "name": "Proveedor",
            "kind": Warehouse.Kind.DROPSHIPPING,
            "seller": own.pk,
            "priority": "5",
            "is_active": "on",
        },
    )

    assert Warehouse.objects.filter(code="DROP-1", kind=Warehouse.Kind.DROPSHIPPING, seller=own).exists()


def test_the_sellers_new_warehouse_form_says_what_it_will_be(client, sellers):
    own, _other = sellers
    client.force_login(own.user)

    page = client.get(ADD, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Almacén del vendedor" in page and "Almacén propio" not in page
    assert own.store_name in page
