from decimal import Decimal

import pytest

from accounts import services as account_services
from tests.factories import ProductFactory, SellerFactory, UserFactory, VariantFactory, WarehouseFactory, stock


@pytest.fixture
def world():
    admin = UserFactory(is_staff=True, is_superuser=True)
    own, other = SellerFactory(ruc="20100070970", slug="andes"), SellerFactory(ruc="10467793549", slug="pacifico")
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=admin)
        seller.user.refresh_from_db()
    mine = VariantFactory(
        product=ProductFactory(seller=own, slug="audifonos", base_price=Decimal("100.00")), sku="AUD-1"
    )
    theirs = VariantFactory(
        product=ProductFactory(seller=other, slug="parlante", base_price=Decimal("200.00")), sku="PAR-1"
    )
    own_store, other_store = WarehouseFactory(seller=own, code="ANDES-1"), WarehouseFactory(seller=other, code="PAC-1")
    stock(mine, own_store, 10)
    stock(theirs, other_store, 10)
    return {"admin": admin, "own": own, "other": other, "mine": mine, "theirs": theirs}
