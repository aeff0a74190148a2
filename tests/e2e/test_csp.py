"""Content-Security-Policy in Chromium: the header the store sends everywhere (base settings,
so the same as production) holds no 'unsafe-inline', and the htmx storefront (listing filters,
sort, add to cart, cart quantity) and the admin (sign-in, change list, change form, history)
work without a single reported violation. Every other browser test also fails on a violation
(tests/e2e/conftest.py)."""

import re
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog_journey")]


def test_the_policy_allows_nothing_inline(page, shop):
    response = page.goto("/")
    policy = response.headers["content-security-policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    # Only this site, or an element carrying the page's nonce (named when the page uses one).
    for name in ("script-src", "style-src"):
        assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=]+')?", directives[name]), directives[name]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_a_violation_is_caught(page, shop, csp_violations):
    """The detector itself: a style attribute set by a script is refused and reported."""
    page.goto("/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.wait_for_timeout(300)

    assert any("style-src" in text for text in csp_violations)
    csp_violations.clear()  # expected here; every other test must leave it empty


def test_htmx_storefront_without_violations(page, shop):
    page.goto("/c/hoodies/")
    page.locator("#facet-brand-inti-wear").click()
    page.wait_for_url("**brand=inti-wear**")
    page.locator("#facet-color-negro").click()  # a colour swatch
    page.wait_for_url("**color=negro**")
    page.select_option("#sort-select", "price_asc")
    page.wait_for_url("**sort=price_asc**")
    page.goto("/p/hoodie-basico/")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()
    page.goto("/cart/")
    page.locator(".cart-qty-form input[name=quantity]").first.fill("2")
    page.locator(".cart-qty-form input[name=quantity]").first.dispatch_event("change")
    page.wait_for_timeout(500)
    page.goto("/search/?q=hodie")
    page.goto("/accounts/login/")
    page.goto("/orders/lookup/")


def test_admin_without_violations(page, shop):
    admin = UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)
    shop["basic"].base_price = Decimal("139.00")
    shop["basic"].save()
    page.goto("/admin/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button").last.click()
    page.wait_for_url("**/admin/")
    for path in (
        "/admin/catalog/product/",
        f"/admin/catalog/product/{shop['basic'].pk}/change/",
        f"/admin/catalog/product/{shop['basic'].pk}/history/",
        "/admin/catalog/product/add/",
        "/admin/constance/config/",
        "/admin/inventory/stocklevel/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers
