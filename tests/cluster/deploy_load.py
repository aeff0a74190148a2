"""A bounded shoppers' load through nginx while `scripts/cluster deploy` replaces the nodes, for
tests/cluster/test_deploy.py and bench/bench_deploy.py: each shopper reads the home page and a
product page, and every third round buys (cart, details, delivery, review, place: four POSTs).

A failed request is what a shopper would see as a failure: no answer (the connection refused or
cut), a 5xx, or a step of the purchase answered otherwise than it should (a 302 for each POST,
a 200 for each page). Each request opens its own connection (`Connection: close`): a browser
whose kept-alive connection nginx closes while reloading (its old workers close their idle
connections) sends the request again on a new one, which a plain HTTP library does not do, and
that would be counted here as a failure the shopper never sees."""

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from requests import RequestException, Response

from demo.shipping import load_demo_shipping
from payments.services import payment_method_ensure_test_gateway
from shipping.models import ShippingMethod
from tests.cluster.http import CHECKOUT_KEY, Shopper, replica_caught_up
from tests.factories import LIMA, ProductFactory, VariantFactory, WarehouseFactory, stock

SKU = "DEPLOY-1"
BUY_EVERY = 3


def shop_for_the_load() -> str:
    """The product the shoppers buy (stock for every round) and the checkout's shipping and
    payment; its page's path."""
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    variant = VariantFactory(sku=SKU, product=ProductFactory(name="Chompa Ausangate", base_price=Decimal("89.90")))
    stock(variant, WarehouseFactory(), 100_000)
    replica_caught_up()
    return variant.product.get_absolute_url()


@dataclass
class Tally:
    requests: int = 0
    failed: int = 0
    orders: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what: str, expected: int, send, *args) -> Response | None:
        try:
            response = send(*args)
        except RequestException as error:
            self._failed(f"{what}: {type(error).__name__}: {error}")
            return None
        with self.lock:
            self.requests += 1
        if response.status_code != expected:
            self._failed(f"{what}: {response.status_code} from {response.headers.get('X-Upstream', '?')}")
            return None
        return response

    def _failed(self, reason: str) -> None:
        with self.lock:
            self.requests += 1
            self.failed += 1
            if len(self.failures) < 20:
                self.failures.append(f"{time.strftime('%H:%M:%S')} {reason}")


def delivery_choice() -> dict:
    """The delivery step's answer (the method's id, the payment's code), read once for every shopper."""
    return {"shipping_method": ShippingMethod.objects.get(code="olva-lima").pk, "payment_method": "tarjeta-prueba"}


def _buy(shopper: Shopper, tally: Tally, email: str, delivery: dict) -> None:
    details = {"email": email, "billing_same": "1", **{f"shipping-{k}": v for k, v in LIMA.items()}}
    steps = [
        ("add", reverse("cart:add"), {"sku": SKU, "quantity": "1"}),
        ("details", reverse("checkout:details"), details),
        ("delivery", reverse("checkout:delivery"), delivery),
    ]
    for what, path, data in steps:
        if tally.count(what, 302, shopper.post, path, data) is None:
            return
    review = tally.count("review", 200, shopper.get, reverse("checkout:review"))
    match = CHECKOUT_KEY.search(review.text) if review is not None else None
    if match is None:
        return
    if tally.count("place", 302, shopper.post, reverse("checkout:place"), {"key": match.group(1)}):
        with tally.lock:
            tally.orders += 1


def _shop(
    base: str, index: int, product_path: str, delivery: dict, tally: Tally, stop: threading.Event, pause: float
) -> None:
    shopper = Shopper(base, source_ip=f"127.0.3.{index + 1}")
    shopper.session.headers["Connection"] = "close"
    round_ = 0
    while not stop.is_set():
        tally.count("home", 200, shopper.get, "/")
        tally.count("product", 200, shopper.get, product_path)
        if round_ % BUY_EVERY == index % BUY_EVERY:
            _buy(shopper, tally, f"comprador{index}.{round_}@example.pe", delivery)
        round_ += 1
        stop.wait(pause)


def under_load(base: str, product_path: str, action, shoppers: int = 4, pause: float = 0) -> tuple[Tally, float]:
    """Run action() (the deploy) while `shoppers` threads shop through nginx, each `pause` seconds
    between its rounds (none: as fast as the nodes answer); the tally and the action's seconds. The
    load starts before the action and stops a second after it."""
    tally, stop = Tally(), threading.Event()
    delivery = delivery_choice()
    threads = [
        threading.Thread(target=_shop, args=(base, i, product_path, delivery, tally, stop, pause), daemon=True)
        for i in range(shoppers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    started = time.monotonic()
    try:
        action()
    finally:
        seconds = time.monotonic() - started
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
    return tally, seconds
