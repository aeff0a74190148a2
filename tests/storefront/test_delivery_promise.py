"""The product page's delivery promise is what checkout offers for the same address and cart:
the cheapest home delivery to the shopper's own place (a guest's page kept for everyone never
shows a customer Lima's), priced for what the unit costs after its discount (a discount that
takes the price under the free-shipping threshold is not promised free delivery)."""

import re
from decimal import Decimal

import pytest

from promotions.models import Scope
from shipping.estimates import shipping_place
from shipping.selectors import shipping_options
from tests.factories import (
    AddressFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    load_demo_shipping,
    percent_off,
    stock,
)
from tests.harness import clear_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates():
    clear_cache()
    load_demo_shipping()


@pytest.fixture
def casaca_ten_percent_off():
    """S/ 210.00, 10 % off: S/ 189.00, under Lima's free delivery from S/ 199.00."""
    product = ProductFactory(
        name="Casaca Wayra", slug="casaca-wayra", base_price=Decimal("210.00"), weight_kg=Decimal("0.8")
    )
    stock(VariantFactory(product=product, sku="WAYRA-M"), WarehouseFactory(), 10)
    percent_off("10", scope=Scope.PRODUCTS, products=[product])
    return product


def _promise(client) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get("/p/casaca-wayra/").content.decode()))
    return re.search(r"(Envío gratis a [^.]+|Envío a [^:]+: S/ [\d,]+\.\d\d)", text).group(0)


def _checkout_cheapest(user, subtotal: Decimal):
    place = shipping_place(user)
    options = shipping_options(
        department=place.department, province=place.province, weight_kg=Decimal("0.8"), subtotal=subtotal
    )
    return next(option for option in options if not option.is_pickup)


def test_a_discounted_price_under_the_threshold_is_not_promised_free_delivery(client, casaca_ten_percent_off):
    cheapest = _checkout_cheapest(None, Decimal("189.00"))
    assert not cheapest.is_free
    assert _promise(client) == f"Envío a Lima: S/ {cheapest.price}"


def test_a_customer_gets_their_own_place_even_after_a_guest_saw_the_page(client, casaca_ten_percent_off):
    assert "Lima" in _promise(client)  # a guest's page first: the content kept for everyone
    customer = UserFactory()
    AddressFactory(user=customer, department="08", ubigeo="080101", is_default_shipping=True)  # Cusco
    client.force_login(customer)
    cheapest = _checkout_cheapest(customer, Decimal("189.00"))
    assert _promise(client) == f"Envío a Cusco: S/ {cheapest.price}"


@pytest.mark.page_cache
def test_the_shared_page_gives_a_customer_their_own_promise(client, casaca_ten_percent_off):
    from django.test import Client

    Client().get("/p/casaca-wayra/")  # a guest stores the page every shopper is served from
    Client().get("/p/casaca-wayra/")
    customer = UserFactory()
    AddressFactory(user=customer, department="08", ubigeo="080101", is_default_shipping=True)  # Cusco
    client.force_login(customer)
    client.get("/")  # a first page: nothing left to show once (messages)
    cheapest = _checkout_cheapest(customer, Decimal("189.00"))
    assert _promise(client) == f"Envío a Cusco: S/ {cheapest.price}"
    assert _promise(Client()) == f"Envío a Lima: S/ {_checkout_cheapest(None, Decimal('189.00')).price}"


@pytest.mark.page_cache
def test_a_new_default_address_moves_the_promise_at_once(client, casaca_ten_percent_off):
    from django.test import Client

    Client().get("/p/casaca-wayra/")
    customer = UserFactory()
    client.force_login(customer)
    client.get("/")
    assert "Lima" in _promise(client)
    AddressFactory(user=customer, department="08", ubigeo="080101", is_default_shipping=True)  # Cusco
    assert "Cusco" in _promise(client)
