from decimal import Decimal

import pytest
from constance.test import override_config

from tests.factories import ProductFactory, ProductLineFactory, VariantFactory


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
def manual_moderation():
    with override_config(REVIEWS_AUTO_APPROVE_VERIFIED=False):
        yield
