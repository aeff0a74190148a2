from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.roles import Role
from catalog.models import PriceHistory, Product
from tests.factories import (
    ProductFactory,
    ProductImageFactory,
    UserFactory,
    VariantFactory,
    product_change_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def changelist_queries(client, url="/admin/catalog/product/") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_product_changelist_query_count_is_flat(client, superuser):
    client.force_login(superuser)
    ProductImageFactory(product=ProductFactory())
    few = changelist_queries(client)
    for _ in range(40):
        product = ProductFactory()
        ProductImageFactory(product=product)
        VariantFactory(product=product)
    many = changelist_queries(client)
    assert few == many


def test_search_by_variant_sku_and_filters(client, superuser):
    client.force_login(superuser)
    product = ProductFactory(name="Polo Inti", is_featured=True)
    VariantFactory(product=product, sku="POLO-ROJO-M")
    ProductFactory(name="Otro")

    found = client.get("/admin/catalog/product/", {"q": "POLO-ROJO"}).context["cl"].result_list
    featured = client.get("/admin/catalog/product/", {"is_featured__exact": "1"}).context["cl"].result_list

    assert [p.name for p in found] == ["Polo Inti"] == [p.name for p in featured]


def test_search_reads_each_word_in_name_skus_and_model_number_without_duplicates(client, superuser):
    client.force_login(superuser)
    by_name = ProductFactory(name="Laptop Andina 14")
    by_base_sku = ProductFactory(name="Otro uno", base_sku="AND-LAP-99")
    by_model = ProductFactory(name="Otro dos", model_number="andina-x1")
    by_variant = ProductFactory(name="Otro tres")
    for sku in ("ANDINA-ROJO", "ANDINA-AZUL"):  # two matching variants: the product is listed once
        VariantFactory(product=by_variant, sku=sku)
    ProductFactory(name="Silla Lima 1000")

    def found(q: str) -> set[str]:
        return {p.name for p in client.get("/admin/catalog/product/", {"q": q}).context["cl"].result_list}

    assert found("andin") == {by_name.name, by_model.name, by_variant.name}
    assert found("AND") == {by_name.name, by_base_sku.name, by_model.name, by_variant.name}
    assert found("andina rojo") == {by_variant.name}  # every word, each in some field
    assert found('"laptop andina"') == {by_name.name}  # a quoted phrase is one term
    assert found("100%") == set()  # LIKE's wildcards are searched as characters
    result = client.get("/admin/catalog/product/", {"q": "andina"}).context["cl"]
    assert result.result_count == 3


def test_search_query_count_is_flat(client, superuser):
    client.force_login(superuser)
    VariantFactory(product=ProductFactory(name="Mesa Andina 1"), sku="MESA-ANDINA-1")
    few = changelist_queries(client, "/admin/catalog/product/?q=andina")
    for index in range(2, 30):
        VariantFactory(product=ProductFactory(name=f"Mesa Andina {index}"), sku=f"MESA-ANDINA-{index}")
    assert changelist_queries(client, "/admin/catalog/product/?q=andina") == few


def test_bulk_actions(client, superuser):
    client.force_login(superuser)
    products = [ProductFactory(status=Product.Status.DRAFT) for _ in range(3)]
    ids = [str(p.pk) for p in products]

    client.post("/admin/catalog/product/", {"action": "activate", "_selected_action": ids})
    client.post("/admin/catalog/product/", {"action": "feature", "_selected_action": ids[:1]})

    assert Product.objects.filter(status=Product.Status.ACTIVE).count() == 3
    assert list(Product.objects.filter(is_featured=True).values_list("pk", flat=True)) == [products[0].pk]


def test_price_history_is_read_only_in_admin(client, superuser):
    client.force_login(superuser)
    variant = VariantFactory()
    row = PriceHistory.objects.get(variant=variant)

    assert client.get("/admin/catalog/pricehistory/").status_code == 200
    assert client.get("/admin/catalog/pricehistory/add/").status_code == 403
    client.post(f"/admin/catalog/pricehistory/{row.pk}/delete/", {"post": "yes"})
    assert PriceHistory.objects.filter(pk=row.pk).exists()


class TestSellerScope:
    def test_a_seller_sees_and_edits_only_their_products(self, client, sellers):
        own, other = sellers
        mine = ProductFactory(seller=own, name="Mío")
        theirs = ProductFactory(seller=other, name="Ajeno")
        own.user.refresh_from_db()
        client.force_login(own.user)

        listed = [p.name for p in client.get("/admin/catalog/product/").context["cl"].result_list]
        assert listed == ["Mío"]
        assert client.get(f"/admin/catalog/product/{theirs.pk}/change/").status_code in (302, 404)
        assert client.get(f"/admin/catalog/product/{mine.pk}/change/").status_code == 200

    def test_a_seller_opens_their_variants_and_price_history(self, client, sellers):
        own, other = sellers
        mine = VariantFactory(product=ProductFactory(seller=own), sku="MIO-1")
        VariantFactory(product=ProductFactory(seller=other), sku="AJENO-1")
        own.user.refresh_from_db()
        client.force_login(own.user)

        variants = client.get("/admin/catalog/variant/").context["cl"].result_list
        assert [v.sku for v in variants] == ["MIO-1"]
        assert client.get(f"/admin/catalog/variant/{mine.pk}/change/").status_code == 200
        history = client.get("/admin/catalog/pricehistory/").context["cl"].result_list
        assert [row.variant.sku for row in history] == ["MIO-1"]

    def test_staff_roles_see_everything(self, client, sellers):
        own, other = sellers
        ProductFactory(seller=own)
        ProductFactory(seller=other)
        manager = UserFactory()
        account_services.user_add_role(user=manager, role=Role.CATALOG_MANAGER)
        client.force_login(manager)

        assert len(client.get("/admin/catalog/product/").context["cl"].result_list) == 2


def test_compare_at_below_price_is_a_form_error_in_admin(client, superuser):
    client.force_login(superuser)
    product = ProductFactory(base_price=Decimal("100"))
    url = f"/admin/catalog/product/{product.pk}/change/"

    response = client.post(url, product_change_data(product, compare_at_price="90.00", base_price="100.00"))

    assert response.status_code == 200
    assert "compare_at_price" in response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.compare_at_price is None
