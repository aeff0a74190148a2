import pytest
from django.utils import timezone

from backoffice.models import CategoryCommission, LineCommission
from backoffice.payouts import seller_payouts
from orders.models import Order

pytestmark = pytest.mark.django_db


def test_demo_marketplace_payouts_come_from_real_rows_and_load_once(settings):
    from demo.backoffice import load_demo_marketplace
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import demo_seller_steps, ensure_demo_admin, ensure_demo_customer
    from demo.reviews import ensure_demo_seller
    from demo.shipping import load_demo_orders, load_demo_shipping

    credentials = {}
    ensure_demo_admin(credentials)
    ensure_demo_customer(credentials)
    for _name, step in demo_seller_steps():
        step(credentials)
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    load_demo_orders()
    from django.contrib.auth import get_user_model

    ensure_demo_seller(get_user_model().objects.filter(is_superuser=True).first())

    numbers = load_demo_marketplace()
    assert len(numbers) == 3
    today = timezone.localdate()
    rows = seller_payouts(since=today.replace(day=1), until=today)
    assert [row["seller"] for row in rows] == ["Andes Tech", "Pacífico Audio"]
    assert all(row["sales"] > 0 and row["commission"] > 0 for row in rows)
    assert rows[1]["refunds"] > 0 and rows[1]["commission_refunded"] > 0
    assert sum(row["commission"] for row in rows) == sum(LineCommission.objects.values_list("amount", flat=True))
    commissions = LineCommission.objects.count()
    assert CategoryCommission.objects.filter(seller__store_name="Andes Tech").exists()
    assert LineCommission.objects.filter(source=LineCommission.Source.CATEGORY).exists()

    assert load_demo_marketplace() == numbers
    assert LineCommission.objects.count() == commissions
    assert seller_payouts(since=today.replace(day=1), until=today) == rows
    assert Order.objects.filter(idempotency_key__startswith="demo-pedido-vendedores").count() == 3
