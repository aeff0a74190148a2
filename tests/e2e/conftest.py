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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed journey's report says where each of its browsers stood and what it showed, so a
    failure seen only in CI (CI keeps no screenshots) can be read from the log."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for context in getattr(item, "browser_contexts", ()):
        for page in context.pages:
            try:
                shown = page.locator("body").inner_text(timeout=2_000)[:1_500]
            except Exception as error:  # a closed or crashed page still gets its address reported
                shown = f"(not readable: {error})"
            report.sections.append(("where the browser was", f"{page.url}\n{shown}"))


@pytest.fixture(scope="session")
def browser():
    # Debian's headless shell (package chromium-headless-shell, what Playwright itself runs headless):
    # the same Blink and V8 as Debian's chromium without the browser's own UI processes, so a journey
    # costs about 40 % less CPU (docs/testing.md). Lighthouse keeps the full chromium.
    chromium = shutil.which("chromium-headless-shell")
    if chromium is None:
        pytest.skip("Debian's chromium-headless-shell is not installed (make test installs it)")
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
def new_page(request, browser, live_server, csp_violations):
    """Open pages at a given viewport; each call is a fresh browser context (no cookies)."""
    contexts = request.node.browser_contexts = []

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
