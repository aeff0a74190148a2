from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, VariantFactory, stock


@pytest.fixture
def ponchos(db):
    """Three visible ponchos in one category, the first two in stock, each with a card image."""
    category = CategoryFactory(name="Ponchos", slug="ponchos")
    products = []
    for index in range(3):
        product = ProductFactory(
            name=f"Poncho Andino {index}",
            slug=f"poncho-andino-{index}",
            category=category,
            base_price=Decimal("150.00") + index,
        )
        variant = VariantFactory(product=product, sku=f"PONCHO-{index}")
        if index < 2:
            stock(variant, quantity=5)
        ProductImageFactory(product=product)
        products.append(product)
    return products
