from datetime import date
from decimal import Decimal

import pytest

from shipping.demo import load_demo_shipping
from shipping.models import ShippingMethod, ShippingRate, ShippingZone
from shipping.selectors import shipping_options

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_a_second_run_changes_nothing():
    first = load_demo_shipping()
    counts = (ShippingZone.objects.count(), ShippingMethod.objects.count(), ShippingRate.objects.count())

    second = load_demo_shipping()

    assert first["methods"] == 5 and first["rates"] > 20
    assert second == {"zones": 0, "methods": 0, "rates": 0}
    assert counts == (ShippingZone.objects.count(), ShippingMethod.objects.count(), ShippingRate.objects.count())


def test_demo_methods_serve_lima_and_provinces():
    load_demo_shipping()
    monday = date(2026, 6, 1)

    lima = shipping_options(department="15", province="1501", weight_kg=Decimal("2"), subtotal=Decimal("250"), today=monday)
    cusco = shipping_options(department="08", province="0801", weight_kg=Decimal("2"), subtotal=Decimal("250"), today=monday)

    assert {o.code for o in lima} == {"recojo-tienda", "olva-lima", "serpost"}
    assert next(o for o in lima if o.code == "olva-lima").is_free  # free from S/ 199 in Lima
    assert {o.code for o in cusco} == {"olva-provincias", "shalom-agencia", "serpost"}
    assert cusco[0].code == "shalom-agencia"  # the cheapest first
    assert shipping_options(department="15", province="1501", weight_kg=Decimal("101"), subtotal=Decimal("1")) == []
