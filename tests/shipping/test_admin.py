"""The back office manages methods with their rates, zones and rates."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shipping.models import ShippingMethod, ShippingRate, ShippingZone
from tests.factories import ShippingMethodFactory, ShippingRateFactory, ShippingZoneFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in_operator")]


@pytest.fixture
def lima():
    return ShippingZoneFactory(name="Lima Metropolitana", kind=ShippingZone.Kind.LIMA_METROPOLITANA)


@pytest.mark.parametrize("model", ["shippingmethod", "shippingzone", "shippingrate"])
def test_changelist_add_and_search_load_for_a_warehouse_operator(client, operator, lima, model):
    rate = ShippingRateFactory(zone=lima)

    assert client.get(reverse(f"admin:shipping_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:shipping_{model}_changelist"), {"q": "Lima"}).status_code == 200
    assert client.get(reverse(f"admin:shipping_{model}_add")).status_code == 200
    obj = {"shippingmethod": rate.method, "shippingzone": lima, "shippingrate": rate}[model]
    assert client.get(reverse(f"admin:shipping_{model}_change", args=[obj.pk])).status_code == 200


def test_method_changelist_filters(client, operator, lima):
    ShippingRateFactory(zone=lima)
    url = reverse("admin:shipping_shippingmethod_changelist")

    for params in ({"carrier__exact": "olva"}, {"is_active__exact": "1"}, {"rates__zone__id__exact": lima.pk}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1


def method_post(lima, rates, **overrides):
    data = {
        "name": "Olva Courier — Lima",
        "code": "olva-lima",
        "carrier": "olva",
        "description": "",
        "is_active": "on",
        "order": "10",
        "min_days": "1",
        "max_days": "2",
        "free_shipping_threshold": "199.00",
        "rates-TOTAL_FORMS": str(len(rates)),
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    for index, (low, high, price) in enumerate(rates):
        data |= {
            f"rates-{index}-zone": str(lima.pk),
            f"rates-{index}-weight_from": low,
            f"rates-{index}-weight_to": high,
            f"rates-{index}-price": price,
        }
    return data | overrides


def test_add_a_method_with_its_rates(client, operator, lima):
    response = client.post(
        reverse("admin:shipping_shippingmethod_add"), method_post(lima, [("0", "1", "10"), ("1", "5", "15")])
    )

    assert response.status_code == 302
    method = ShippingMethod.objects.get(code="olva-lima")
    assert [(r.weight_to, r.price) for r in method.rates.order_by("weight_from")] == [
        (Decimal("1.000"), Decimal("10.00")),
        (Decimal("5.000"), Decimal("15.00")),
    ]


@pytest.mark.parametrize(
    "rates",
    [
        [("0", "2", "10"), ("1", "5", "15")],  # two new bands that overlap each other
        [("0", "1", "-5")],  # a negative price
        [("5", "1", "10")],  # a band that ends below its start
    ],
)
def test_bad_rates_are_form_errors_not_500s(client, operator, lima, rates):
    response = client.post(reverse("admin:shipping_shippingmethod_add"), method_post(lima, rates))

    assert response.status_code == 200
    assert not ShippingMethod.objects.exists()
    assert not ShippingRate.objects.exists()


def test_pickup_rates_must_be_free(client, operator, lima):
    response = client.post(
        reverse("admin:shipping_shippingmethod_add"), method_post(lima, [("0", "100", "5")], carrier="pickup")
    )

    assert response.status_code == 200
    assert not ShippingMethod.objects.exists()


def test_zone_of_departments_from_checkboxes(client, operator):
    response = client.post(
        reverse("admin:shipping_shippingzone_add"), {"name": "Sur", "kind": "departments", "departments": ["04", "23"]}
    )

    assert response.status_code == 302
    assert ShippingZone.objects.get(name="Sur").departments == ["04", "23"]
    listing = client.get(reverse("admin:shipping_shippingzone_changelist")).content.decode()
    assert "Arequipa, Tacna" in listing


def test_a_customer_cannot_reach_the_shipping_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:shipping_shippingmethod_changelist"))

    assert response.status_code == 302


def test_a_method_editing_its_existing_bands(client, operator, lima):
    method = ShippingMethodFactory()
    rate = ShippingRateFactory(method=method, zone=lima, weight_from=0, weight_to=1)
    data = method_post(lima, [], code=method.code, name=method.name) | {
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "1",
        "rates-0-id": str(rate.pk),
        "rates-0-method": str(method.pk),
        "rates-0-zone": str(lima.pk),
        "rates-0-weight_from": "0",
        "rates-0-weight_to": "2",
        "rates-0-price": "12.00",
    }

    response = client.post(reverse("admin:shipping_shippingmethod_change", args=[method.pk]), data)

    assert response.status_code == 302
    rate.refresh_from_db()
    assert (rate.weight_to, rate.price) == (Decimal("2.000"), Decimal("12.00"))
