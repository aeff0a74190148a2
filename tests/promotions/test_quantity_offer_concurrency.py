"""The last unit of a gift, checked out by two carts at once (real threads, real PostgreSQL): one
order gets it, the other is refused with its reason and nothing written; the stock is exact.
The gift put in the cart by itself: two tabs of one cart adding the product that earns it give
one gift line, held once; two carts earning the gift's last unit at once: one holds it."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cart.services import Cart, cart_add
from cart.store import LineKey, cart_store
from demo.shipping import load_demo_shipping
from inventory.models import Reservation
from inventory.selectors import reservations_held
from orders.models import Order
from payments.services import payment_method_ensure_test_gateway
from promotions.models import QuantityOffer, Scope
from promotions.services import quantity_offer_create
from tests.factories import (
    ON_POSTGRESQL,
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    add,
    place,
    review_key,
    stock,
)
from tests.factories import (
    delivery_accepted as delivery,
)
from tests.factories import (
    details_accepted as details,
)
from tests.threads import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True), ON_POSTGRESQL]
BUYERS = 2


def test_two_carts_for_the_last_gift_unit():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    warehouse = WarehouseFactory()
    chair = VariantFactory(sku="CHAIR", product=ProductFactory(base_price=D("200.00")))
    lamp = VariantFactory(sku="LAMP", product=ProductFactory(base_price=D("100.00")))
    stock(chair, warehouse, 20)
    stock(lamp, warehouse, 1)
    quantity_offer_create(
        name="Lámpara de regalo",
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=2,
        gift_variant=lamp,
        scope=Scope.PRODUCTS,
        products=[chair.product],
    )
    buyers = []
    for index in range(BUYERS):
        # Each cart's hold lapses at once, so both carts get the one gift and reach the review.
        Reservation.objects.update(expires_at="2020-01-01T00:00:00Z")
        client = Client()
        add(client, "CHAIR", 2)  # the gift goes into the cart by itself
        assert client.get(reverse("cart:detail")).context["cart"].lines[-1].is_gift
        Reservation.objects.update(expires_at="2020-01-01T00:00:00Z")
        details(client, email=f"buyer{index}@example.pe")
        delivery(client)
        buyers.append((client, review_key(client)))

    results, errors = run_in_threads(lambda i: place(*buyers[i]).status_code, BUYERS)

    assert not errors, errors
    assert Order.objects.count() == 1
    order = Order.objects.get()
    gift = order.lines.get(sku="LAMP")
    assert gift.line_total == 0 and gift.offer_discount == D("100.00")
    assert (
        sum(
            Reservation.objects.active()
            .filter(stock_level__variant=lamp, order_id__isnull=False)
            .values_list("quantity", flat=True)
        )
        == 1
    )
    call_command("inventory_verify", verbosity=0)


def _gift_shop(*, gift_units: int):
    warehouse = WarehouseFactory()
    chair = VariantFactory(sku="CHAIR", product=ProductFactory(base_price=D("200.00")))
    lamp = VariantFactory(sku="LAMP", product=ProductFactory(base_price=D("100.00")))
    stock(chair, warehouse, 20)
    stock(lamp, warehouse, gift_units)
    offer = quantity_offer_create(
        name="Lámpara de regalo",
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=2,
        gift_variant=lamp,
        scope=Scope.PRODUCTS,
        products=[chair.product],
    )
    return lamp, offer


def _held(cart_id: str, variant) -> int:
    return sum(r.quantity for r in reservations_held(cart_key=cart_id).filter(stock_level__variant=variant))


def test_two_tabs_earning_the_gift_at_once_give_one_gift_line():
    lamp, offer = _gift_shop(gift_units=10)
    cart = Cart(id="two-tabs")
    results, errors = run_in_threads(lambda i: cart_add(cart=cart, sku="CHAIR", quantity=2), 2)
    assert not errors, errors
    gifts = {key: units for key, units in cart_store().lines(cart.id).items() if key.is_gift}
    assert gifts == {LineKey(lamp.pk, gift_offer_id=offer.pk): 2}  # four chairs earn two, on one line
    assert _held(cart.id, lamp) == 2
    call_command("inventory_verify", verbosity=0)


def test_two_carts_earning_the_last_gift_unit_at_once_hold_it_once():
    lamp, offer = _gift_shop(gift_units=1)
    carts = [Cart(id=f"racer-{index}") for index in range(BUYERS)]
    results, errors = run_in_threads(lambda i: cart_add(cart=carts[i], sku="CHAIR", quantity=2), BUYERS)
    assert not errors, errors  # the cart never fails for its gift
    given = [sum(units for key, units in cart_store().lines(cart.id).items() if key.is_gift) for cart in carts]
    assert sorted(given) == [0, 1]
    assert [_held(cart.id, lamp) for cart in carts] == given
    call_command("inventory_verify", verbosity=0)
