"""Quantity offers in the cart, checkout, the order and the back office: a 3x2 charges two of
three (pooled across a product's variants, the cheapest free), a "2do al 50 %" halves the
cheaper unit, both on top of the automatic discount and under a coupon, never on a kit's
lines; a gift is free up to what the offer gives; each offer is its own discount line; the
order keeps the part and its name; a bad offer is refused in Spanish; the cart's queries stay
flat however many offer lines it has."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cart.pricing import price_cart
from cart.store import LineKey
from catalog.models import Product
from orders import selectors as order_selectors
from orders.emails import render_order_email
from orders.models import OrderEmail
from promotions.models import QuantityOffer, Scope
from promotions.selectors import product_quantity_offer
from promotions.services import quantity_offer_badges_sync, quantity_offer_create
from tests.factories import (
    KitFactory,
    KitItemFactory,
    ProductFactory,
    VariantFactory,
    add,
    coupon,
    percent_off,
    stock,
    three_for_two,
)
from tests.factories import (
    checkout_or_none as checkout,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("promotions")]


def second_at_half(*products, name="2do al 50 %"):
    return quantity_offer_create(
        name=name,
        kind=QuantityOffer.Kind.NTH_UNIT_PERCENT,
        buy_quantity=2,
        percent=D("50"),
        scope=Scope.PRODUCTS,
        products=list(products),
    )


def gift_offer(product, gift, *, buy=2, name="Lleva 2 sillas, llévate una lámpara"):
    return quantity_offer_create(
        name=name,
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=buy,
        gift_variant=gift,
        scope=Scope.PRODUCTS,
        products=[product],
    )


def priced(*lines, **kwargs):
    return price_cart({LineKey(variant.pk, None): quantity for variant, quantity in lines}, **kwargs)


def rows(sources):
    return [(source.kind, source.label, source.amount) for source in sources]


@pytest.fixture
def polos(shop):
    """One polo in two colours (29.90 and 39.90 with its modifier)."""
    product = ProductFactory(name="Polo Pima", base_price=D("29.90"))
    white = VariantFactory(product=product, sku="POLO-BLANCO")
    black = VariantFactory(product=product, sku="POLO-NEGRO", price_modifier=D("10.00"))
    for variant in (white, black):
        stock(variant, shop["warehouse"], 30)
    return white, black


def test_a_3x2_charges_two_of_three(shop):
    three_for_two(shop["chair"].product, name="3x2 Sillas")
    cart = priced((shop["chair"], 3))
    [line] = cart.lines
    assert line.offer_discount == D("200.00") and line.offer_name == "3x2 Sillas"
    assert cart.total == D("400.00") and line.net_total == D("400.00")
    assert rows(cart.discount_sources) == [("offer", "3x2 Sillas", D("200.00"))]
    # two units: no set yet; four: still one free
    assert priced((shop["chair"], 2)).total == D("400.00")
    assert priced((shop["chair"], 4)).total == D("600.00")
    assert priced((shop["chair"], 6)).total == D("800.00")


def test_units_pool_across_variants_and_the_cheapest_is_free(polos):
    white, black = polos
    three_for_two(white.product)
    cart = priced((white, 1), (black, 2))  # 29.90 + 2 × 39.90 = 109.70; the white one is free
    assert cart.offer_discount == D("29.90") and cart.total == D("79.80")
    by_sku = {line.variant.sku: line for line in cart.lines}
    # spread in proportion to the lines' amounts: every unit pays the same fraction of its price
    assert by_sku["POLO-BLANCO"].offer_discount + by_sku["POLO-NEGRO"].offer_discount == D("29.90")
    assert by_sku["POLO-BLANCO"].offer_discount == D("8.15") and by_sku["POLO-NEGRO"].offer_discount == D("21.75")


def test_second_at_half_price(shop):
    second_at_half(shop["lamp"].product)
    assert priced((shop["lamp"], 1)).total == D("100.00")
    assert priced((shop["lamp"], 2)).total == D("150.00")
    assert priced((shop["lamp"], 3)).total == D("250.00")
    cart = priced((shop["lamp"], 4))
    assert cart.total == D("300.00") and rows(cart.discount_sources) == [("offer", "2do al 50 %", D("100.00"))]


def test_on_top_of_the_automatic_discount_and_under_a_coupon(shop):
    percent_off("10", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    three_for_two(shop["chair"].product, name="3x2 Sillas")
    coupon("HOGAR10", value="10")
    cart = priced((shop["chair"], 3), coupon_code="HOGAR10")
    # 3 × 180 = 540; the 3x2 takes one 180 off; the coupon 10 % of the 360 left
    assert rows(cart.discount_sources) == [
        ("offer", "Semana del Hogar", D("60.00")),
        ("offer", "3x2 Sillas", D("180.00")),
        ("coupon", "Cupón HOGAR10 (−10 %)", D("36.00")),
    ]
    assert cart.total == D("324.00") and cart.goods_total == D("360.00")


def test_a_kit_line_takes_no_quantity_offer(client, shop):
    three_for_two(shop["chair"].product)
    kit = KitFactory(name="Kit Sala", discount_percent=D("10"))
    KitItemFactory(kit=kit, product=shop["chair"].product, quantity=3)
    cart = price_cart({LineKey(shop["chair"].pk, kit.pk): 3})
    assert cart.offer_discount == 0 and cart.kit_discount == D("60.00")


def test_outside_its_window_or_inactive_it_gives_nothing(shop):
    now = timezone.now()
    three_for_two(shop["chair"].product, starts_at=now + timedelta(days=1))
    three_for_two(
        shop["chair"].product, name="Vencido", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)
    )
    assert priced((shop["chair"], 3)).offer_discount == 0
    assert Product.objects.get(pk=shop["chair"].product_id).promo_badge == ""


def test_the_higher_priority_offer_applies_and_names_the_badge(shop):
    second_at_half(shop["chair"].product)
    three_for_two(shop["chair"].product, name="3x2 Sillas", priority=5)
    assert Product.objects.get(pk=shop["chair"].product_id).promo_badge == "3x2"
    assert rows(priced((shop["chair"], 3)).discount_sources) == [("offer", "3x2 Sillas", D("200.00"))]


def test_badges_follow_writes_and_the_window(shop):
    offer = three_for_two(shop["chair"].product)
    assert Product.objects.get(pk=shop["chair"].product_id).promo_badge == "3x2"
    assert Product.objects.get(pk=shop["lamp"].product_id).promo_badge == ""
    QuantityOffer.objects.filter(pk=offer.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert quantity_offer_badges_sync() == 1
    assert Product.objects.get(pk=shop["chair"].product_id).promo_badge == ""
    second_at_half(shop["lamp"].product)
    assert Product.objects.get(pk=shop["lamp"].product_id).promo_badge == "2do al 50 %"


def test_cards_and_product_page_show_the_offer(client, shop):
    product = shop["chair"].product
    three_for_two(product, name="3x2 Sillas")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "badge--offer" in html and "3x2 Sillas" in html and "un cupón se aplica encima" in html


def test_a_product_pages_offer_is_judged_for_that_product_at_that_moment(shop):
    """The product page's offer is one query compiled once per process: each read binds its own
    product and moment (the highest priority running then, none outside every window)."""
    chair, lamp = shop["chair"].product, shop["lamp"].product
    later = three_for_two(chair, name="Desde mañana", starts_at=timezone.now() + timedelta(days=1), priority=9)
    running = second_at_half(chair, name="Ahora")
    now = timezone.now()
    assert product_quantity_offer(chair, now=now) == running
    assert product_quantity_offer(chair, now=now + timedelta(days=2)) == later
    assert product_quantity_offer(lamp, now=now + timedelta(days=2)) is None
    everything = quantity_offer_create(
        name="Todo 3x2", kind=QuantityOffer.Kind.BUY_N_PAY_M, buy_quantity=3, pay_quantity=2, scope=Scope.EVERYTHING
    )
    assert product_quantity_offer(lamp, now=now + timedelta(days=2)) == everything
    assert product_quantity_offer(chair, now=timezone.now()) == everything  # the same priority: the newest


# --- gift ("lleva X, llévate un regalo") ---------------------------------------------------------


def test_a_gift_is_free_up_to_what_the_offer_gives(shop):
    gift_offer(shop["chair"].product, shop["lamp"])
    cart = priced((shop["chair"], 2), (shop["lamp"], 1))
    gift = next(line for line in cart.lines if line.variant == shop["lamp"])
    assert gift.offer_discount == D("100.00") and gift.gift_units == 1 and gift.net_total == 0
    assert cart.total == D("400.00")
    # a tampered quantity of the gift: only the units the offer gives are free
    cart = priced((shop["chair"], 2), (shop["lamp"], 5))
    gift = next(line for line in cart.lines if line.variant == shop["lamp"])
    assert gift.gift_units == 1 and gift.net_total == D("400.00") and "1 gratis" in gift.offer_note
    # four chairs earn two
    assert priced((shop["chair"], 4), (shop["lamp"], 2)).total == D("800.00")


def test_a_gift_without_its_condition_is_charged_and_says_why(shop):
    gift_offer(shop["chair"].product, shop["lamp"])
    cart = priced((shop["chair"], 1), (shop["lamp"], 1))
    gift = next(line for line in cart.lines if line.variant == shop["lamp"])
    assert gift.offer_discount == 0 and gift.net_total == D("100.00") and "compra 2" in gift.offer_note
    assert priced((shop["lamp"], 1)).total == D("100.00")  # no condition product at all: nothing to say


def test_the_gift_cannot_earn_itself(shop):
    gift_offer(shop["chair"].product, shop["chair"], buy=1)
    cart = priced((shop["chair"], 1))
    assert cart.total == D("200.00")
    assert cart.lines[0].gift_units == 0  # the gift's own units never count towards it


# --- the order ----------------------------------------------------------------------------------


def test_the_order_keeps_the_offer_part_and_its_name(client, shop):
    three_for_two(shop["chair"].product, name="3x2 Sillas")
    second_at_half(shop["lamp"].product)
    add(client, "CHAIR", 3)
    add(client, "LAMP", 2)
    response = client.get(reverse("cart:detail"))
    html = response.content.decode()
    assert "3x2 Sillas" in html and "2do al 50 %" in html and "−S/ 200.00" in html and "−S/ 50.00" in html
    order = checkout(client)
    assert order is not None
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["CHAIR"].offer_discount == D("200.00") and lines["CHAIR"].offer_discount_name == "3x2 Sillas"
    assert lines["CHAIR"].line_total == D("400.00") and lines["LAMP"].line_total == D("150.00")
    assert order.discount_total == D("250.00")
    assert rows(order_selectors.order_discount_sources(order)) == [
        ("offer", "3x2 Sillas", D("200.00")),
        ("offer", "2do al 50 %", D("50.00")),
    ]
    assert lines["CHAIR"].unit_paid == D("133.33")

    page = client.get(reverse("orders:guest_detail", args=[order.number])).content.decode()
    summary = page.split('id="order-summary-title"', 1)[1]
    assert "3x2 Sillas" in summary and "−S/ 200.00" in summary and "2do al 50 %" in summary
    _subject, text, html = render_order_email(OrderEmail.objects.filter(order=order).earliest("pk"))
    for body in (text, html):
        assert "3x2 Sillas" in body and "−S/ 200.00" in body and "2do al 50 %" in body and "−S/ 50.00" in body
    staff = get_user_model().objects.create_superuser(email="staff@example.pe", password="x")
    back_office = Client()
    back_office.force_login(staff)
    admin_page = back_office.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "3x2 Sillas" in admin_page and "2do al 50 %" in admin_page


def test_a_gift_order_line_is_free(client, shop):
    gift_offer(shop["chair"].product, shop["lamp"])
    add(client, "CHAIR", 2)  # the gift goes into the cart by itself
    order = checkout(client)
    lamp = order.lines.get(sku="LAMP")
    assert lamp.line_total == 0 and lamp.offer_discount == D("100.00") and lamp.unit_paid == 0
    assert order.lines.get(sku="CHAIR").line_total == D("400.00")


def test_the_parts_constraint_counts_the_offer_part(shop):
    from dataclasses import replace

    from django.db import IntegrityError, transaction

    from tests.factories import line_for, make_order

    data = replace(
        line_for(shop["chair"], quantity=3), offer_discount=D("200.00")
    )  # a part larger than the line's discount: refused by the database
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(lines=[data])


# --- the back office ----------------------------------------------------------------------------


@pytest.fixture
def offer_admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.pe", password="x")
    client.force_login(user)
    return client


BASE_FORM = {
    "name": "Oferta",
    "buy_quantity": "3",
    "gift_quantity": "1",
    "priority": "0",
    "is_active": "on",
    "starts_at_0": "01/01/2026",
    "starts_at_1": "00:00",
    "ends_at_0": "",
    "ends_at_1": "",
    "scope": "everything",
}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "buy_n_pay_m", "pay_quantity": "3"}, "Las unidades pagadas van de 1"),
        ({"kind": "buy_n_pay_m", "pay_quantity": ""}, "Las unidades pagadas van de 1"),
        ({"kind": "buy_n_pay_m", "buy_quantity": "1", "pay_quantity": "1"}, "necesita N de 2 o más"),
        ({"kind": "nth_unit_percent", "percent": "0"}, "Un porcentaje va de 1 a 100"),
        ({"kind": "nth_unit_percent", "percent": "101"}, "Un porcentaje va de 1 a 100"),
        ({"kind": "buy_x_get_gift"}, "Elige el producto de regalo"),
    ],
)
def test_the_admin_refuses_a_bad_offer_in_spanish(offer_admin_client, shop, fields, message):
    response = offer_admin_client.post(reverse("admin:promotions_quantityoffer_add"), {**BASE_FORM, **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not QuantityOffer.objects.exists()


def test_the_admin_creates_an_offer_and_states_the_stacking_rule(offer_admin_client, shop):
    page = offer_admin_client.get(reverse("admin:promotions_quantityoffer_add")).content.decode()
    assert "Cómo se combina" in page
    response = offer_admin_client.post(
        reverse("admin:promotions_quantityoffer_add"), {**BASE_FORM, "kind": "buy_n_pay_m", "pay_quantity": "2"}
    )
    assert response.status_code == 302
    assert Product.objects.get(pk=shop["chair"].product_id).promo_badge == "3x2"
    assert "3x2" in offer_admin_client.get(reverse("admin:promotions_quantityoffer_changelist")).content.decode()


# --- queries ------------------------------------------------------------------------------------


def test_the_cart_costs_one_query_more_with_offers_whatever_their_number(shop, django_assert_num_queries):
    variants = [shop["chair"]]
    three_for_two(shop["chair"].product)
    for index in range(6):
        variant = VariantFactory(product=ProductFactory(base_price=D("10.00") + index))
        stock(variant, shop["warehouse"], 10)
        variants.append(variant)
        second_at_half(variant.product, name=f"2do al 50 % {index}")
    with django_assert_num_queries(4):  # variants (3), the offers (1)
        priced((variants[0], 3))
    with django_assert_num_queries(4):
        priced(*[(variant, 3) for variant in variants])
    plain = VariantFactory()
    with django_assert_num_queries(3):  # no offer: not one query more than before
        priced((plain, 1))


def test_a_sold_out_gift_is_said_on_the_product_page(client, shop):
    gift = VariantFactory(product=ProductFactory(name="Cojín Andino", base_price=D("35.00")))  # no stock
    gift_offer(shop["chair"].product, gift)
    response = client.get(shop["chair"].product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Con regalo" in html and "El regalo (Cojín Andino) está agotado" in html
    stock(gift, shop["warehouse"], 3)
    from tests.harness import clear_cache

    clear_cache()  # the cached page follows a stock change only after its time limit
    assert "Se agrega solo a tu carrito" in client.get(shop["chair"].product.get_absolute_url()).content.decode()
