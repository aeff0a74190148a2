"""The drop bench's shoppers for Locust (bench/bench_drop.py runs it headless): each arrives once,
waits in the waiting room on the drop product's page, and once let in buys one unit (or finds it
sold out). What each saw is appended as a JSON line to BENCH_DROP_RECORDS; when every shopper is
done the run stops by itself. Needs BENCH_DROP_PATH (the product's page) and BENCH_DROP_USERS."""

import itertools
import json
import os
import sys
import time

import gevent
from locust import constant, task

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import drop_flows, mixed_load_flows
from bench.locust_shopper import ShopperUser
from bench.mixed_load_flows import StepFailed, shopper_address

# Let in, a shopper buys without meeting the waiting page again: if they do, it is an error.
mixed_load_flows.WAITING_IS_FAILURE = True

PATH = os.environ["BENCH_DROP_PATH"]
USERS = int(os.environ["BENCH_DROP_USERS"])
RECORDS = os.environ["BENCH_DROP_RECORDS"]
DEADLINE = time.time() + float(os.environ.get("BENCH_DROP_SECONDS", "180"))
_shoppers = itertools.count(int(os.environ.get("BENCH_SHOPPER_OFFSET", "1")))
_done = itertools.count(1)


class DropShopper(ShopperUser):
    wait_time = constant(1)

    def on_start(self):
        self.shopper = next(_shoppers)
        self.client.headers["X-Forwarded-For"] = shopper_address(self.shopper)
        self.finished = False

    @task
    def drop(self):
        if self.finished:
            gevent.sleep(3600)
            return
        outcome, number, record = "error", None, {}
        try:
            record, page = drop_flows.wait_in_line(self.client, PATH, sleep=gevent.sleep, deadline=DEADLINE)
            if record["let_in_at"] is None:
                outcome = "never_let_in"
            else:
                outcome, number = drop_flows.buy_one(self.client, PATH, page, shopper=self.shopper)
        except StepFailed as failed:
            record["error"] = str(failed)[:300]
        self.finished = True
        with open(RECORDS, "a") as records:
            records.write(json.dumps({**record, "shopper": self.shopper, "outcome": outcome, "order": number}) + "\n")
        if next(_done) >= USERS:
            gevent.spawn_later(1, self.environment.runner.quit)
