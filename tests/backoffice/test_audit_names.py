"""The audit list names each changed row as people call it: a stock level "Polo básico (M) ·
Almacén Central", never "#1467", in the same number of queries however many rows changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockLevel
from tests.factories import OptionValueFactory, ProductFactory, UserFactory, VariantFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db
URL = "/admin/audit/"


def _level(name: str, warehouse) -> StockLevel:
    variant = VariantFactory(product=ProductFactory(name=name), values=[OptionValueFactory(slug="m", value="M")])
    level = stock(variant, warehouse, 3)
    level.minimum = 2
    level.save()  # a change the audit lists
    return level


def test_a_changed_stock_level_is_named_by_product_size_and_warehouse(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    level = _level("Polo básico", WarehouseFactory(name="Almacén Central"))

    page = client.get(URL).content.decode()

    assert "Polo básico (M) · Almacén Central" in page
    assert f">#{level.pk}<" not in page


def test_naming_the_rows_costs_no_query_per_row(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    warehouse = WarehouseFactory(name="Almacén Central")
    for index in range(5):
        _level(f"Polo {index}", warehouse)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    count()
    one = count()
    for index in range(5, 20):
        _level(f"Polo {index}", warehouse)
    count()  # the new products renew the menu's kept catalog once
    assert count() == one


def test_every_model_named_through_its_rows_is_audited():
    from backoffice.audit import AUDITED_MODELS, NAMED_THROUGH

    assert set(NAMED_THROUGH) <= set(AUDITED_MODELS)
