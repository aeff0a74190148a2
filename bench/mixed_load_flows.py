"""What the mixed-load bench's shoppers do, step by step, over any requests-like session whose
request() takes Locust's `name` and `catch_response` (Locust's FastHttpSession in bench/locustfile.py,
through bench/locust_shopper.py; a plain requests.Session wrapper in
tests/e2e/test_mixed_load_journey.py). Kept apart from the locustfile so that a test can run a
journey without importing Locust, whose import monkey-patches the whole process for gevent.

The plan (a JSON file the bench writes, BENCH_MIXED_PLAN) names what exists on the server:
categories, product slugs, buyable single-variant products in stock, search words."""

import json
import os
import random
import re
import time
from dataclasses import dataclass

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SKU = re.compile(r'name="sku" value="([^"]*)"')
SHIPPING_METHOD = re.compile(r'name="shipping_method" value="(\d+)"')
PLACE_KEY = re.compile(r'name="key" value="([^"]+)"')
ORDER_NUMBER = re.compile(r"/payments/order/([^/]+)/$")
FIELD_ERROR = re.compile(r'class="(?:field-error|alert alert--error)[^"]*"[^>]*>(.*?)<', re.S)
TEST_GATEWAY = "tarjeta-prueba"  # payments.services.attempts.TEST_GATEWAY_METHOD_CODE
# Miraflores, Lima (ubigeo 150122): the zone every demo shipping method serves.
LIMA = {
    "recipient": "Rosa Quispe",
    "phone": "987654321",
    "street": "Av. Arequipa 1234, dpto. 502",
    "reference": "",
    "department": "15",
    "province": "1501",
    "district": "150122",
    "postal_code": "",
}


class StepFailed(Exception):
    """A step got an answer a shopper could not go on from; it is recorded as the step's failure."""


@dataclass(frozen=True)
class Plan:
    categories: list[str]
    products: list[str]
    buyable: list[dict]  # {"slug": ..., "sku": ...}: one variant, in stock, sold as it is
    searches: list[str]

    @classmethod
    def load(cls, path: str | None = None) -> "Plan":
        with open(path or os.environ["BENCH_MIXED_PLAN"]) as plan:
            return cls(**json.load(plan))


def shopper_address(number: int) -> str:
    """A client address of its own per shopper, sent as nginx would (X-Forwarded-For, believed from
    loopback by the bench's server): the shop's per-address limits and hold caps see one shopper
    each, as in real traffic, instead of every virtual user as one address."""
    return f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


def _error_text(html: str) -> str:
    found = [re.sub(r"\s+", " ", text).strip() for text in FIELD_ERROR.findall(html)]
    return "; ".join(text for text in found if text)[:300]


# The shoppers (their X-Forwarded-For) who got the waiting room's page at least once in this process.
WAITED: set[str] = set()
# How long each wait in line lasted (first waiting page to the page asked for), and when each shopper
# still in line started waiting.
WAITS: list[float] = []
IN_LINE_SINCE: dict[str, float] = {}
# Every answered step but the waiting page: (when it started, Unix time; its name; milliseconds).
ANSWERED: list[tuple[float, str, float]] = []
# A shopper in line asks again when the waiting page says, at most this long after.
MAX_REFRESH_SECONDS = 30.0
# The drop bench's shoppers are let in before these steps: the waiting page then is a failure.
WAITING_IS_FAILURE = False


def _call(
    client,
    method: str,
    path: str,
    *,
    name: str,
    expect: int = 200,
    redirect_to: str | None = None,
    contains: str | None = None,
    **kwargs,
):
    """One request named by its step; a wrong status, a redirect elsewhere or a page without the
    expected mark is the step's failure (and ends the journey). The waiting room's page (the store
    in overload) is neither: the shopper waits as it says and asks again."""
    shopper = client.headers.get("X-Forwarded-For", "")
    while True:
        with client.request(method, path, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            refresh = _in_line(client, response)
            if refresh is None:
                meta = getattr(response, "request_meta", None)  # Locust's; a plain session has none
                if meta is not None:
                    ANSWERED.append((meta["start_time"], name, meta["response_time"]))
                if shopper in IN_LINE_SINCE:
                    WAITS.append(time.monotonic() - IN_LINE_SINCE.pop(shopper))
                _check(response, method, path, expect=expect, redirect_to=redirect_to, contains=contains)
                return response
        IN_LINE_SINCE.setdefault(shopper, time.monotonic())
        time.sleep(refresh)  # Locust's gevent makes this a pause of this shopper only


def _in_line(client, response) -> float | None:
    """The seconds to wait when the answer is the waiting room's page (counted as "waiting", not
    as the step), else None."""
    if "X-Waiting-Room" not in response.headers:
        return None
    if WAITING_IS_FAILURE:
        problem = f"the waiting room's page inside: {response.headers['X-Waiting-Room']}"
        response.failure(problem)
        raise StepFailed(problem)
    meta = getattr(response, "request_meta", None)  # Locust's: the name its statistics use
    if meta is not None:
        meta["name"] = "waiting"
    response.success()
    WAITED.add(client.headers.get("X-Forwarded-For", ""))
    return min(float(response.headers.get("Refresh", "5")), MAX_REFRESH_SECONDS)


def _check(response, method: str, path: str, *, expect: int, redirect_to: str | None, contains: str | None) -> None:
    problem = None
    if response.status_code != expect:
        where = response.headers.get("Location", "")
        problem = f"{method} {path}: {response.status_code}" + (f" to {where}" if where else "")
        if response.status_code == 200:
            problem += f" ({_error_text(response.text) or 'the form came back'})"
    elif redirect_to is not None and not re.search(redirect_to, response.headers.get("Location", "")):
        problem = f"{method} {path}: redirected to {response.headers.get('Location', '')}, not {redirect_to}"
    elif contains is not None and contains not in response.text:
        problem = f"{method} {path}: the page lacks {contains!r}"
    if problem:
        response.failure(problem)
        raise StepFailed(problem)
    response.success()


def _token(client, html: str, path: str) -> str:
    """The page's CSRF token. A shopper's first page may be the one every first visitor gets (a
    CDN may keep it), which carries none: their browser fetches one (static/js/store.js), as here."""
    found = CSRF.search(html)
    if found is not None:
        return found.group(1)
    answer = _call(client, "GET", "/csrf/", name="csrf token")
    return answer.json()["token"]


# --- browsing -------------------------------------------------------------------------------


def browse_home(client, plan: Plan) -> None:
    _call(client, "GET", "/", name="home")


def browse_listing(client, plan: Plan) -> None:
    page = random.choice(("", "", "?sort=price_asc"))
    _call(client, "GET", f"/c/{random.choice(plan.categories)}/{page}", name="listing")


def browse_product(client, plan: Plan) -> None:
    _call(client, "GET", f"/p/{random.choice(plan.products)}/", name="product")


def browse_search(client, plan: Plan) -> None:
    _call(client, "GET", "/search/", params={"q": random.choice(plan.searches)}, name="search")


# --- buying ---------------------------------------------------------------------------------


def buy(client, plan: Plan, *, shopper: int, pause=lambda: None) -> str:
    """A guest's whole purchase: a listing, a product page, add to cart (as htmx posts the buy
    box), the checkout's three steps, place the order and pay on the test gateway. Returns the
    paid order's number; raises StepFailed at the first step that fails. `pause` is the
    shopper's think time between pages."""
    product = random.choice(plan.buyable)
    _call(client, "GET", f"/c/{random.choice(plan.categories)}/", name="listing")
    pause()
    path = f"/p/{product['slug']}/"
    page = _call(client, "GET", path, name="product", contains='name="sku"').text
    sku = SKU.search(page).group(1)
    if sku != product["sku"]:
        raise StepFailed(f"{path}: the buy box offers {sku!r}, not {product['sku']!r}")
    pause()
    _call(
        client,
        "POST",
        "/cart/add/",
        name="cart add",
        contains="alert--success",
        data={"csrfmiddlewaretoken": _token(client, page, path), "sku": sku, "quantity": "1", "next": path},
        headers={"HX-Request": "true", "HX-Current-URL": path},
    )
    pause()

    return check_out_and_pay(
        client, email=f"bench-{shopper}@example.pe", document=f"{40000000 + shopper % 10000000:08d}", pause=pause
    )


def check_out_and_pay(client, *, email: str, document: str, pause=lambda: None) -> str:
    """From a cart with something in it: the checkout's three steps as a guest in Lima (DNI
    `document`), place the order and pay on the test gateway. Returns the paid order's number;
    raises StepFailed at the first step that fails."""
    page = _call(client, "GET", "/checkout/", name="checkout details").text
    _call(
        client,
        "POST",
        "/checkout/",
        name="checkout details",
        expect=302,
        redirect_to=r"/checkout/delivery/$",
        data={
            "csrfmiddlewaretoken": _token(client, page, "/checkout/"),
            "email": email,
            "document_type": "dni",
            "document": document,
            "billing_same": "on",
            "accept_terms": "on",
            **{f"shipping-{key}": value for key, value in LIMA.items()},
        },
    )
    pause()

    page = _call(client, "GET", "/checkout/delivery/", name="checkout delivery").text
    method = SHIPPING_METHOD.search(page)
    if method is None:
        raise StepFailed("/checkout/delivery/: no shipping method offered for Lima")
    _call(
        client,
        "POST",
        "/checkout/delivery/",
        name="checkout delivery",
        expect=302,
        redirect_to=r"/checkout/review/$",
        data={
            "csrfmiddlewaretoken": _token(client, page, "/checkout/delivery/"),
            "shipping_method": method.group(1),
            "payment_method": TEST_GATEWAY,
        },
    )
    pause()

    page = _call(client, "GET", "/checkout/review/", name="checkout review", contains='name="key"').text
    placed = _call(
        client,
        "POST",
        "/checkout/place/",
        name="place order",
        expect=302,
        redirect_to=ORDER_NUMBER.pattern,
        data={"csrfmiddlewaretoken": _token(client, page, "/checkout/review/"), "key": PLACE_KEY.search(page).group(1)},
    )
    number = ORDER_NUMBER.search(placed.headers["Location"]).group(1)
    pause()

    pay_path = f"/payments/order/{number}/"
    page = _call(client, "GET", pay_path, name="pay", contains='id="pay-approve"').text
    _call(
        client,
        "POST",
        f"{pay_path}test-gateway/",
        name="pay",
        expect=302,
        redirect_to=r"/orders/",
        data={"csrfmiddlewaretoken": _token(client, page, pay_path), "action": "pay"},
    )
    return number
