"""Which methods serve an address, at what price and by when (shipping.selectors)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Address
from shipping.calendar import add_business_days
from shipping.exceptions import ShippingUnavailable
from shipping.models import Carrier, ShippingZone
from shipping.selectors import no_method_message, shipping_options, shipping_options_for_address, shipping_quote
from tests.factories import AddressFactory, ShippingMethodFactory, ShippingRateFactory, ShippingZoneFactory
from tests.harness import compiled_models

pytestmark = pytest.mark.django_db

MIRAFLORES = {"department": "15", "province": "1501"}
CALLAO = {"department": "07", "province": "0701"}
HUARAL = {"department": "15", "province": "1506"}  # Lima region, outside the capital
AREQUIPA = {"department": "04", "province": "0401"}
IQUITOS = {"department": "16", "province": "1601"}
MONDAY = date(2026, 6, 1)


def options(address=MIRAFLORES, weight="2", subtotal="100", today=MONDAY):
    return shipping_options(**address, weight_kg=Decimal(weight), subtotal=Decimal(subtotal), today=today)


def quote(method, address=MIRAFLORES, weight="2", subtotal="100"):
    method_id = getattr(method, "pk", method)
    return shipping_quote(
        method_id=method_id, **address, weight_kg=Decimal(weight), subtotal=Decimal(subtotal), today=MONDAY
    )


@pytest.fixture
def zones():
    return {
        "lima": ShippingZoneFactory(name="Lima Metropolitana", kind=ShippingZone.Kind.LIMA_METROPOLITANA),
        "provinces": ShippingZoneFactory(name="Provincias", kind=ShippingZone.Kind.PROVINCES),
        "amazon": ShippingZoneFactory(name="Oriente", kind=ShippingZone.Kind.DEPARTMENTS, departments=["16", "25"]),
    }


def bands(method, zone, prices, limits=("0", "1", "5", "10", "30", "100")):
    for low, high, price in zip(limits, limits[1:], prices, strict=False):
        ShippingRateFactory(method=method, zone=zone, weight_from=low, weight_to=high, price=price)


@pytest.fixture
def olva_lima(zones):
    method = ShippingMethodFactory(
        code="olva-lima", name="Olva Lima", min_days=1, max_days=2, free_shipping_threshold=Decimal("199.00")
    )
    bands(method, zones["lima"], ["10.00", "15.00", "22.00", "35.00", "60.00"])
    return method


@pytest.fixture
def olva_provinces(zones):
    method = ShippingMethodFactory(code="olva-prov", name="Olva provincias", min_days=3, max_days=6)
    bands(method, zones["provinces"], ["18.00", "28.00", "42.00", "75.00", "140.00"])
    bands(method, zones["amazon"], ["25.00", "38.00", "58.00", "105.00", "190.00"])
    return method


class TestZones:
    def test_lima_metropolitana_and_callao_get_the_lima_rates(self, olva_lima, olva_provinces):
        for address in (MIRAFLORES, CALLAO):
            (option,) = options(address)
            assert (option.code, option.zone, option.price) == ("olva-lima", "Lima Metropolitana", Decimal("15.00"))

    def test_arequipa_and_lima_region_outside_the_capital_are_provinces(self, olva_lima, olva_provinces):
        for address in (AREQUIPA, HUARAL):
            (option,) = options(address)
            assert (option.code, option.zone, option.price) == ("olva-prov", "Provincias", Decimal("28.00"))

    def test_a_zone_of_departments_is_more_specific_than_provinces(self, olva_provinces):
        (option,) = options(IQUITOS)

        assert (option.zone, option.price) == ("Oriente", Decimal("38.00"))

    def test_a_departments_zone_listing_lima_serves_the_capital_too(self):
        zone = ShippingZoneFactory(kind=ShippingZone.Kind.DEPARTMENTS, departments=["15"])
        ShippingRateFactory(zone=zone, weight_to=5)

        assert len(options(MIRAFLORES)) == len(options(HUARAL)) == 1
        assert options(AREQUIPA) == []

    def test_no_method_serves_the_address(self, olva_lima):
        assert options(AREQUIPA) == []
        with translation.override("es-pe"):
            message = no_method_message(**AREQUIPA)
        assert "Arequipa" in message and "no podemos" in message.lower()

    @pytest.mark.parametrize(
        "address",
        [
            {"department": "15", "province": "0401"},  # a province of another department
            {"department": "15", "province": ""},  # an address without ubigeo
            {"department": "99", "province": "9901"},
        ],
    )
    def test_an_address_that_does_not_nest_gets_nothing(self, olva_lima, address):
        assert options(address) == []
        with pytest.raises(ShippingUnavailable) as error:
            quote(olva_lima, address)
        assert error.value.code == "bad_address"

    def test_for_a_saved_address(self, olva_lima):
        address = AddressFactory(department="07", province="Callao", district="Bellavista")

        (option,) = shipping_options_for_address(
            address=address, weight_kg=Decimal("1"), subtotal=Decimal("50"), today=MONDAY
        )

        assert option.code == "olva-lima"
        old_row = Address(department="15", province="Lima", district="Inventado", ubigeo="")
        assert shipping_options_for_address(address=old_row, weight_kg=Decimal("1"), subtotal=Decimal("1")) == []


class TestWeightBands:
    @pytest.mark.parametrize(
        ("weight", "price"),
        [
            ("0", "10.00"),  # a parcel of no weight takes the first band
            ("0.001", "10.00"),
            ("1", "10.00"),  # a band includes its upper edge ...
            ("1.001", "15.00"),  # ... and not its lower one
            ("5", "15.00"),
            ("5.001", "22.00"),
            ("30", "35.00"),
            ("100", "60.00"),
        ],
    )
    def test_edges(self, olva_lima, weight, price):
        (option,) = options(weight=weight)

        assert option.price == Decimal(price)

    def test_too_heavy_for_every_band(self, olva_lima):
        assert options(weight="100.001") == []
        with pytest.raises(ShippingUnavailable) as error:
            quote(olva_lima, weight="150")
        assert error.value.code == "too_heavy"
        assert "150" in str(error.value)

    def test_negative_weight_is_a_programming_error(self, olva_lima):
        with pytest.raises(ValueError):
            options(weight="-1")


class TestFreeShipping:
    @pytest.mark.parametrize(
        ("subtotal", "is_free"), [("198.99", False), ("199.00", True), ("199.01", True), ("0", False)]
    )
    def test_threshold_edge(self, olva_lima, subtotal, is_free):
        (option,) = options(subtotal=subtotal)

        assert option.is_free is is_free
        assert option.price == (Decimal("0.00") if is_free else Decimal("15.00"))
        assert option.regular_price == Decimal("15.00")

    def test_no_threshold_is_never_free(self, olva_provinces):
        (option,) = options(AREQUIPA, subtotal="99999")

        assert not option.is_free and option.price == Decimal("28.00")

    def test_money_has_two_places(self, zones):
        ShippingRateFactory(zone=zones["lima"], weight_to=5, price=Decimal("12.5"))

        (option,) = options()

        assert str(option.price) == "12.50"


class TestMethods:
    def test_inactive_method_is_not_offered(self, olva_lima):
        olva_lima.is_active = False
        olva_lima.save()

        assert options() == []
        with pytest.raises(ShippingUnavailable) as error:
            quote(olva_lima)
        assert error.value.code == "unknown_method"

    def test_sorted_by_price_then_speed(self, zones, olva_lima):
        slow = ShippingMethodFactory(name="Lento", min_days=5, max_days=10)
        ShippingRateFactory(method=slow, zone=zones["lima"], weight_to=5, price="15.00")
        cheap = ShippingMethodFactory(name="Barato", min_days=4, max_days=8)
        ShippingRateFactory(method=cheap, zone=zones["lima"], weight_to=5, price="9.90")

        assert [option.name for option in options()] == ["Barato", "Olva Lima", "Lento"]

    def test_pickup_is_free_and_ready_in_days(self, zones):
        pickup = ShippingMethodFactory(carrier=Carrier.PICKUP, min_days=1, max_days=1)
        ShippingRateFactory(method=pickup, zone=zones["lima"], weight_to=100, price="0")

        (option,) = options()

        assert option.is_pickup and option.is_free and option.price == Decimal("0.00")
        assert option.delivery_from == option.delivery_to == date(2026, 6, 2)
        assert options(AREQUIPA) == []

    def test_quote_recomputes_the_chosen_option(self, olva_lima, olva_provinces):
        chosen = quote(olva_provinces, AREQUIPA, weight="7", subtotal="300")

        assert (chosen.method_id, chosen.price, chosen.zone) == (olva_provinces.pk, Decimal("42.00"), "Provincias")

    @pytest.mark.parametrize("tampered", [999999, "999999", "abc", None, "1; DROP TABLE"])
    def test_tampered_method_id(self, olva_lima, tampered):
        with pytest.raises(ShippingUnavailable) as error:
            quote(tampered)

        assert error.value.code == "unknown_method"
        with translation.override("es-pe"):
            assert "no está disponible" in str(error.value)

    def test_method_that_does_not_serve_the_address(self, olva_lima):
        with pytest.raises(ShippingUnavailable) as error:
            quote(olva_lima, AREQUIPA)

        assert error.value.code == "not_served"
        with translation.override("es-pe"):
            assert str(error.value) == "Olva Lima no entrega en Arequipa. Elige otro método de envío."


class TestDeliveryDates:
    def test_business_days_skip_sundays_and_holidays(self):
        saturday = date(2026, 7, 25)
        # Sunday 26, then 28 and 29 July (Independence Day, Great Military Parade) are skipped.
        assert add_business_days(saturday, 1) == date(2026, 7, 27)
        assert add_business_days(saturday, 2) == date(2026, 7, 30)
        assert add_business_days(date(2026, 7, 26), 0) == date(2026, 7, 27)  # a Sunday starts on Monday
        assert add_business_days(date(2026, 4, 1), 1) == date(2026, 4, 4)  # Holy Thursday and Good Friday

    def test_options_carry_the_dates(self, olva_lima):
        (option,) = options(today=date(2026, 12, 24))

        # 25 Dec is Christmas, 27 Dec a Sunday.
        assert (option.delivery_from, option.delivery_to) == (date(2026, 12, 26), date(2026, 12, 28))


class TestQueries:
    @pytest.mark.parametrize("methods", [1, 8])
    def test_one_query_whatever_the_number_of_methods_and_rates(self, django_assert_num_queries, zones, methods):
        for _ in range(methods):
            method = ShippingMethodFactory()
            bands(method, zones["lima"], ["10", "15", "22", "35", "60"])
            bands(method, zones["provinces"], ["18", "28", "42", "75", "140"])

        with django_assert_num_queries(1):
            result = options()

        assert len(result) == methods

    def test_a_quote_is_one_query_too(self, django_assert_num_queries, olva_lima):
        with django_assert_num_queries(1):
            quote(olva_lima)


def test_the_rates_are_read_by_a_query_compiled_once_each_read_binding_its_weight_and_method(
    olva_lima, olva_provinces, monkeypatch
):
    """Building the rates' query (bands, active methods, zones joined) cost the delivery step and the
    review about a millisecond of Python each: compiled once per process now, each read binding its
    own weight (the first band's 0 kg included) and method."""
    options()  # this process' first reads compile them
    quote(olva_lima)
    compiled = compiled_models(monkeypatch)

    assert [option.price for option in options(weight="0")] == [Decimal("10.00")]
    assert [option.price for option in options(weight="7")] == [Decimal("22.00")]
    assert options(weight="101") == []
    assert [option.price for option in options(AREQUIPA, weight="30")] == [Decimal("75.00")]
    assert quote(olva_lima, weight="0.5").price == Decimal("10.00")
    assert quote(olva_lima, weight="30").price == Decimal("35.00")
    assert quote(olva_provinces, IQUITOS, weight="1").price == Decimal("25.00")
    assert compiled == []
