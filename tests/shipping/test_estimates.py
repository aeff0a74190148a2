"""The delivery estimate of the product page and the cart: the cheapest home delivery to Lima
(or the customer's default address), its date and when shipping becomes free; and the cart
says until when its units are held."""

import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.templatetags.dates import delivery_estimate as delivery_estimate_text
from demo.shipping import load_demo_shipping
from inventory.models import Reservation
from shipping.estimates import LIMA, Place, delivery_estimate, shipping_place
from tests.factories import AddressFactory, ProductFactory, UserFactory, VariantFactory, WarehouseFactory, stock
from tests.harness import clear_cache

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def rates():
    clear_cache()
    load_demo_shipping()


@pytest.fixture
def product():
    variant = VariantFactory(
        sku="CAP-U",
        product=ProductFactory(
            name="Gorra Inti", slug="gorra-inti", base_price=Decimal("59.00"), weight_kg=Decimal("0.3")
        ),
    )
    stock(variant, WarehouseFactory(), 10)
    return variant.product


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def lima() -> Place:
    return shipping_place(None)


def test_cheapest_home_delivery_to_lima_and_the_free_threshold():
    estimate = delivery_estimate(place=lima(), weight_kg=Decimal("0.3"), subtotal=Decimal("59.00"), today=MONDAY)

    assert (estimate.place.department, estimate.place.province, estimate.place.name) == (*LIMA, "Lima")
    assert estimate.option.code == "serpost" and estimate.option.price == Decimal("8.00")  # not the free pickup
    assert estimate.free_from == Decimal("199.00")


def test_free_from_the_threshold():
    estimate = delivery_estimate(place=lima(), weight_kg=Decimal("0.3"), subtotal=Decimal("199.00"), today=MONDAY)

    assert estimate.option.is_free and estimate.option.code == "olva-lima"
    assert estimate.free_from is None
    assert (estimate.option.delivery_from, estimate.option.delivery_to) == (date(2026, 11, 24), date(2026, 11, 25))


@pytest.mark.parametrize(("weight", "subtotal"), [("-1", "10"), ("1", "-5"), ("1000", "10")])
def test_bad_or_unserved_parcels_have_no_estimate(weight, subtotal):
    assert delivery_estimate(place=lima(), weight_kg=Decimal(weight), subtotal=Decimal(subtotal)) is None


def test_a_customer_gets_the_estimate_for_their_default_address():
    user = UserFactory()
    AddressFactory(user=user, department="08", ubigeo="080101", is_default_shipping=True)  # Cusco

    place = shipping_place(user)

    assert (place.department, place.province, place.name) == ("08", "0801", "Cusco")
    estimate = delivery_estimate(place=place, weight_kg=Decimal("0.3"), subtotal=Decimal("59.00"))
    # Shalom to its Cusco agency: cheapest, then fastest; in-store pickup (Lima) never
    assert estimate.option.code == "shalom-agencia" and estimate.free_from == Decimal("499.00")


def test_product_page_shows_cost_date_and_threshold(client, product):
    with translation.override("es-pe"):
        page = text(client.get(reverse("catalog:product", args=[product.slug])))

    assert "Envío a Lima: S/ 8.00." in page
    assert "Envío gratis desde S/ 199.00." in page
    assert re.search(r"Llega entre el \w+ \d+ de \w+ y el \w+ \d+ de \w+\.", page)


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "page cache"])
def test_the_product_page_s_delivery_dates_follow_the_day(client, product, settings, monkeypatch, page_cache):
    """The buy box is kept per process by what it shows: the day its delivery dates count from is part of
    it, so a page rendered before midnight does not promise yesterday's dates after it."""
    from core.templatetags.dates import long_date

    settings.STOREFRONT_PAGE_CACHE = page_cache
    url = reverse("catalog:product", args=[product.slug])
    friday, saturday = date(2026, 11, 27), date(2026, 11, 28)
    clock = time.time
    shown = {}
    for minutes, day in ((0, friday), (2, saturday)):  # 23:59 and 00:01
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day: day)
        # Past the page cache's 5 s of freshness and its grace: a request then renders the page again.
        monkeypatch.setattr(time, "time", lambda minutes=minutes: clock() + minutes * 60)
        with translation.override("es-pe"):
            shown[day] = re.search(r"Llega entre el (.+?) y el (.+?)\.", text(client.get(url))).groups()
    estimate = delivery_estimate(place=lima(), weight_kg=Decimal("0.3"), subtotal=Decimal("59.00"), today=saturday)
    assert estimate is not None
    with translation.override("es-pe"):
        assert shown[saturday] == (long_date(estimate.option.delivery_from), long_date(estimate.option.delivery_to))
    assert shown[friday] != shown[saturday]


@pytest.mark.page_cache
def test_a_signed_in_shopper_s_own_promise_is_rendered_once_for_what_it_shows(client, product, monkeypatch):
    """A page-cache hit fills in the delivery promise of a signed-in shopper outside Lima: rendered once per
    process for the place, its rates as read, the parcel and the day, so a rate's change and the next day
    show at once, and another shopper of the same place gets the same part without a render."""
    from django.template import loader

    from shipping.models import ShippingRate

    cusco = [UserFactory(), UserFactory()]
    for user in cusco:
        AddressFactory(user=user, department="08", ubigeo="080101", is_default_shipping=True)
    url = reverse("catalog:product", args=[product.slug])
    rendered = []
    render = loader.render_to_string
    monkeypatch.setattr(
        "storefront.views.render_to_string",
        lambda name, *args, **kwargs: rendered.append(name) or render(name, *args, **kwargs),
    )

    def promise(user) -> str:
        client.force_login(user)
        with translation.override("es-pe"):
            return re.search(r"Envío a Cusco: S/ [\d.]+\. Llega [^.]+\.", text(client.get(url))).group()

    first = promise(cusco[0])
    assert promise(cusco[0]) == first and promise(cusco[1]) == first
    assert rendered.count("catalog/_delivery_promise.html") <= 2  # the first hit's, and once its rates are kept
    rendered.clear()
    assert promise(cusco[1]) == first and not rendered
    for rate in ShippingRate.objects.filter(method__code="shalom-agencia"):
        rate.price = Decimal("6.50")
        rate.save()
    assert "Envío a Cusco: S/ 6.50." in promise(cusco[0])
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    estimate = delivery_estimate(
        place=shipping_place(cusco[0]), weight_kg=Decimal("0.3"), subtotal=Decimal("59.00"), today=tomorrow
    )
    with translation.override("es-pe"):
        assert delivery_estimate_text(estimate.option) in promise(cusco[1])


def test_the_rates_are_read_once_per_place(client, product):
    url = reverse("catalog:product", args=[product.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if "shipping_shippingrate" in q["sql"]]


def test_cart_shows_the_estimate_and_until_when_units_are_held(client, product):
    client.post(reverse("cart:add"), {"sku": "CAP-U", "quantity": "2"})
    until = Reservation.objects.get().expires_at

    page = text(client.get(reverse("cart:detail")))

    assert f"Reservado para ti hasta las {timezone.localtime(until):%H:%M}." in page
    assert "Envío a Lima: S/ 8.00." in page and "desde S/ 8.00" in page
    assert "Envío gratis desde S/ 199.00." in page


@pytest.mark.page_cache  # the product page is cached whole for anonymous shoppers: the change must reach it
def test_a_rate_change_is_shown_at_once(client, product):
    from shipping.models import ShippingRate

    url = reverse("catalog:product", args=[product.slug])
    assert "Envío a Lima: S/ 8.00." in text(client.get(url))
    for rate in ShippingRate.objects.filter(method__code="serpost"):
        rate.price = Decimal("7.50")
        rate.save()

    assert "Envío a Lima: S/ 7.50." in text(client.get(url))


def test_a_place_s_estimate_unpickles_only_its_own_rates_however_many_places_are_kept(monkeypatch):
    """The rates are kept for every place asked, in one entry a signed-in shopper's product page reads with
    its keys (storefront.views: the delivery part): what a read unpickles must not grow with the places kept
    (a store with customers in every province would unpickle thousands of rows on each such page)."""
    from django.core.cache import cache
    from django.db.models import base

    from accounts import ubigeo
    from shipping.estimates import CACHE_KEY

    unpickled = []
    setstate = base.Model.__setstate__
    monkeypatch.setattr(base.Model, "__setstate__", lambda row, state: unpickled.append(1) or setstate(row, state))

    def rows_read_for_lima() -> int:
        unpickled.clear()
        delivery_estimate(
            place=lima(), weight_kg=Decimal("0.3"), subtotal=Decimal("59.00"), cached={CACHE_KEY: cache.get(CACHE_KEY)}
        )
        return len(unpickled)

    assert delivery_estimate(place=lima(), weight_kg=Decimal("0.3"), subtotal=Decimal("59.00")) is not None
    alone = rows_read_for_lima()
    assert alone > 0
    for department in ubigeo.departments():
        for province in ubigeo.provinces(department.code)[:3]:
            delivery_estimate(
                place=Place(department=department.code, province=province.code, name=province.name),
                weight_kg=Decimal("0.3"),
                subtotal=Decimal("59.00"),
            )
    assert len(cache.get(CACHE_KEY)) > 50
    assert rows_read_for_lima() == alone
