"""Audit history: every audited model records changes, each row's history opens in the admin,
and one list shows recent changes across models with a field-by-field diff, in flat queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.roles import Role
from backoffice.audit import AUDITED_MODELS
from catalog.models import Brand, Variant
from shipping.models import ShippingMethod
from tests.factories import (
    BrandFactory,
    SellerFactory,
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
URL = "/admin/audit/"


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True, email="jefa@kallpa.pe")


def test_every_audited_model_has_history():
    from django.apps import apps

    for label in AUDITED_MODELS:
        assert hasattr(apps.get_model(label), "history"), label


def test_a_change_in_the_admin_is_listed_with_who_and_what(client, superuser):
    brand = BrandFactory(name="Inti")
    client.force_login(superuser)
    response = client.post(
        f"/admin/catalog/brand/{brand.pk}/change/",
        {"name": "Inti Raymi", "slug": brand.slug, "country": "PE", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Brand.history.filter(id=brand.pk).count() == 2

    page = client.get(URL).content.decode()
    assert "jefa@kallpa.pe" in page and "Inti Raymi" in page
    assert "Inti</" in page or "Inti →" in page  # the old name, field by field
    assert f"/admin/catalog/brand/{brand.pk}/history/" in page
    assert client.get(f"/admin/catalog/brand/{brand.pk}/history/").status_code == 200
    assert "jefa@kallpa.pe" in client.get(URL, {"q": "jefa"}).content.decode()
    assert "Inti Raymi" not in client.get(URL, {"q": "nadie@example.pe"}).content.decode()
    assert client.get(URL, {"q": "x" * 500}).status_code == 200
    assert client.get(URL, {"q": "jefa\x00"}).status_code == 400  # the bad-characters middleware


@pytest.mark.parametrize(
    "model_admin_url, make",
    [
        ("catalog/variant", lambda: VariantFactory()),
        ("shipping/shippingmethod", lambda: ShippingMethodFactory()),
    ],
)
def test_history_is_visible_from_each_row(client, superuser, model_admin_url, make):
    row = make()
    client.force_login(superuser)
    assert client.get(f"/admin/{model_admin_url}/{row.pk}/history/").status_code == 200


def test_audit_list_query_count_is_flat(client, superuser, django_assert_num_queries):
    client.force_login(superuser)
    variant = VariantFactory()
    Variant.objects.get(pk=variant.pk).save()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    count()  # warm the per-process caches (content types, site settings)
    one = count()
    for index in range(100):
        variant.price_modifier = Decimal(index)
        variant.save()
        ShippingMethodFactory()
    with django_assert_num_queries(one):
        client.get(URL)


def test_sellers_and_roles_see_only_what_they_may(client, superuser):
    seller = SellerFactory(ruc="20100070970")
    account_services.seller_approve(seller=seller, actor=superuser)
    seller.user.refresh_from_db()
    client.force_login(seller.user)
    assert client.get(URL).status_code == 403

    ShippingMethodFactory(name="Olva")
    catalog_manager = UserFactory(is_staff=True)
    account_services.user_add_role(user=catalog_manager, role=Role.CATALOG_MANAGER)
    client.force_login(catalog_manager)
    assert client.get(URL).status_code == 200
    models = {str(m._meta.verbose_name) for m in __import__("backoffice.audit").audit.audited_models(catalog_manager)}
    assert str(ShippingMethod._meta.verbose_name) not in models or catalog_manager.has_perm(
        "shipping.view_shippingmethod"
    )
    from payments.models import Payment

    assert str(Payment._meta.verbose_name) not in models


def test_a_seller_cannot_open_another_sellers_history(client, superuser):
    """simple-history would fall back to the latest historical version of a hidden row: not here."""
    from tests.factories import ProductFactory

    own, other = SellerFactory(ruc="20100070970"), SellerFactory(ruc="10467793549")
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=superuser)
    own.user.refresh_from_db()
    mine, theirs = ProductFactory(seller=own), ProductFactory(seller=other)
    client.force_login(own.user)
    assert client.get(f"/admin/catalog/product/{theirs.pk}/history/").status_code == 404
    assert client.get("/admin/catalog/product/nope/history/").status_code == 404
    assert client.get(f"/admin/catalog/product/{mine.pk}/history/").status_code == 200
