from decimal import Decimal

import pytest
from constance.test import override_config

from orders import services as order_services
from orders.models import OrderStatus
from reviews import services
from tests.factories import ProductFactory, ProductLineFactory, UserFactory, VariantFactory, WarehouseFactory, stock
from tests.orders.conftest import line_for, make_order, ship_everything


def delivered_order(customer, *variants):
    """An order of these variants, paid, then shipped and delivered through its shipments (the
    order's status follows them)."""
    warehouse = WarehouseFactory()
    for variant in variants:
        stock(variant, warehouse, 10)
    order = make_order(customer=customer, lines=[line_for(v) for v in variants])
    order_services.order_payment_record(order=order)
    order = ship_everything(order, deliver=True)
    assert order.status == OrderStatus.DELIVERED
    return order


def write(user, product, rating=5, **extra):
    return services.review_create(user=user, product=product, rating=rating,
                                  title=extra.get("title", "Muy bueno"), body=extra.get("body", "Me gustó mucho."))


@pytest.fixture
def line(db):
    return ProductLineFactory()


@pytest.fixture
def product(line):
    product = ProductFactory(base_price=Decimal("99.90"), line=line, status="active")
    VariantFactory(product=product)
    return product


@pytest.fixture
def variant(product):
    return product.variants.first()


@pytest.fixture
def customer(db):
    return UserFactory(first_name="Rosa", last_name="Quispe")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def manual_moderation():
    with override_config(REVIEWS_AUTO_APPROVE_VERIFIED=False):
        yield
