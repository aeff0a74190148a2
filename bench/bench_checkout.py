"""The buying path on PostgreSQL and Redis: add to cart, the cart page with 5 lines, and placing
an order (details, delivery and review prepared beforehand; only the place POST is timed).

Uses products of the catalog bench's data when there are (any variant in stock), else its
own; every order it places is cancelled afterwards so the stock it took goes back."""

import itertools
import os
import re
import statistics
import time

from django.test import Client, override_settings
from django.urls import reverse

from bench.shop import shop_open
from bench.timing import figures, measure
from catalog.models import Variant
from inventory.models import StockLevel
from inventory.selectors import variant_in_stock
from orders.models import Order, OrderStatus
from orders.services import order_cancel

REPEAT = int(os.environ.get("BENCH_CHECKOUT_REPEAT", "40"))
LINES = 5
LIMA = {
    "recipient": "Bench Shopper",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "reference": "",
    "department": "15",
    "province": "1501",
    "district": "150122",
    "postal_code": "",
}


def _variants() -> list[Variant]:
    found = list(
        Variant.objects.filter(variant_in_stock(), is_active=True, product__status="active")
        .filter(product__collections__isnull=True)
        .order_by("pk")[:LINES]
    )
    if len(found) < LINES:
        raise SystemExit("bench_checkout needs the catalog bench's data (run the whole bench once)")
    # Enough units for every timed round, added through the ledger like any receipt.
    from inventory.services import stock_receive

    for variant in found:
        level = StockLevel.objects.filter(variant=variant).select_related("warehouse").first()
        if level.on_hand < 1000:
            stock_receive(variant=variant, warehouse=level.warehouse, quantity=1000, reason="bench")
    return found


def _ready_checkout(client: Client, variants) -> None:
    for variant in variants:
        client.post(reverse("cart:add"), {"sku": variant.sku, "quantity": "1"})
    # With a DNI: five of the catalog's products may well pass S/ 700, above which a receipt names its buyer.
    client.post(
        reverse("checkout:details"),
        {
            "email": "bench@example.pe",
            "billing_same": "1",
            "document_type": "dni",
            "document": "45678912",
            "accept_terms": "on",  # the store's policies, published by shop_open
            **{f"shipping-{k}": v for k, v in LIMA.items()},
        },
    )
    page = client.get(reverse("checkout:delivery")).content.decode()
    offered = re.search(r'name="shipping_method" value="(\d+)"', page)  # the first offered
    if offered is None:
        raise SystemExit("bench_checkout: the checkout's delivery step offered no shipping method (details refused?)")
    method = offered.group(1)
    client.post(reverse("checkout:delivery"), {"shipping_method": method, "payment_method": "tarjeta-prueba"})


_clients = itertools.count(1)


def _client() -> Client:
    """A shopper of its own (its own address), as in real traffic: the per-client fair-use
    limits are not what this bench measures."""
    n = next(_clients)
    return Client(REMOTE_ADDR=f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}")


def _timed(prepare, act, *, repeat: int) -> dict:
    """Stats of act() alone, with prepare() run untimed before each sample."""
    samples = []
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        act()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    mean = statistics.fmean(samples)
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 3),
        "mean_ms": round(mean, 3),
        "per_second": round(1000 / mean, 1),
        "n": repeat,
    }


def run():
    # One client adds far more often than a person would: its limit is raised, not removed, so
    # the limiter's own cost is still in the figures.
    with override_settings(CART_ADD_RATE_LIMIT="100000/m/ip,100000/m/key"):
        yield from _run()


def _run():
    shop_open()
    variants = _variants()
    first_order = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    adder = _client()
    adder.post(reverse("cart:add"), {"sku": variants[0].sku, "quantity": "1"})  # the cart exists
    yield from figures(
        "add_to_cart",
        _timed(
            lambda: adder.post(reverse("cart:remove"), {"line": str(variants[1].pk)}),
            lambda: adder.post(reverse("cart:add"), {"sku": variants[1].sku, "quantity": "1"}),
            repeat=REPEAT,
        ),
    )

    shopper = _client()
    _ready_checkout(shopper, variants)
    yield from figures("cart_page_5_lines", measure(lambda: shopper.get(reverse("cart:detail")), repeat=REPEAT))

    buyer = {}

    def prepare_buyer():
        buyer["client"] = _client()
        _ready_checkout(buyer["client"], variants)
        page = buyer["client"].get(reverse("checkout:review")).content.decode()
        buyer["key"] = re.search(r'name="key" value="([^"]+)"', page).group(1)

    def place():
        response = buyer["client"].post(reverse("checkout:place"), {"key": buyer["key"]})
        assert response.status_code == 302, response.status_code

    yield from figures("place_order_5_lines", _timed(prepare_buyer, place, repeat=max(REPEAT // 2, 5)))

    # Give the stock back: the bench's orders are cancelled (their holds released).
    for order in Order.objects.filter(pk__gt=first_order, status=OrderStatus.PENDING_PAYMENT):
        order_cancel(order=order, actor=None, reason="bench", by_customer=False)
