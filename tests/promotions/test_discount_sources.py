"""Every discount total a shopper sees is shown one line per source (each offer by its name, each
kit with its percentage, the coupon by its code), in the cart, checkout, the order page, the
order e-mails and the back office; the lines add up to the discount to the cent, and a
free-shipping coupon shows against shipping, never as a product discount."""

from decimal import Decimal as D

import pytest
from django.apps import apps
from django.urls import reverse

from cart.pricing import price_cart
from cart.store import LineKey
from orders import selectors as order_selectors
from orders.emails import render_order_email
from orders.models import Order, OrderEmail, OrderLine
from promotions.models import Coupon, Scope
from shipping.models import ShippingMethod
from tests.factories import (
    KitFactory,
    KitItemFactory,
    VariantFactory,
    add,
    apply_code,
    coupon,
    line_for,
    make_order,
    percent_off,
    stock,
)
from tests.factories import (
    checkout_or_none as checkout,
)
from tests.factories import (
    delivery_accepted as delivery,
)
from tests.factories import (
    details_accepted as details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("promotions")]


def rows(sources) -> list[tuple[str, str, D]]:
    return [(source.kind, source.label, source.amount) for source in sources]


@pytest.fixture
def offer_kit_and_free_shipping(client, shop):
    """A 15 % offer on the chair, a 10 % kit of chair and lamp, and a free-shipping coupon."""
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    kit = KitFactory(name="Kit Sala", discount_percent=D("10"))
    KitItemFactory(kit=kit, product=shop["chair"].product)
    KitItemFactory(kit=kit, product=shop["lamp"].product)
    coupon("ENVIOGRATIS", kind=Coupon.Kind.FREE_SHIPPING, value="0")
    client.post(reverse("cart:add_kit", args=[kit.slug]), {})
    apply_code(client, "ENVIOGRATIS")
    return kit


EXPECTED_OFFER_KIT = [
    ("offer", "Semana del Hogar", D("30.00")),  # 15 % of the chair's S/ 200
    ("kit", "Kit Sala (−10 %)", D("27.00")),  # 10 % of 170 + 100
]


def test_offer_kit_and_free_shipping_in_the_cart_and_checkout(client, offer_kit_and_free_shipping):
    response = client.get(reverse("cart:detail"))
    cart = response.context["cart"]
    assert rows(cart.discount_sources) == EXPECTED_OFFER_KIT
    assert sum(source.amount for source in cart.discount_sources) == cart.discount == D("57.00")
    html = response.content.decode()
    assert "Semana del Hogar" in html and "Kit Sala (−10 %)" in html and "Envío gratis con el cupón ENVIOGRATIS" in html
    assert "−S/ 30.00" in html and "−S/ 27.00" in html

    details(client)
    delivery(client)
    review = client.get(reverse("checkout:review"))
    summary = review.content.decode().split('id="checkout-summary-title"', 1)[1]
    assert "Semana del Hogar" in summary and "Kit Sala (−10 %)" in summary
    assert "Envío gratis con el cupón ENVIOGRATIS" in summary and "totals-coupon" not in summary


def test_offer_kit_and_free_shipping_on_the_placed_order(client, offer_kit_and_free_shipping):
    ShippingMethod.objects.filter(code="olva-lima").update(free_shipping_threshold=None)  # the coupon has work to do
    details(client)
    delivery(client)
    quoted = client.get(reverse("checkout:review")).context["quote"].price
    order = checkout(client)
    assert rows(order_selectors.order_discount_sources(order)) == EXPECTED_OFFER_KIT
    assert order.discount_total == D("57.00") and order.shipping_total == D("0.00")
    assert order.shipping_discount == quoted > 0  # kept against shipping, not in the discount

    page = client.get(reverse("orders:guest_detail", args=[order.number])).content.decode()
    summary = page.split('id="order-summary-title"', 1)[1]
    assert "Semana del Hogar" in summary and "Kit Sala (−10 %)" in summary
    assert "Envío gratis con el cupón ENVIOGRATIS" in summary and "cupón ENVIOGRATIS</span></dt>" not in summary

    _subject, text, html = render_order_email(OrderEmail.objects.filter(order=order).earliest("pk"))
    for body in (text, html):
        assert "Semana del Hogar" in body and "Kit Sala (−10 %)" in body and "−S/ 27.00" in body
        assert "Envío gratis con el cupón ENVIOGRATIS" in body


def test_a_percentage_coupon_is_a_line_of_its_own(client, shop):
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    coupon("VERANO10", value="10")
    add(client, "CHAIR")
    add(client, "LAMP")
    apply_code(client, "VERANO10")
    cart = client.get(reverse("cart:detail")).context["cart"]
    expected = [("offer", "Semana del Hogar", D("30.00")), ("coupon", "Cupón VERANO10 (−10 %)", D("27.00"))]
    assert rows(cart.discount_sources) == expected
    assert sum(source.amount for source in cart.discount_sources) == cart.discount

    order = checkout(client)
    sources = order_selectors.order_discount_sources(order)
    assert rows(sources) == [expected[0], ("coupon", "Cupón VERANO10", D("27.00"))]
    assert sum(source.amount for source in sources) == order.discount_total == D("57.00")
    assert order.shipping_discount == D("0.00")


def test_two_offers_and_a_discount_given_by_hand_each_have_their_line(shop):
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    percent_off("5", scope=Scope.PRODUCTS, products=[shop["lamp"].product], name="Luces de Invierno")
    summary = price_cart({LineKey(shop["chair"].pk, None): 3, LineKey(shop["lamp"].pk, None): 1})
    assert rows(summary.discount_sources) == [
        ("offer", "Semana del Hogar", D("90.00")),
        ("offer", "Luces de Invierno", D("5.00")),
    ]
    order = make_order(lines=[line_for(shop["lamp"], discount=D("3.00"))], discount_total=D("2.00"))
    assert rows(order_selectors.order_discount_sources(order)) == [("other", "Otros descuentos", D("5.00"))]


def test_the_best_offer_is_the_one_named(shop):
    percent_off("10", name="Todo 10", scope=Scope.EVERYTHING)
    percent_off("25", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Silla 25")
    summary = price_cart({LineKey(shop["chair"].pk, None): 1, LineKey(shop["lamp"].pk, None): 1})
    assert rows(summary.discount_sources) == [("offer", "Silla 25", D("50.00")), ("offer", "Todo 10", D("10.00"))]


def test_the_cart_reads_offer_names_without_more_queries(shop, django_assert_num_queries):
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    more = [VariantFactory(sku=f"EXTRA-{n}") for n in range(4)]
    for variant in more:
        stock(variant, shop["warehouse"], 5)
    price_cart({LineKey(shop["chair"].pk, None): 1})  # warm caches
    with django_assert_num_queries(5) as one:  # variants (3), the offers and their products (2)
        price_cart({LineKey(shop["chair"].pk, None): 1})
    with django_assert_num_queries(len(one.captured_queries)):
        summary = price_cart({LineKey(v.pk, None): 1 for v in [shop["chair"], shop["lamp"], *more]})
    assert len(summary.discount_sources) == 1
    percent_off("5", name="Todo 5", scope=Scope.EVERYTHING)  # every line with an offer: still the same count
    with django_assert_num_queries(len(one.captured_queries)):
        summary = price_cart({LineKey(v.pk, None): 1 for v in [shop["chair"], shop["lamp"], *more]})
    assert [source.label for source in summary.discount_sources] == ["Semana del Hogar", "Todo 5"]


def test_order_sources_read_no_more_than_the_prefetched_lines(shop, django_assert_num_queries):
    orders = [make_order(lines=[line_for(shop["chair"], discount=D("1.00")) for _ in range(count)]) for count in (1, 5)]
    for order in orders:
        detailed = order_selectors.order_with_details(pk=order.pk)
        with django_assert_num_queries(0):
            assert order_selectors.order_discount_sources(detailed)[0].amount == D(len(detailed.lines.all()))


def test_the_migration_fills_the_sources_of_orders_placed_before(shop):
    import importlib

    migration = importlib.import_module("orders.migrations.0006_line_discount_sources")
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product], name="Semana del Hogar")
    order = make_order(lines=[line_for(shop["chair"], quantity=2, discount=D("60.00"))])
    OrderLine.objects.filter(order=order).update(automatic_discount=D("60.00"))
    migration.fill_sources(apps, None)
    line = OrderLine.objects.get(order=order)
    assert line.automatic_discount_name == "Semana del Hogar"
    assert rows(order_selectors.order_discount_sources(Order.objects.get(pk=order.pk))) == [
        ("offer", "Semana del Hogar", D("60.00"))
    ]
