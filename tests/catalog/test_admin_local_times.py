"""The product page's price history and a stock level's last movements say when in Lima's time
(America/Lima), as every other date of the admin does; they said it in UTC, five hours ahead. The
movements table shows at all, and calls goods received an "Ingreso"."""

from datetime import UTC, datetime

import pytest

from catalog.models import PriceHistory
from inventory.models import Movement
from tests.factories import ProductFactory, UserFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)  # 22:30 of the 24th in Lima


def test_price_history_and_movements_are_in_limas_time(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    variant = VariantFactory(product=ProductFactory())
    PriceHistory._base_manager.filter(variant=variant).update(changed_at=AT)  # a history row, back-dated
    level = stock(variant, quantity=3)
    Movement._base_manager.filter(stock_level=level).update(created_at=AT)

    product_page = client.get(f"/admin/catalog/product/{variant.product_id}/change/").content.decode()
    level_page = client.get(f"/admin/inventory/stocklevel/{level.pk}/change/").content.decode()

    for page in (product_page, level_page):
        assert "2026-11-24 22:30" in page and "2026-11-25 03:30" not in page
    assert "<td>+3</td>" in level_page  # the movement itself (the table failed to render and showed "-")
    assert "<td>Ingreso</td>" in level_page  # goods received, not a SUNAT "Comprobante"
