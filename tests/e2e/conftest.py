"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server."""

import os
import shutil

import pytest

from tests.e2e.helpers import DESKTOP

# Playwright's sync API runs an event loop in this thread; the live server and the ORM
# calls made by the tests are still synchronous, which is what Django checks for.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Every page of every browser test reports Content-Security-Policy violations: the document's
# securitypolicyviolation events, and Chromium's console errors about refused content.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
                + `at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation") or "Content Security Policy" in text


@pytest.fixture
def csp_violations():
    """What the pages opened by this test reported; the test fails if anything is left in it."""
    found: list[str] = []
    yield found
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """Open pages at a given viewport; each call is a fresh browser context (no cookies)."""
    contexts = []

    def open_page(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="es-PE")
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: is_csp_violation(message.text) and csp_violations.append(f"{page.url}: {message.text}"),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
