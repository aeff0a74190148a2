"""Fair holds against a bot: a drop of 100 units; a bot opens 50 cookie-less
sessions from one address and asks for the most one customer may buy in each, then 50 real
shoppers (each from their own address) add one and place their order. The figure: how many
real shoppers get theirs, with the store's fair-use limits, and with them switched off
(the situation the issue found). The bot goes first: bots are faster than people."""

import itertools
import re
import time
from datetime import timedelta
from decimal import Decimal

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from bench.shop import shop_open
from catalog.models import Brand, Category, Collection, CollectionItem, Family, Product, Variant
from catalog.services import product_save, variant_save
from inventory.models import Reservation, Warehouse
from inventory.services import reservation_release, stock_receive
from orders.models import Order, OrderStatus
from orders.services import order_cancel

UNITS, BOT_SESSIONS, SHOPPERS = 100, 50, 50
LIMA = {
    "recipient": "Cliente Real",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "reference": "",
    "department": "15",
    "province": "1501",
    "district": "150122",
    "postal_code": "",
}
UNPROTECTED = {
    "CLIENT_HOLD_LIMIT_PER_IP": 10**6,
    "CLIENT_HOLD_LIMIT_PER_DEVICE": 10**6,
    "CART_ADD_RATE_LIMIT": "",
    "CART_ADD_DROP_RATE_LIMIT": "",
}
_addresses = itertools.count(int(time.time()) % 10_000 * 1000)


def _address() -> str:
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _drop_variant() -> Variant:
    """A fresh drop product with exactly UNITS units, on sale now."""
    stamp = f"{time.time_ns()}"
    family, _ = Family.objects.get_or_create(slug="bench-drops", defaults={"name": "Bench drops"})
    category, _ = Category.objects.get_or_create(slug="bench-drops", defaults={"name": "Bench drops", "family": family})
    brand, _ = Brand.objects.get_or_create(slug="bench-drops", defaults={"name": "Bench drops"})
    warehouse, _ = Warehouse.objects.get_or_create(code="BENCH-DROP", defaults={"name": "Bench drops", "priority": 1})
    product = product_save(
        product=Product(
            name=f"Drop bench {stamp}",
            slug=f"drop-bench-{stamp}",
            base_sku=f"DROP-{stamp}",
            brand=brand,
            category=category,
            base_price=Decimal("199.00"),
            status=Product.Status.ACTIVE,
        )
    )
    variant = variant_save(variant=Variant(product=product, sku=f"DROP-{stamp}-U"))
    stock_receive(variant=variant, warehouse=warehouse, quantity=UNITS, reason="bench")
    drop = Collection.objects.create(
        name=f"Drop bench {stamp}", slug=f"drop-bench-{stamp}", starts_at=timezone.now() - timedelta(minutes=1)
    )
    CollectionItem.objects.create(collection=drop, product=product, order=1)
    return variant


def _buy_one(sku: str) -> bool:
    shopper = Client(REMOTE_ADDR=_address())
    if shopper.post(reverse("cart:add"), {"sku": sku, "quantity": "1"}).status_code != 302:
        return False
    shopper.post(
        reverse("checkout:details"),
        {
            "email": "real@example.pe",
            "billing_same": "1",
            "accept_terms": "on",  # the store's policies, published by shop_open
            **{f"shipping-{k}": v for k, v in LIMA.items()},
        },
    )
    page = shopper.get(reverse("checkout:delivery")).content.decode()
    method = re.search(r'name="shipping_method" value="(\d+)"', page)
    if method is None:  # the cart was refused (sold out): checkout sends the shopper back
        return False
    method = method.group(1)
    shopper.post(reverse("checkout:delivery"), {"shipping_method": method, "payment_method": "tarjeta-prueba"})
    review = shopper.get(reverse("checkout:review")).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', review)
    if key is None:
        return False
    before = Order.objects.count()
    shopper.post(reverse("checkout:place"), {"key": key.group(1)})
    return Order.objects.count() > before


def _round() -> tuple[int, int]:
    variant = _drop_variant()
    bot_address = _address()
    bot_carts = []
    for _ in range(BOT_SESSIONS):
        bot = Client(REMOTE_ADDR=bot_address)  # no cookies kept: a new session and device each time
        bot.post(reverse("cart:add"), {"sku": variant.sku, "quantity": str(variant.product.purchase_limit)})
        bot_carts.append(bot)
    held = Reservation.objects.active().filter(stock_level__variant=variant, order_id__isnull=True)
    bot_units = sum(held.values_list("quantity", flat=True))
    first_order = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    served = sum(_buy_one(variant.sku) for _ in range(SHOPPERS))
    # Give everything back: the bench database is kept between runs.
    for cart_key in set(held.values_list("cart_key", flat=True)):
        reservation_release(cart_key=cart_key)
    for order in Order.objects.filter(pk__gt=first_order, status=OrderStatus.PENDING_PAYMENT):
        order_cancel(order=order, actor=None, reason="bench", by_customer=False)
    return served, bot_units


def run():
    shop_open()
    served, bot_units = _round()
    yield {"name": "drop.real_shoppers_served", "value": served, "unit": f"of {SHOPPERS}"}
    yield {"name": "drop.bot_units_held", "value": bot_units, "unit": f"of {UNITS}"}
    with override_settings(**UNPROTECTED):
        served, bot_units = _round()
    yield {"name": "drop.real_shoppers_served_without_limits", "value": served, "unit": f"of {SHOPPERS}"}
    yield {"name": "drop.bot_units_held_without_limits", "value": bot_units, "unit": f"of {UNITS}"}
