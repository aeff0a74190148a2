"""demo_data makes one user per staff role and two sellers with their own business, idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Seller, User
from accounts.roles import Role
from demo.backoffice import DEMO_STAFF, SELLER_STORES
from demo.management.commands import demo_data
from orders.models import Order, OrderLine, OrderStatus
from tests.factories import BrandFactory, CategoryFactory


def run(monkeypatch, tmp_path) -> str:
    monkeypatch.setattr(demo_data, "DEMO_STEPS", [])  # the catalog and orders steps are tested in their apps
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "admin.json")
    out = StringIO()
    call_command("demo_data", verbosity=0, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_role_users_and_two_sellers_with_their_own_business(monkeypatch, tmp_path):
    CategoryFactory(), BrandFactory()
    out = run(monkeypatch, tmp_path)
    for email, _first, _last, role in DEMO_STAFF:
        user = User.objects.get(email=email)
        assert user.is_staff and user.groups.filter(name=role).exists() and email in out
    sellers = Seller.objects.filter(is_approved=True)
    assert sellers.count() == len(SELLER_STORES) == 2
    for seller in sellers:
        assert seller.user.is_staff and seller.user.groups.filter(name=Role.SELLER).exists()
        assert seller.user.email in out and seller.warehouses.exists()
        assert seller.products.count() == 2
        lines = OrderLine.objects.filter(seller=seller)
        assert lines.count() == 1 and lines.get().order.status == OrderStatus.PAID
    orders = Order.objects.count()
    run(monkeypatch, tmp_path)  # a second run changes nothing
    assert Order.objects.count() == orders and Seller.objects.count() == 2


@pytest.mark.django_db
def test_sellers_products_have_their_own_category_brand_and_photo(monkeypatch, tmp_path):
    from catalog.models import Product
    from inventory.models import Warehouse
    from shipping.models import WarehouseOperator

    asus = BrandFactory(name="ASUS", slug="asus")
    gpus = CategoryFactory(name="Tarjetas gráficas", slug="tarjetas-graficas")
    lima = Warehouse.objects.create(code="LIM-CENTRAL", name="Lima Central")
    run(monkeypatch, tmp_path)
    chompa = Product.objects.get(base_sku="VIC-CHO-01")
    assert (chompa.category.slug, chompa.brand.name) == ("chompas-y-chalinas", "Tejidos Vicús")
    seller_products = Product.objects.filter(seller__isnull=False)
    assert seller_products.count() == 4
    assert not seller_products.filter(brand=asus).exists() and not seller_products.filter(category=gpus).exists()
    assert all(product.images.exists() for product in seller_products)
    operator = User.objects.get(email="almacen@kallpa.pe")
    assert list(WarehouseOperator.objects.filter(user=operator).values_list("warehouse", flat=True)) == [lima.pk]

    # A demo made before puts them right on its next run.
    Product.objects.filter(seller__isnull=False).update(brand=asus, category=gpus)
    run(monkeypatch, tmp_path)
    assert not Product.objects.filter(seller__isnull=False, category=gpus).exists()
