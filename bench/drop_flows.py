"""A drop shopper's journey for bench_drop (Locust's HttpSession, bench/drop_locustfile.py): the
product's page again and again, at the interval the waiting page asks for, until the waiting room
lets them in; then the purchase of one unit, as a guest, paid with the test gateway. A unit sold
out before their turn is an answer (the cart says so), not an error.

Every request before admission is named "waiting" (the one that lets in is the product page
itself); what the shopper saw is returned as a record for the bench's fairness figures."""

import re
import time

from bench.mixed_load_flows import StepFailed, _token, check_out_and_pay

WAITING = re.compile(r"place=(\d+); ticket=(\d+)")
# A shopper refreshes when the page says (5 to 30 s, with jitter), as a browser does.
MAX_REFRESH_SECONDS = 30.0


def wait_in_line(client, path: str, *, sleep, deadline: float) -> tuple[dict, str]:
    """GET the product page until let in. Returns (the record of the wait, the page's HTML)."""
    # Each answer's send and receive times: the server answered between them (a busy client may
    # read an answer late), so the fairness figures only count what is sure either way.
    record: dict = {"arrived": time.time(), "arrived_by": None, "tickets": [], "waits": [], "let_in_at": None}
    while time.time() < deadline:
        sent = time.time()
        with client.request("GET", path, name="waiting", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"GET {path}: {response.status_code}")
                raise StepFailed(f"GET {path} in line: {response.status_code}")
            response.success()
            received = time.time()
            record["arrived_by"] = record["arrived_by"] or received
            found = WAITING.search(response.headers.get("X-Waiting-Room", ""))
            if found is None:
                record["let_in_at"] = received
                return record, response.text
            ticket = int(found.group(2))
            if ticket not in record["tickets"]:
                record["tickets"].append(ticket)
            record["waits"].append([sent, ticket, ticket - int(found.group(1))])
            refresh = float(response.headers.get("Refresh", "5"))
        sleep(min(refresh, MAX_REFRESH_SECONDS))
    return record, ""


def buy_one(client, path: str, page: str, *, shopper: int) -> tuple[str, str | None]:
    """From the product page a shopper was let in on: ("bought", order number), or
    ("sold_out", the store's words) when it said there was no unit left for them."""
    sku = re.search(r'name="sku" value="([^"]*)"', page)
    if sku is None:
        return "sold_out", None  # the buy box is gone: sold out
    with client.request(
        "POST",
        "/cart/add/",
        name="cart add",
        catch_response=True,
        allow_redirects=False,
        data={"csrfmiddlewaretoken": _token(client, page, path), "sku": sku.group(1), "quantity": "1", "next": path},
        headers={"HX-Request": "true", "HX-Current-URL": path},
    ) as response:
        if response.status_code != 200:
            response.failure(f"POST /cart/add/: {response.status_code}")
            raise StepFailed("cart add")
        response.success()
        if "alert--success" not in response.text:
            # The cart's answer: no unit left to hold (its words kept for the bench's figures).
            answer = re.search(r'class="alert-body">(.*?)<', response.text, re.S)
            return "sold_out", (answer.group(1).strip()[:200] if answer else response.text[:200])

    number = check_out_and_pay(
        client, email=f"drop-{shopper}@example.pe", document=f"{50000000 + shopper % 10000000:08d}"
    )
    return "bought", number
