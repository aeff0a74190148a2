"""Policies and consent in Chromium: the footer's terms page, sign-up that asks for the terms and
privacy policy (marketing unticked) and records the consent, the account's privacy page where the
customer stops the offers and downloads their data; staff publish a new version in the admin."""

import json
import re

import pytest
from django.core import mail

from legal.models import Consent, PolicyVersion
from tests.e2e.helpers import PHONE, screenshot, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def policies(db):
    from demo.complaints import load_demo_policies

    load_demo_policies(customer_email="nadie@example.pe")


def test_sign_up_records_consent_and_the_privacy_page_manages_it(new_page, policies):
    page = new_page()
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Términos y condiciones").click()
    page.wait_for_url("**/terminos-y-condiciones/")
    assert "Versión 1" in page.content() and "Precios y pagos" in page.content()
    screenshot(page, "policy-terms")

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "nueva@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=first_name]", "Lucía")
    page.fill("input[name=last_name]", "Mamani")
    assert not page.locator("input[name=accept_marketing]").is_checked()
    page.locator("input[name=accept_terms]").check()
    screenshot(page, "signup-consent")
    page.locator("form.form button[type=submit]").click()
    # Sign-up answers "confirm your e-mail" (as for a taken address); the e-mailed link confirms
    # it and her password signs her in.
    page.wait_for_url("**/accounts/confirm-email/")
    assert sorted(Consent.objects.values_list("kind", flat=True)) == ["privacy", "terms"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    page.fill("input[name=login]", "nueva@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto("/account/privacy/")
    assert "Términos y condiciones" in page.content() and "No recibes ofertas por correo." in page.content()
    page.get_by_role("button", name="Recibir las ofertas").click()
    page.locator(".alert--success").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar mis datos").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["profile"]["email"] == "nueva@example.pe" and len(data["consents"]) == 3
    screenshot(page, "account-privacy")
    page.set_viewport_size(PHONE)
    screenshot(page, "account-privacy")
    page.goto("/terminos-y-condiciones/")
    screenshot(page, "policy-terms")


def test_staff_publish_a_new_version_of_a_policy(new_page, policies):
    staff_user = UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)
    staff = new_page()
    sign_in(staff, "/admin/login/", staff_user.email, field="username")
    current = PolicyVersion.objects.get(kind="shipping")
    staff.goto("/admin/legal/policyversion/")
    screenshot(staff, "admin-policies-list")
    staff.goto(f"/admin/legal/policyversion/{current.pk}/change/")
    staff.get_by_role("button", name="Nueva versión a partir de este texto").click()
    staff.locator(".messagelist .success").wait_for()
    staff.fill("textarea[name=body]", "## Cobertura\nAhora también entregamos en Iquitos.")
    staff.locator("input[name=_continue]").click()
    staff.locator(".messagelist .success").wait_for()
    screenshot(staff, "admin-policy-draft")
    staff.get_by_role("button", name="Publicar esta versión").click()
    staff.locator(".messagelist .success").wait_for()

    shopper = new_page(PHONE)
    shopper.goto("/politica-de-envios/")
    assert "Iquitos" in shopper.content() and "Versión 2" in shopper.content()
    shopper.goto("/politica-de-envios/?version=1")
    assert "Iquitos" not in shopper.content() and "versión anterior" in shopper.content()
