"""The mixed-load bench's shoppers for Locust (bench/bench_mixed_load.py runs it headless):
browsers who look at the home page, listings, product pages and searches, and buyers who go
from a listing to a product, add it to the cart, check out as guests and pay with the test
gateway. Each request is named by its step; the steps themselves are in mixed_load_flows.py.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:PORT

needs BENCH_MIXED_PLAN (the JSON file the bench writes: what exists on the server) and a server
that believes X-Forwarded-For from loopback (TRUSTED_PROXIES=127.0.0.1)."""

import itertools
import json
import os
import random
import sys

from locust import between, constant, events, task

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import mixed_load_flows as flows
from bench.locust_shopper import ShopperUser

PLAN = flows.Plan.load()
# BENCH_THINK=0: no pause between pages (the test of this file: a whole purchase in a few seconds).
THINK = os.environ.get("BENCH_THINK", "1") != "0"
# BENCH_SESSION_PAGES=N: a browser leaves after about N pages (N/2 to 3N/2) and a new shopper comes in
# their place, as shoppers come and go on a sale day; 0 (the default): browsers never leave.
SESSION_PAGES = int(os.environ.get("BENCH_SESSION_PAGES", "0"))
OFFSET = int(os.environ.get("BENCH_SHOPPER_OFFSET", "1"))
_shoppers = itertools.count(OFFSET)


@events.quitting.add_listener
def _results(environment, **kwargs):
    """How many shoppers there were, how many the waiting room made wait, how long each wait lasted
    and how many were still in line at the end (BENCH_MIXED_RESULTS)."""
    if os.environ.get("BENCH_MIXED_RESULTS"):
        with open(os.environ["BENCH_MIXED_RESULTS"], "w") as results:
            json.dump(
                {
                    "shoppers": next(_shoppers) - OFFSET,
                    "waited": len(flows.WAITED),
                    "waits": flows.WAITS,
                    "still_in_line": len(flows.IN_LINE_SINCE),
                    "answered": flows.ANSWERED,
                },
                results,
            )


class Shopper(ShopperUser):
    abstract = True
    # A shopper reads a page before the next: short, so that 50 of them load two cores.
    wait_time = between(0.2, 1.0) if THINK else constant(0)

    def on_start(self):
        self.new_identity()

    def new_identity(self):
        """A new shopper: no cookies (so no session, cart or checkout) and an address of their own."""
        self.shopper = next(_shoppers)
        self.client.cookies.clear()
        self.client.headers["X-Forwarded-For"] = flows.shopper_address(self.shopper)


class Browser(Shopper):
    weight = 4

    @task(2)
    def home(self):
        self._step(flows.browse_home)

    @task(4)
    def listing(self):
        self._step(flows.browse_listing)

    @task(5)
    def product(self):
        self._step(flows.browse_product)

    @task(2)
    def search(self):
        self._step(flows.browse_search)

    def new_identity(self):
        super().new_identity()
        self.pages_left = random.randint(SESSION_PAGES // 2, SESSION_PAGES * 3 // 2) if SESSION_PAGES else 0

    def _step(self, step):
        try:
            step(self.client, PLAN)
        except flows.StepFailed:
            pass  # recorded against the step already
        if SESSION_PAGES:
            self.pages_left -= 1
            if self.pages_left <= 0:
                self.new_identity()  # this shopper leaves; a new one arrives


class Buyer(Shopper):
    weight = 1

    @task
    def buy(self):
        try:
            flows.buy(self.client, PLAN, shopper=self.shopper, pause=self.wait if THINK else lambda: None)
        except flows.StepFailed:
            pass  # recorded against the step that failed; the next purchase starts afresh
        self.new_identity()


class BareView(ShopperUser):
    """The bare Django view without pause: the ceiling when wrk is not installed (run alone, by name)."""

    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/__bench__/bare/", name="bare")
