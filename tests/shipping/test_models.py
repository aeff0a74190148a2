"""Rules that hold on every row: prices, bands, zones."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone
from tests.factories import ShippingMethodFactory, ShippingRateFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db


def rate(method, zone, low, high, price="10.00") -> ShippingRate:
    return ShippingRate(method=method, zone=zone, weight_from=Decimal(low), weight_to=Decimal(high), price=price)


class TestRateBands:
    @pytest.fixture
    def existing(self):
        return ShippingRateFactory(weight_from=Decimal("1"), weight_to=Decimal("5"))

    @pytest.mark.parametrize(("low", "high"), [("0", "1"), ("5", "10"), ("0", "0.5")])
    def test_touching_bands_are_fine(self, existing, low, high):
        rate(existing.method, existing.zone, low, high).full_clean()

    @pytest.mark.parametrize(("low", "high"), [("0", "2"), ("4.999", "10"), ("2", "3"), ("0", "100")])
    def test_overlapping_bands_are_refused(self, existing, low, high):
        with pytest.raises(ValidationError) as error:
            rate(existing.method, existing.zone, low, high).full_clean()

        assert "1–5 kg" in str(error.value)

    def test_the_same_band_in_another_zone_or_method_is_fine(self, existing):
        rate(existing.method, ShippingZoneFactory(), "1", "5").full_clean()
        rate(ShippingMethodFactory(), existing.zone, "1", "5").full_clean()

    def test_editing_a_band_does_not_clash_with_itself(self, existing):
        existing.weight_to = Decimal("6")
        existing.full_clean()

    @pytest.mark.parametrize("weight", ["0", "0.5", "1", "1.001", "3", "5", "5.001", "50"])
    def test_the_query_and_the_row_take_the_same_weights(self, existing, weight):
        first = ShippingRateFactory(
            method=existing.method, zone=existing.zone, weight_from=Decimal("0"), weight_to=Decimal("1")
        )
        weight = Decimal(weight)
        taken = set(ShippingRate.objects.filter(pk__in=[existing.pk, first.pk]).taking(weight))
        assert taken == {rate for rate in (existing, first) if rate.takes(weight)}
        assert len(taken) == (0 if weight > 5 else 1)

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="an exclusion constraint exists only on PostgreSQL")
    def test_postgresql_refuses_overlaps_that_skip_clean(self, existing):
        with pytest.raises(IntegrityError), transaction.atomic():
            rate(existing.method, existing.zone, "4", "8").save()

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"weight_from": Decimal("5"), "weight_to": Decimal("5")}, "weight_to"),
            ({"weight_from": Decimal("5"), "weight_to": Decimal("1")}, "weight_to"),
            ({"price": Decimal("-1")}, "price"),
            ({"weight_from": Decimal("-1")}, "weight_from"),
        ],
    )
    def test_bad_values_are_field_errors(self, fields, error_field):
        bad = ShippingRateFactory.build(method=ShippingMethodFactory(), zone=ShippingZoneFactory(), **fields)

        with pytest.raises(ValidationError) as error:
            bad.full_clean()

        assert error_field in error.value.message_dict

    @pytest.mark.parametrize(
        "fields",
        [
            {"price": Decimal("-0.01")},
            {"weight_from": Decimal("2"), "weight_to": Decimal("1")},
            {"weight_from": Decimal("-1"), "weight_to": Decimal("1")},
        ],
    )
    def test_the_database_refuses_them_too(self, fields):
        with pytest.raises(IntegrityError), transaction.atomic():
            ShippingRateFactory(**fields)

    def test_in_store_pickup_must_be_free(self):
        pickup = ShippingMethodFactory(carrier=Carrier.PICKUP)

        with pytest.raises(ValidationError) as error:
            rate(pickup, ShippingZoneFactory(), "0", "100", price="5.00").full_clean()

        assert "price" in error.value.message_dict
        rate(pickup, ShippingZoneFactory(), "0", "100", price="0").full_clean()


class TestMethodsAndZones:
    def test_days_range(self):
        with pytest.raises(ValidationError):
            ShippingMethodFactory.build(min_days=5, max_days=2).full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            ShippingMethodFactory(min_days=5, max_days=2)

    def test_code_is_unique(self):
        ShippingMethodFactory(code="olva")
        with pytest.raises(ValidationError):
            ShippingMethodFactory.build(code="olva").full_clean()

    def test_negative_threshold_is_refused(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ShippingMethodFactory(free_shipping_threshold=Decimal("-1"))

    def test_a_zone_of_departments_needs_valid_departments(self):
        for departments in ([], ["99"], "15"):
            zone = ShippingZone(name="Sur", kind=ShippingZone.Kind.DEPARTMENTS, departments=departments)
            with pytest.raises(ValidationError):
                zone.full_clean()
        zone = ShippingZone(name="Sur", kind=ShippingZone.Kind.DEPARTMENTS, departments=["23", "04", "04"])
        zone.full_clean()
        assert zone.departments == ["04", "23"]
        assert zone.department_names() == ["Arequipa", "Tacna"]

    def test_other_kinds_keep_no_departments(self):
        zone = ShippingZone(name="Lima", kind=ShippingZone.Kind.LIMA_METROPOLITANA, departments=["04"])
        zone.full_clean()
        assert zone.departments == []

    def test_str(self):
        method = ShippingMethod(name="Serpost")
        assert str(method) == "Serpost"
        assert str(rate(method, ShippingZone(name="Lima"), "1", "5")) == "Serpost · Lima · 1–5 kg"
