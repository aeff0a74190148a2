"""A shopper's first visit: the home page, the language switch, sign-up, sign-out, sign-in,
and a saved address, in Chromium at desktop and phone widths."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Address, User
from tests.e2e.helpers import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Clave-Kallpa-2026!"


def test_home_renders_and_language_switches(new_page):
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "es-pe"
        assert "Kallpa" in page.locator("h1").first.inner_text()
        expect(page.locator("#site-search")).to_be_visible()
        screenshot(page, "home-es")

        page.locator("button[name=language][value=en]").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        if viewport != PHONE:
            expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
        screenshot(page, "home-en")

        page.locator("button[name=language][value=es-pe]").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "es-pe")


def test_shopper_signs_up_signs_out_signs_in_and_saves_an_address(page):
    page.goto("/")
    page.locator("a.btn-signup").click()
    page.wait_for_url("**/accounts/signup/")
    page.fill("input[name=email]", "lucia@example.pe")
    page.fill("input[name=first_name]", "Lucía")
    page.fill("input[name=last_name]", "Mamani")
    page.fill("input[name=dni]", "123")  # a typo first: the field says what is wrong
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".field--dni .field-error")).to_be_visible()
    screenshot(page, "signup-dni-error")
    assert not User.objects.filter(email="lucia@example.pe").exists()

    page.fill("input[name=dni]", "43451826")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    # The answer is the one a taken address gets ("confirm your e-mail"); the account is made
    # after it, the link confirms the address and her password signs her in.
    page.wait_for_url("**/accounts/confirm-email/")
    expect(page.locator("a.btn-signup")).to_be_visible()
    screenshot(page, "signup-confirm-your-email")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    screenshot(page, "signup-email-confirmed")
    page.fill("input[name=login]", "lucia@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    assert "Lucía" in page.locator(".account-summary").inner_text()
    assert User.objects.get(email="lucia@example.pe").password.startswith("argon2$")

    page.locator(".account-summary").click()
    page.locator(".account-menu button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("a.btn-signup")).to_be_visible()

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "lucia@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.locator(".account-summary")).to_be_visible()

    page.goto("/accounts/addresses/new/")
    page.fill("input[name=recipient]", "Lucía Mamani")
    page.fill("input[name=phone]", "987654321")
    page.fill("input[name=street]", "Jr. Puno 456")
    page.select_option("select[name=department]", "08")
    # The province and district selects fill in as the department and province change (htmx).
    page.select_option("select[name=province]", "0801")
    page.select_option("select[name=district]", "080108")
    page.locator("main form button.btn-primary[type=submit]").click()
    page.wait_for_url("**/accounts/addresses/")
    assert "Jr. Puno 456" in page.locator("main").inner_text()
    screenshot(page, "address-list")
    address = Address.objects.get(user__email="lucia@example.pe")
    assert address.is_default_shipping and address.department == "08"
    assert (address.province, address.district, address.ubigeo) == ("Cusco", "Wanchaq", "080108")
