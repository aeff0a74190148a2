"""The mixed-load bench's shoppers (bench/mixed_load_flows.py, bench/locustfile.py) against the
test suite's live server: each browsing step and a buyer's whole purchase, paid with the test
gateway; then the locustfile itself, run by Locust in a process of its own (Locust's import
monkey-patches its process for gevent: never this one)."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

from bench.mixed_load_flows import Plan, browse_home, browse_listing, browse_product, browse_search, buy
from inventory.models import StockLevel
from inventory.services import stock_receive
from orders.models import Order, OrderStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]

ROOT = Path(__file__).resolve().parents[2]
PLAN = {
    "categories": ["hoodies"],
    "products": ["hoodie-andino", "gorra-inti", "escritorio-nogal"],
    "buyable": [{"slug": "gorra-inti", "sku": "GI-U"}],
    "searches": ["gorra", "hoodie"],
}
BUY_STEPS = [
    "listing",
    "product",
    "csrf token",
    "cart add",
    "checkout details",
    "checkout details",
    "checkout delivery",
    "checkout delivery",
    "checkout review",
    "place order",
    "pay",
    "pay",
]


class _Answer:
    """A response used as Locust's catch_response context: success() or failure() records the step."""

    def __init__(self, response, name: str, steps: list):
        self._response, self._name, self._steps = response, name, steps

    def __getattr__(self, attribute):
        return getattr(self._response, attribute)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def success(self):
        self._steps.append((self._name, None))

    def failure(self, problem: str):
        self._steps.append((self._name, problem))


class _Session(requests.Session):
    """requests with Locust HttpSession's request() keywords (name, catch_response) and a base URL."""

    def __init__(self, base: str):
        super().__init__()
        self.base, self.steps = base, []

    def request(self, method, path, *, name: str, catch_response: bool, **kwargs):
        return _Answer(super().request(method, self.base + path, timeout=30, **kwargs), name, self.steps)


def test_each_browsing_step_and_a_whole_purchase_pass(live_server, shop):
    plan = Plan(**PLAN)
    browser = _Session(live_server.url)
    for step in (browse_home, browse_listing, browse_product, browse_search):
        step(browser, plan)
    assert browser.steps == [("home", None), ("listing", None), ("product", None), ("search", None)]

    # The pages a buyer opens first are the ones every first visitor gets (kept by the page cache,
    # no CSRF token in them): the flow fetches a token as the browser's script does.
    for path in ("/c/hoodies/", "/p/gorra-inti/"):
        requests.get(live_server.url + path, timeout=30)  # rendered and kept
        assert 'name="csrfmiddlewaretoken" value=""' in requests.get(live_server.url + path, timeout=30).text
    buyer = _Session(live_server.url)
    number = buy(buyer, plan, shopper=7)
    assert buyer.steps == [(name, None) for name in BUY_STEPS]
    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID
    assert order.email == "bench-7@example.pe"
    assert StockLevel.objects.get(variant=shop["cap"]).on_hand == 5
    call_command("inventory_verify", verbosity=0)


def test_the_locustfile_buys_and_pays_without_a_failure(live_server, shop, tmp_path):
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        pytest.skip("locust is not installed (make install)")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    # The buyer buys again and again for the run's seconds: more caps than the shop's six.
    stock_receive(variant=shop["cap"], warehouse=StockLevel.objects.get(variant=shop["cap"]).warehouse, quantity=100)
    subprocess.run(
        [
            str(locust),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            "1",
            "-r",
            "1",
            "-t",
            "8s",  # long enough for one purchase on a busy machine (the task then finishes)
            "--stop-timeout",
            "20",
            "--host",
            live_server.url,
            "--csv",
            str(tmp_path / "run"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "Buyer",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "BENCH_MIXED_PLAN": str(plan), "BENCH_THINK": "0", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    with open(tmp_path / "run_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    assert rows["Aggregated"]["Failure Count"] == "0", (tmp_path / "run_failures.csv").read_text()
    assert int(rows["place order"]["Request Count"]) >= 1
    assert Order.objects.filter(status=OrderStatus.PAID).exists()
    call_command("inventory_verify", verbosity=0)
