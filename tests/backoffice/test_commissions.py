"""Commission snapshots: kept per seller line when an order is paid, from the seller's rate or the
nearest category override, on the line's paid amount, rounded half up; replays change nothing."""

from decimal import Decimal

import pytest

from backoffice.models import CategoryCommission, LineCommission
from backoffice.services import commission_of, order_commissions_snapshot
from orders import services as order_services
from tests.factories import (
    CategoryFactory,
    ProductFactory,
    SellerFactory,
    VariantFactory,
    WarehouseFactory,
    line_for,
    make_order,
    seller_variant,
    stock,
)
from tests.factories import (
    paid_order_days_ago as paid_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return SellerFactory(ruc="20100070970", commission_rate=Decimal("12.50"), is_approved=True)


def test_the_sellers_rate_on_the_paid_amount_rounded_half_up(seller):
    variant = seller_variant(seller, sku="MIO-1", price="33.33")
    order = paid_order(line_for(variant))  # 12.5 % of 33.33 = 4.16625
    snapshot = LineCommission.objects.get(order_line__order=order)
    assert (snapshot.seller, snapshot.rate, snapshot.base, snapshot.amount) == (
        seller,
        Decimal("12.50"),
        Decimal("33.33"),
        Decimal("4.17"),
    )
    assert snapshot.source == LineCommission.Source.SELLER


@pytest.mark.parametrize(
    ("base", "rate", "expected"),
    [
        ("0.10", "5", "0.01"),  # 0.005 goes up
        ("0.09", "5", "0.00"),  # 0.0045 goes down
        ("199.90", "10", "19.99"),
        ("1000.00", "0", "0.00"),
    ],
)
def test_rounding(base, rate, expected):
    assert commission_of(Decimal(base), Decimal(rate)) == Decimal(expected)


def test_the_commission_is_on_the_line_after_its_discount(seller):
    variant = seller_variant(seller, sku="MIO-1", price="100.00")
    order = paid_order(line_for(variant, quantity=2, discount=Decimal("20.00")))
    snapshot = LineCommission.objects.get(order_line__order=order)
    assert (snapshot.base, snapshot.amount) == (Decimal("180.00"), Decimal("22.50"))


def test_category_overrides_the_sellers_own_first_then_the_parents(seller):
    parent = CategoryFactory()
    child = CategoryFactory(family=parent.family, parent=parent)
    other_category = CategoryFactory(family=parent.family)
    CategoryCommission.objects.create(category=parent, seller=None, rate=Decimal("8.00"))
    CategoryCommission.objects.create(category=parent, seller=seller, rate=Decimal("6.00"))
    CategoryCommission.objects.create(category=other_category, seller=None, rate=Decimal("3.00"))
    in_child = VariantFactory(product=ProductFactory(seller=seller, category=child, base_price=Decimal("100.00")))
    in_other = VariantFactory(
        product=ProductFactory(seller=seller, category=other_category, base_price=Decimal("100.00"))
    )
    someone_else = SellerFactory(ruc="10467793549", commission_rate=Decimal("15.00"), is_approved=True)
    theirs = VariantFactory(product=ProductFactory(seller=someone_else, category=child, base_price=Decimal("100.00")))
    shop_own = VariantFactory(product=ProductFactory(seller=None, category=child, base_price=Decimal("100.00")))
    warehouse = WarehouseFactory()
    for variant in (in_child, in_other, theirs, shop_own):
        stock(variant, warehouse, 10)

    order = paid_order(line_for(in_child), line_for(in_other), line_for(theirs), line_for(shop_own))

    rates = {
        row.order_line.variant_id: (row.rate, row.source)
        for row in LineCommission.objects.filter(order_line__order=order).select_related("order_line")
    }
    assert rates == {
        in_child.pk: (Decimal("6.00"), "category"),  # the seller's own override of the parent category
        in_other.pk: (Decimal("3.00"), "category"),  # the override for every seller
        theirs.pk: (Decimal("8.00"), "category"),  # no override of their own: the one for every seller
    }  # the shop's own line pays no commission


def test_a_snapshot_survives_rate_changes_and_replayed_payments(seller):
    variant = seller_variant(seller, sku="MIO-1", price="100.00")
    order = paid_order(line_for(variant))
    seller.commission_rate = Decimal("30.00")
    seller.save()
    order_services.order_payment_record(order=order)  # a replayed webhook
    assert order_commissions_snapshot(order_id=order.pk) == 0
    assert list(LineCommission.objects.values_list("amount", flat=True)) == [Decimal("12.50")]


def test_a_late_payment_of_a_cancelled_order_earns_no_commission(seller):
    variant = seller_variant(seller, sku="MIO-1", price="100.00")
    order = make_order(lines=[line_for(variant)])
    order_services.order_cancel(order=order, actor=None, reason="", by_customer=False)
    order_services.order_payment_record(order=order)
    assert not LineCommission.objects.exists()


@pytest.mark.parametrize("lines", [1, 12])
def test_the_snapshot_takes_the_same_queries_for_one_line_or_many(seller, lines, django_assert_num_queries):
    category = CategoryFactory()
    CategoryCommission.objects.create(category=category, seller=seller, rate=Decimal("7.00"))
    warehouse = WarehouseFactory(seller=seller)
    variants = []
    for number in range(lines):
        variant = VariantFactory(
            product=ProductFactory(seller=seller, category=category, base_price=Decimal("10.00")), sku=f"MIO-{number}"
        )
        stock(variant, warehouse, 5)
        variants.append(variant)
    order = make_order(lines=[line_for(variant) for variant in variants])
    # savepoint, lines, overrides, categories, insert, release
    with django_assert_num_queries(6):
        assert order_commissions_snapshot(order_id=order.pk) == lines
    assert LineCommission.objects.filter(rate=Decimal("7.00")).count() == lines


def test_the_dashboard_links_to_payouts_for_administrators_and_sellers(client, seller):
    from accounts.roles import Role
    from accounts.services import user_add_role
    from tests.factories import UserFactory

    boss, support = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    user_add_role(user=support, role=Role.SUPPORT)
    client.force_login(boss)
    assert "/admin/reports/payouts/" in client.get("/admin/").content.decode()
    client.force_login(support)
    assert "/admin/reports/payouts/" not in client.get("/admin/").content.decode()
