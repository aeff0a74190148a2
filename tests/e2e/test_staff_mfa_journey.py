"""Staff 2FA in Chromium (STAFF_MFA_REQUIRED on, as in production): a clerk opening the back office
is sent to the store's sign-in, then to set up an authenticator app; they read the secret off the
page (as they would type it into the app), confirm a real TOTP code, sign out, and sign in again
with the password and a fresh code, landing in the admin. Every page in Spanish."""

import re

import pytest

from tests.e2e.helpers import DESKTOP, PHONE, screenshot
from tests.factories import PASSWORD, UserFactory
from tests.harness import current_totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def password_step(page) -> None:
    page.fill("input[name=login]", "caja@kallpa.pe")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_set_up_totp_then_sign_in_with_the_code(new_page, settings, viewport):
    settings.STAFF_MFA_REQUIRED = True
    UserFactory(email="caja@kallpa.pe", is_staff=True, is_superuser=True)
    page = new_page(viewport)

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    password_step(page)
    # allauth asks the password again before a change of the account's security.
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in page.url:
        assert "Confirmar acceso" in page.content()
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert "Activar la aplicación de autenticación" in page.content()
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1  # the QR code
    screenshot(page, "staff-mfa-activate")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    first = current_totp_code(secret)
    page.fill("input[name=code]", first)
    page.press("input[name=code]", "Enter")
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    screenshot(page, "staff-mfa-activated")

    page.goto("/accounts/logout/")
    page.locator("main form button.btn-primary[type=submit]").click()
    page.wait_for_url(lambda url: "/logout/" not in url)

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    password_step(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert "Autenticación de doble factor" in page.content()
    screenshot(page, "staff-mfa-code")
    page.fill("input[name=code]", "000000" if first != "000000" else "111111")
    page.press("input[name=code]", "Enter")
    page.wait_for_load_state()
    assert "Código incorrecto" in page.content()
    page.fill("input[name=code]", current_totp_code(secret))
    page.press("input[name=code]", "Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert "panel de gestión" in page.content()
    screenshot(page, "staff-mfa-admin")
