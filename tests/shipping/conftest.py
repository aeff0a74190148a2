"""Paid orders whose units come from one or two warehouses, for the fulfilment tests."""

from decimal import Decimal

import pytest

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from accounts.services import user_add_role
from inventory.models import Warehouse
from orders.services import order_payment_record
from shipping.models import Carrier
from tests.factories import (
    ProductFactory, SellerFactory, ShippingMethodFactory, UserFactory, VariantFactory, WarehouseFactory, stock,
)
from tests.orders.conftest import line_for, make_order


@pytest.fixture
def olva(db):
    return ShippingMethodFactory(name="Olva Courier — Lima", carrier=Carrier.OLVA, min_days=1, max_days=2)


@pytest.fixture
def pickup(db):
    return ShippingMethodFactory(
        name="Recojo en tienda", carrier=Carrier.PICKUP, min_days=1, max_days=1,
        pickup_address="Av. Larco 345, Miraflores", pickup_hours="Lunes a sábado de 10:00 a 20:00",
    )


@pytest.fixture
def two_warehouses(db):
    return WarehouseFactory(code="LIM-CENTRAL", priority=1), WarehouseFactory(code="ARE-SUR", priority=2)


def stocked_variant(warehouse, *, units=20, price="59.90", seller=None, sku=None):
    extra = {"sku": sku} if sku else {}
    variant = VariantFactory(product=ProductFactory(base_price=Decimal(price), seller=seller), **extra)
    stock(variant, warehouse, units)
    return variant


def paid_order(*, lines, method=None, customer=None, email="rosa@example.pe"):
    order = make_order(lines=lines, customer=customer, email=email, shipping_method_id=getattr(method, "pk", None))
    return order_payment_record(order=order).order


@pytest.fixture
def split_order(two_warehouses, olva):
    """Paid: 2 units of a variant from LIM-CENTRAL, 1 of another from ARE-SUR."""
    lima, arequipa = two_warehouses
    first, second = stocked_variant(lima, sku="POLO-M"), stocked_variant(arequipa, sku="CASACA-L", price="129.00")
    return paid_order(lines=[line_for(first, quantity=2), line_for(second, quantity=1)], method=olva)


@pytest.fixture
def operator(db):
    roles_sync()
    user = UserFactory(is_staff=True)
    user_add_role(user=user, role=Role.WAREHOUSE_OPERATOR)
    return user


@pytest.fixture
def sellers(db):
    roles_sync()
    admin = UserFactory(is_staff=True, is_superuser=True)
    own = SellerFactory(ruc="20100070970")
    other = SellerFactory(ruc="10467793549")
    account_services.seller_approve(seller=own, actor=admin)
    account_services.seller_approve(seller=other, actor=admin)
    own.user.refresh_from_db()
    other.user.refresh_from_db()
    return own, other


@pytest.fixture
def seller_orders(sellers, olva):
    """One paid order with a leg in each seller's warehouse."""
    own, other = sellers
    own_wh = WarehouseFactory(code="MIO-01", seller=own, kind=Warehouse.Kind.OWN)
    other_wh = WarehouseFactory(code="AJENO-01", seller=other, kind=Warehouse.Kind.OWN)
    mine = stocked_variant(own_wh, seller=own, sku="MIO-1")
    theirs = stocked_variant(other_wh, seller=other, sku="AJENO-1")
    order = paid_order(lines=[line_for(mine), line_for(theirs)], method=olva)
    return order, order.shipments.get(warehouse=own_wh), order.shipments.get(warehouse=other_wh)
