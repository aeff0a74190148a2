"""What the browser journeys share: viewports, screenshots, signing in, the checkout steps."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from orders.models import Order
from tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# The pictures are for people (a developer's `make test`); CI never looks at them, and a full-page
# PNG costs about 0.45 s of CPU (some 200 a run), so `.ci/run` turns them off with E2E_SCREENSHOTS=0.
TAKE_SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "1").lower() not in ("0", "false", "no", "off")


def screenshot(page, name: str) -> Path:
    """Keep a full-page picture of what the shopper saw (artifacts/, not committed), unless
    E2E_SCREENSHOTS=0; the path is returned either way."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    if not TAKE_SCREENSHOTS:
        return path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def follow_to_gateway(page, url: str, *, click) -> None:
    """Click what sends the shopper to a gateway's hosted page, check the store's answer redirects to
    `url`, then open `url` (which the test routes to a stand-in page). Playwright routes only the first
    URL of a redirect, so the redirect itself would reach the real gateway: the store's answer is read
    here and the browser told "no content" instead, then sent to `url` directly, through the route."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(page.url))
    answers = []

    def read_the_stores_answer(route):
        if not route.request.is_navigation_request():
            route.fallback()
            return
        answer = route.fetch(max_redirects=0)
        answers.append((answer.status, answer.headers.get("location")))
        route.fulfill(status=204)

    def from_the_store(address: str) -> bool:
        return address.startswith(origin)

    page.route(from_the_store, read_the_stores_answer)
    with page.expect_event("requestfailed", lambda request: request.is_navigation_request()):
        click()
    page.unroute(from_the_store, read_the_stores_answer)
    assert len(answers) == 1 and answers[0][0] in (302, 303) and answers[0][1] == url, answers
    page.goto(url)


def sign_in(page, url: str, email: str, *, field: str = "login") -> None:
    page.goto(url)
    page.fill(f"input[name={field}]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda current: "/login/" not in current)


def submit(page, selector: str = "input[type=submit]") -> None:
    """Click a form's button and wait for the page it answers with. An admin action's form and the
    list it returns to share one URL, so `wait_for_url` would return at once, and a `count()` or the
    next click could still read the page being left."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def admin_action(page, action: str) -> None:
    """Run an admin action on the rows already ticked; back on the list, or on its own form."""
    page.select_option("select[name=action]", action)
    submit(page, "button[name=index]")


def run_action(page, order: Order, action: str) -> None:
    page.goto(f"/admin/shipping/shipment/?q={order.number}")
    page.locator("#action-toggle").check()
    admin_action(page, action)


def add_variant(page, slug: str, size: str | None = None, quantity: int = 1):
    page.goto(f"/p/{slug}/" + (f"?size={size}" if size else ""))
    if quantity != 1:
        page.fill("#quantity", str(quantity))
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()


def fill_details(
    page,
    *,
    email: str | None = "rosa@example.pe",
    recipient="Rosa Quispe",
    street="Av. Arequipa 1234, dpto. 502",
    ubigeo="150122",
    dni: str | None = None,
):
    """The details step with a new address chosen through the dependent selects (and a DNI for
    the boleta, which SUNAT asks for above S/ 700)."""
    page.goto("/checkout/")
    if email:
        # Said plainly when the step is not there (an empty cart sends the shopper back to it), not
        # as a field that never appears.
        assert page.locator("#id_email").count(), f"{page.url}: {page.locator('main').inner_text()[:400]}"
        page.fill("#id_email", email)
    page.fill("#id_shipping-recipient", recipient)
    page.fill("#id_shipping-phone", "987654321")
    page.fill("#id_shipping-street", street)
    page.select_option("#id_shipping-department", ubigeo[:2])
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-province option').length > 3")
    page.select_option("#id_shipping-province", ubigeo[:4])
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-district option').length > 10")
    page.select_option("#id_shipping-district", ubigeo)
    if dni:
        page.select_option("#id_document_type", "dni")
        page.fill("#id_document", dni)
    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")


def to_payment(page) -> str:
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def fill_company_contact(page):
    """The details step's e-mail and delivery address of a company's buyer."""
    page.fill("#id_email", "compras@andina.pe")
    page.fill("#id_shipping-recipient", "Rosa Quispe")
    page.fill("#id_shipping-phone", "987654321")
    page.fill("#id_shipping-street", "Av. Arequipa 1234, dpto. 502")
    page.select_option("#id_shipping-department", "15")
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-province option').length > 3")
    page.select_option("#id_shipping-province", "1501")
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-district option').length > 10")
    page.select_option("#id_shipping-district", "150122")
