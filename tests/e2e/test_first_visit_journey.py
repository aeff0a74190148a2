"""In Chromium: a first visit gets the page every first visitor gets, which a CDN may keep (no
CSRF token, no cookie); the shopper adds to the cart (htmx), hearts a product (htmx) and
switches the language (a plain form) from it: store.js fetched the token first."""

import re
import threading
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


def _shared(url: str) -> dict:
    """The page a cookieless client gets once someone else's visit stored it."""
    urllib.request.urlopen(url).read()
    with urllib.request.urlopen(url) as answer:
        assert not answer.headers.get_all("Set-Cookie")
        return dict(answer.headers)


def _open_shared(open_page, url: str):
    """A new browser showing the shared page: stored, or rendered when the entry is no longer fresh
    (a busy machine's browser may arrive later), a first visit's page is the same."""
    _shared(url)
    page = open_page()
    answer = page.goto(url)
    assert answer.headers.get("cache-control", "").startswith("public")
    return page, answer


def test_a_first_visitor_buys_hearts_and_switches_language_from_the_shared_page(new_page, shop, live_server):
    url = f"{live_server.url}/p/gorra-inti/"
    assert _shared(url)["Cache-Control"].startswith("public")

    page, first = _open_shared(new_page, url)
    assert 'value=""' in first.text() and "set-cookie" not in first.headers  # store.js then fetched its token
    page.locator("#buy-box button.add-to-cart").click()  # may go before the token arrives: it waits
    page.locator("#cart-feedback .alert--success").wait_for()
    assert page.locator("#mini-cart-count").inner_text().strip().endswith("1")
    page.locator(".heart--page").click()
    page.wait_for_function("() => document.querySelector('#favourite-status').textContent !== ''")
    assert page.locator(".heart--page").get_attribute("aria-pressed") == "true"
    screenshot(page, "first-visit-shared-page")

    page.locator('.lang-switch button[lang="en"]').click()
    page.wait_for_function("() => document.documentElement.lang.startsWith('en')")
    assert "Cart" in page.locator("#mini-cart").inner_text()

    other = new_page()  # a plain form first: the language switch waits for the token too
    other.goto(url)
    other.locator('.lang-switch button[lang="en"]').click()
    other.wait_for_function("() => document.documentElement.lang.startsWith('en')")


def test_without_javascript_a_first_form_explains_itself_and_works_when_sent_again(browser, shop, live_server):
    url = f"{live_server.url}/p/gorra-inti/"
    for viewport in (DESKTOP, PHONE):
        page, _ = _open_shared(
            lambda viewport=viewport: browser.new_context(
                viewport=viewport, base_url=live_server.url, locale="es-PE", java_script_enabled=False
            ).new_page(),
            url,
        )
        context = page.context
        page.locator('.lang-switch button[lang="en"]').click()  # the shared page's form: no token
        expect(page.locator("h1")).to_have_text("Vuelve a intentarlo")  # once the refusal has loaded
        assert "No pudimos confirmar" in page.locator(".error-page").inner_text()
        assert any(cookie["name"] == "csrftoken" for cookie in context.cookies())
        screenshot(page, "csrf-failure")
        page.goto(url)  # with a cookie now: the shopper's own page, its token in the form
        page.locator('.lang-switch button[lang="en"]').click()
        expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
        context.close()


def test_a_cart_filled_while_the_recently_viewed_strip_loads_is_still_there(new_page, shop, monkeypatch):
    """A new visitor has no session: the product page's "recently viewed" strip (posted as the page
    loads) and a quick "add to cart" would each start one, and the browser keeps the cookie of the
    answer that came last. Here the strip's answer is held back in the server until the add has had
    its chance to go and come back first."""
    from favourites import selectors as favourite_selectors

    strip_may_answer = threading.Event()
    recent_products = favourite_selectors.recent_products

    def held_back(**kwargs):
        strip_may_answer.wait(timeout=20)
        return recent_products(**kwargs)

    monkeypatch.setattr(favourite_selectors, "recent_products", held_back)
    page = new_page(PHONE)
    page.goto("/p/gorra-inti/")
    page.locator("#buy-box button.add-to-cart").click()
    added = page.locator("#cart-feedback .alert--success")
    try:
        added.wait_for(timeout=2_000)  # a store that lets the add overtake the strip has answered it by now
    except PlaywrightTimeout:
        pass
    strip_may_answer.set()
    added.wait_for()
    page.locator(".recent-slot").wait_for(state="detached")  # the strip's answer, cookie and all, arrived

    page.goto("/cart/")
    assert page.locator(".cart-line").count() == 1, page.locator("main").inner_text()[:400]
