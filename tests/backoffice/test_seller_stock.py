"""Sellers receive, adjust and transfer stock within their own warehouses (the stock-level
actions, through inventory's services), never into or out of another seller's warehouse."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from inventory.models import Movement, StockLevel, Warehouse
from tests.factories import stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(sellers, client):
    own, other = sellers
    main = Warehouse.objects.create(code="MIO-1", name="Principal", seller=own)
    spare = Warehouse.objects.create(code="MIO-2", name="Secundario", seller=own)
    foreign = Warehouse.objects.create(code="AJENO-1", name="Ajeno", seller=other)
    variant = stocked_variant(main, seller=own, units=10, sku="MIO-SKU")
    theirs = stocked_variant(foreign, seller=other, units=10, sku="AJENO-SKU")
    client.force_login(own.user)
    level = StockLevel.objects.get(variant=variant, warehouse=main)
    return level, spare, foreign, StockLevel.objects.get(variant=theirs, warehouse=foreign)


def act(client, action, levels, **data):
    return client.post(
        reverse("admin:inventory_stocklevel_changelist"),
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [level.pk for level in levels], "apply": "1", **data},
    )


def on_hand(level):
    level.refresh_from_db()
    return level.on_hand


def test_seller_receives_adjusts_and_transfers_within_their_warehouses(client, setup):
    level, spare, _foreign, _theirs = setup
    assert act(client, "receive", [level], quantity="5", reason="Llegó del taller").status_code == 302
    assert on_hand(level) == 15
    assert act(client, "adjust", [level], quantity="-2", reason="Conteo").status_code == 302
    assert on_hand(level) == 13
    assert act(client, "transfer", [level], destination=spare.pk, quantity="3", reason="Reparto").status_code == 302
    assert on_hand(level) == 10
    assert StockLevel.objects.get(variant=level.variant, warehouse=spare).on_hand == 3
    assert set(Movement.objects.filter(stock_level__variant=level.variant).values_list("actor", flat=True)) >= {
        level.variant.product.seller.user_id
    }


def test_seller_cannot_transfer_into_another_sellers_warehouse(client, setup):
    level, _spare, foreign, _theirs = setup
    response = act(client, "transfer", [level], destination=foreign.pk, quantity="3", reason="Colado")
    assert response.status_code == 200 and "destination" in response.context["form"].errors
    assert on_hand(level) == 10 and not StockLevel.objects.filter(variant=level.variant, warehouse=foreign).exists()
    page = client.post(
        reverse("admin:inventory_stocklevel_changelist"),
        {"action": "transfer", helpers.ACTION_CHECKBOX_NAME: [level.pk]},
    )
    assert foreign.pk not in set(page.context["form"].fields["destination"].queryset.values_list("pk", flat=True))


def test_seller_cannot_act_on_another_sellers_stock(client, setup):
    _level, _spare, _foreign, theirs = setup
    act(client, "receive", [theirs], quantity="50", reason="Colado")
    act(client, "adjust", [theirs], quantity="-10", reason="Colado")
    assert on_hand(theirs) == 10
