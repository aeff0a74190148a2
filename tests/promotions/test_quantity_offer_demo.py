"""The demo's quantity offers: a live "3x2" on polos and a "2do al 50 %" on caps, made through the
services (badges on the products), and a paid 3x2 order with its boleta; a second run changes
nothing."""

from decimal import Decimal as D

import pytest

from demo.management.commands.demo_data import DEMO_STEPS, ensure_demo_quantity_offer_order, ensure_demo_receipts
from demo.promotions import (
    DEMO_GIFT_OFFER,
    load_demo_gift_offer_order,
    load_demo_promotions,
    load_demo_quantity_offer_order,
)
from demo.shipping import load_demo_shipping
from payments.services import payment_method_ensure_test_gateway
from promotions.models import QuantityOffer
from receipts.models import Receipt
from tests.factories import AddressFactory, CategoryFactory, ProductFactory, UserFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db


def test_the_demo_runs_a_3x2_and_a_second_at_half_and_orders_a_3x2(django_capture_on_commit_callbacks):
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    polos, gorras = CategoryFactory(slug="polos"), CategoryFactory(slug="gorras")
    polo = VariantFactory(product=ProductFactory(category=polos, base_price=D("49.90")))
    cap = ProductFactory(category=gorras, base_price=D("39.90"))
    stock(polo, quantity=10)
    customer = UserFactory(email="cliente@example.pe")
    AddressFactory(user=customer)

    load_demo_promotions()
    load_demo_promotions()
    assert sorted(QuantityOffer.objects.live().values_list("name", flat=True)) == [
        "2do al 50 % en gorras",
        "3x2 en polos",
    ]
    polo.product.refresh_from_db()
    cap.refresh_from_db()
    assert (polo.product.promo_badge, cap.promo_badge) == ("3x2", "2do al 50 %")

    with django_capture_on_commit_callbacks(execute=True):
        number = load_demo_quantity_offer_order(customer_email=customer.email)
        assert number and load_demo_quantity_offer_order(customer_email=customer.email) == number
        ensure_demo_receipts()
    line = customer.orders.get(number=number).lines.get()
    assert line.quantity == 3 and line.offer_discount == D("49.90") and line.offer_discount_name == "3x2 en polos"
    assert line.line_total == D("99.80")
    boleta = Receipt.objects.get(order__number=number)
    assert boleta.discount_total == D("49.90")
    # before the receipts, which issue the boleta of every paid demo order
    assert DEMO_STEPS.index(ensure_demo_quantity_offer_order) < DEMO_STEPS.index(ensure_demo_receipts)


def test_the_demo_gives_a_mouse_with_a_desk_and_its_boleta_sends_it_as_a_free_transfer(
    django_capture_on_commit_callbacks,
):
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    desks, mice = CategoryFactory(slug="escritorios"), CategoryFactory(slug="mouse")
    desk = VariantFactory(product=ProductFactory(category=desks, base_price=D("479.00")))
    mouse = VariantFactory(product=ProductFactory(category=mice, base_price=D("37.90")))
    stock(desk, quantity=4)
    stock(mouse, quantity=10)
    customer = UserFactory(email="cliente@example.pe")
    AddressFactory(user=customer)

    load_demo_promotions()
    load_demo_promotions()
    offer = QuantityOffer.objects.live().get(name=DEMO_GIFT_OFFER[0])
    assert offer.gift_variant == mouse

    with django_capture_on_commit_callbacks(execute=True):
        number = load_demo_gift_offer_order(customer_email=customer.email)
        assert number and load_demo_gift_offer_order(customer_email=customer.email) == number
        ensure_demo_receipts()
    order = customer.orders.get(number=number)
    gift = order.lines.get(variant=mouse)
    assert (gift.quantity, gift.line_total, gift.offer_discount_name) == (1, D("0.00"), DEMO_GIFT_OFFER[0])
    assert order.total == D("479.00") + order.shipping_total
    boleta = Receipt.objects.get(order=order)
    assert boleta.lines.get(order_line=gift).is_free and boleta.total == order.total
