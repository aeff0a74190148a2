"""A "buy X, get a gift" offer puts its gift in the cart by itself: its own line marked Regalo at
S/ 0.00, named after the offer, its stock held like any line; it follows the units that earn it
(added, changed, removed, an offer starting or ending while the cart sits) and goes away with its
hold when they no longer earn it. A gift out of stock gives what is left and says so, never
blocking the cart; the shopper may remove it (it stays out until the earning lines change) and
pays for units of it they add themselves beyond those earned. The order line carries the offer
discount equal to its price, a return of it gives back nothing, and the cart page's queries stay
flat."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cart.selectors import cart_view
from cart.services import Cart, CartError, cart_add, cart_merge, cart_remove, cart_update
from cart.store import LineKey, cart_store
from inventory.selectors import reservations_held
from promotions.models import QuantityOffer, Scope
from promotions.services import quantity_offer_badges_sync, quantity_offer_create
from returns.services import _paid_per_unit
from tests.factories import (
    ProductFactory,
    UserFactory,
    VariantFactory,
    add,
    coupon,
    stock,
)
from tests.factories import (
    checkout_or_none as checkout,
)
from tests.factories import (
    details_accepted as details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("promotions")]

OFFER_NAME = "Lleva 2 sillas, llévate una lámpara"


def gift_offer(product, gift, *, buy=2, **extra):
    return quantity_offer_create(
        name=extra.pop("name", OFFER_NAME),
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=buy,
        gift_variant=gift,
        scope=Scope.PRODUCTS,
        products=[product],
        **extra,
    )


def held(cart, variant) -> int:
    return sum(r.quantity for r in reservations_held(cart_key=cart.id).filter(stock_level__variant=variant))


def gift_lines(cart) -> dict[LineKey, int]:
    return {key: quantity for key, quantity in cart_store().lines(cart.id).items() if key.is_gift}


@pytest.fixture
def cart(shop):
    return Cart(id="gift-cart")


def test_the_gift_is_added_by_itself_free_and_held(shop, cart):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    cart_add(cart=cart, sku="CHAIR", quantity=1)
    assert gift_lines(cart) == {} and held(cart, shop["lamp"]) == 0
    cart_add(cart=cart, sku="CHAIR", quantity=1)
    assert gift_lines(cart) == {LineKey(shop["lamp"].pk, gift_offer_id=offer.pk): 1}
    assert held(cart, shop["lamp"]) == 1
    summary = cart_view(cart)
    gift = next(line for line in summary.lines if line.is_gift)
    assert gift.gift_price == D("0.00") and gift.offer_name == OFFER_NAME and gift.reserved == 1
    assert not gift.problem and not gift.offer_note
    assert summary.total == D("400.00") and summary.offer_discount == D("100.00")


def test_the_cart_page_shows_the_gift_line(client, shop):
    gift_offer(shop["chair"].product, shop["lamp"])
    add(client, "CHAIR", 2)
    html = client.get(reverse("cart:detail")).content.decode()
    line = html.split('id="line-', 1)[1].split('id="line-', 1)[1]  # the chair first, then the gift
    assert "Regalo" in line and OFFER_NAME in line and "S/ 0.00" in line and "Lámpara Inca" in line
    assert 'name="quantity"' not in line.split("</li>", 1)[0]  # its units are the offer's: no quantity box


def test_the_gift_follows_the_units_that_earn_it_and_goes_with_its_hold(shop, cart):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    chair = LineKey(shop["chair"].pk)
    cart_update(cart=cart, line=chair, quantity=5)
    assert gift_lines(cart) == {LineKey(shop["lamp"].pk, gift_offer_id=offer.pk): 2} and held(cart, shop["lamp"]) == 2
    cart_update(cart=cart, line=chair, quantity=1)
    assert gift_lines(cart) == {} and held(cart, shop["lamp"]) == 0
    cart_update(cart=cart, line=chair, quantity=2)
    assert held(cart, shop["lamp"]) == 1
    cart_remove(cart=cart, line=chair)
    assert cart_store().lines(cart.id) == {} and held(cart, shop["lamp"]) == 0


def test_an_offer_starting_or_ending_while_the_cart_sits(shop, cart):
    offer = gift_offer(shop["chair"].product, shop["lamp"], starts_at=timezone.now() + timedelta(days=1))
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    assert gift_lines(cart) == {}
    QuantityOffer.objects.filter(pk=offer.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    summary = cart_view(cart)  # the cart page settles the gift
    assert [line.variant for line in summary.lines if line.is_gift] == [shop["lamp"]]
    assert held(cart, shop["lamp"]) == 1
    QuantityOffer.objects.filter(pk=offer.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    quantity_offer_badges_sync()
    summary = cart_view(cart)
    assert not any(line.is_gift for line in summary.lines) and summary.total == D("400.00")
    assert gift_lines(cart) == {} and held(cart, shop["lamp"]) == 0


def test_a_gift_short_of_stock_gives_what_is_left_and_says_so(shop, cart):
    cushion = VariantFactory(sku="COJIN", product=ProductFactory(name="Cojín Andino", base_price=D("35.00")))
    stock(cushion, shop["warehouse"], 1)
    offer = gift_offer(shop["chair"].product, cushion)
    cart_add(cart=cart, sku="CHAIR", quantity=4)  # earns two, one left
    assert gift_lines(cart) == {LineKey(cushion.pk, gift_offer_id=offer.pk): 1} and held(cart, cushion) == 1
    summary = cart_view(cart)
    gift = next(line for line in summary.lines if line.is_gift)
    assert gift.gift_price == 0 and "1 de los 2 regalos ganados" in gift.offer_note
    assert not summary.has_problems

    # the other unit gone too (another cart's hold lapsed ours and took it): no gift, a note, no problem
    other = Cart(id="other-cart")
    reservations_held(cart_key=cart.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    cart_add(cart=other, sku="COJIN", quantity=1)
    summary = cart_view(cart)
    assert not any(line.is_gift for line in summary.lines) and not summary.has_problems
    assert summary.gift_notes == [f"Regalo agotado: {OFFER_NAME}."]


def test_a_sold_out_gift_never_fails_the_cart_or_checkout(client, shop):
    cushion = VariantFactory(sku="COJIN", product=ProductFactory(name="Cojín Andino", base_price=D("35.00")))
    stock(cushion, shop["warehouse"], 0)
    gift_offer(shop["chair"].product, cushion)
    add(client, "CHAIR", 2)
    html = client.get(reverse("cart:detail")).content.decode()
    assert "Regalo agotado: " + OFFER_NAME in html
    order = checkout(client)
    assert order is not None and list(order.lines.values_list("sku", flat=True)) == ["CHAIR"]


def test_the_shopper_may_remove_the_gift_until_the_earning_lines_change(shop, cart):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    gift = LineKey(shop["lamp"].pk, gift_offer_id=offer.pk)
    cart_remove(cart=cart, line=gift)
    assert gift_lines(cart) == {} and held(cart, shop["lamp"]) == 0
    summary = cart_view(cart)  # the page does not put it back, nor says it is sold out
    assert not any(line.is_gift for line in summary.lines) and summary.gift_notes == []
    assert gift_lines(cart) == {}
    cart_add(cart=cart, sku="CHAIR", quantity=1)  # the earning lines changed: the gift is back
    assert gift_lines(cart) == {gift: 1} and held(cart, shop["lamp"]) == 1


def test_the_gift_line_cannot_be_increased_and_extra_units_are_paid(shop, cart):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    gift = LineKey(shop["lamp"].pk, gift_offer_id=offer.pk)
    with pytest.raises(CartError, match="no se pueden cambiar"):
        cart_update(cart=cart, line=gift, quantity=3)
    assert gift_lines(cart) == {gift: 1}
    cart_add(cart=cart, sku="LAMP", quantity=2)  # bought by the shopper: charged
    summary = cart_view(cart)
    lamps = {line.key: line for line in summary.lines if line.variant == shop["lamp"]}
    assert lamps[gift].net_total == 0 and lamps[LineKey(shop["lamp"].pk)].net_total == D("200.00")
    assert summary.total == D("600.00") and held(cart, shop["lamp"]) == 3
    # the cart's own lines of the gift are kept apart from the gift line, also when the gift goes
    cart_update(cart=cart, line=LineKey(shop["chair"].pk), quantity=1)
    assert gift_lines(cart) == {} and held(cart, shop["lamp"]) == 2


def test_the_view_refuses_a_changed_gift_quantity_in_spanish(client, shop):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    add(client, "CHAIR", 2)
    response = client.post(
        reverse("cart:update"), {"line": f"{shop['lamp'].pk}:g{offer.pk}", "quantity": "5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "no se pueden cambiar" in response.content.decode()
    response = client.post(reverse("cart:remove"), {"line": f"{shop['lamp'].pk}:g{offer.pk}"})
    assert response.status_code == 302
    assert "Regalo" not in client.get(reverse("cart:detail")).content.decode().split("cart-list", 1)[1]


def test_the_order_line_is_free_and_its_return_gives_back_nothing(client, shop):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    add(client, "CHAIR", 2)
    details(client, email="rosa@example.pe")
    summary = client.get(reverse("checkout:delivery")).content.decode().split("summary-lines", 1)[1]
    assert f"Regalo · {offer.name}" in summary and "S/ 0.00" in summary
    order = checkout(client)
    lamp, chair = order.lines.get(sku="LAMP"), order.lines.get(sku="CHAIR")
    assert lamp.quantity == 1 and lamp.line_total == 0 and lamp.unit_paid == 0
    assert lamp.offer_discount == D("100.00") and lamp.offer_discount_name == offer.name
    assert chair.line_total == D("400.00") and order.total - order.shipping_total == D("400.00")
    per_unit = _paid_per_unit(order)
    assert per_unit[lamp.pk] == 0 and per_unit[chair.pk] == D("200.00")


def test_the_cart_page_stays_flat_with_a_gift(shop, django_assert_num_queries):
    gift_offer(shop["chair"].product, shop["lamp"])
    counts = []
    for lines in (1, 10):
        client = Client()
        add(client, "CHAIR", 2)
        for _ in range(lines - 1):
            variant = VariantFactory()
            stock(variant, shop["warehouse"], 3)
            add(client, variant.sku)
        client.get(reverse("cart:detail"))
        with django_assert_num_queries(6) as captured:  # the cart's 5 and its offers
            response = client.get(reverse("cart:detail"))
        assert sum(line.is_gift for line in response.context["cart"].lines) == 1
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_coupon_takes_nothing_off_the_gift(shop, cart):
    gift_offer(shop["chair"].product, shop["lamp"])
    coupon("HOGAR10", value="10")
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    summary = cart_view(Cart(id=cart.id, coupon_code="HOGAR10"))
    gift = next(line for line in summary.lines if line.is_gift)
    assert gift.coupon_discount == 0 and gift.net_total == 0
    assert summary.coupon_discount == D("40.00") and summary.total == D("360.00")


def test_signing_in_merges_into_one_gift_line(shop):
    offer = gift_offer(shop["chair"].product, shop["lamp"])
    customer = UserFactory()
    anonymous, mine = Cart(id="anon-gift"), Cart(id=f"user-{customer.pk}", customer=customer)
    cart_add(cart=anonymous, sku="CHAIR", quantity=2)
    cart_add(cart=mine, sku="CHAIR", quantity=2)
    cart_merge(source_id=anonymous.id, cart=mine)
    assert gift_lines(mine) == {LineKey(shop["lamp"].pk, gift_offer_id=offer.pk): 2}  # four chairs earn two
    assert held(mine, shop["lamp"]) == 2 and held(anonymous, shop["lamp"]) == 0


def test_units_the_shopper_pays_are_held_before_the_gift(shop, cart):
    cushion = VariantFactory(sku="COJIN", product=ProductFactory(name="Cojín Andino", base_price=D("35.00")))
    stock(cushion, shop["warehouse"], 2)
    gift_offer(shop["chair"].product, cushion)
    cart_add(cart=cart, sku="COJIN", quantity=2)  # bought before the chairs: paid, and all the stock
    cart_add(cart=cart, sku="CHAIR", quantity=2)
    assert gift_lines(cart) == {} and held(cart, cushion) == 2
    summary = cart_view(cart)
    # the arithmetic of a gift stays: of the units the shopper added, those earned are free (and
    # the line says so), so the gift is given, not sold out
    assert summary.offer_discount == D("35.00") and summary.total == D("435.00")
    assert summary.gift_notes == [] and not summary.has_problems
    assert "1 gratis" in next(line for line in summary.lines if line.variant == cushion).offer_note
