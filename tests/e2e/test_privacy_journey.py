"""Personal-data rights in Chromium: on a phone a customer asks to correct their data, then closes
their account (password and a tick) after reading what is kept and why; staff answer the request
in the admin and see how many days were left; the closed e-mail no longer signs in."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from privacy.models import AccountClosure, ArcoRequest
from tests.e2e.helpers import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import PASSWORD, AddressFactory, UserFactory, make_order
from tests.harness import business_days_left_of_a_term_started_today

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_asks_then_closes_their_account_and_staff_answer(new_page):
    customer = UserFactory(email="rosa@example.pe", first_name="Rosa", last_name="Quispe")
    AddressFactory(user=customer)
    order = make_order(customer=customer)
    order.__class__.objects.filter(pk=order.pk).update(status="delivered")  # the sale is over
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, "/accounts/login/", customer.email)

    page.goto("/account/privacy/")
    page.select_option("select[name=kind]", "rectification")
    page.fill("textarea[name=detail]", "Mi apellido es Quispe Huamán.")
    page.get_by_role("button", name="Enviar la solicitud").click()
    expect(page.locator(".alert--success")).to_contain_text("Recibimos tu solicitud ARCO-")
    expect(page.get_by_text("Respondemos hasta el")).to_be_visible()
    screenshot(page, "privacy-arco-filed")

    staff_user = UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)
    staff = new_page()
    sign_in(staff, "/admin/login/", staff_user.email, field="username")
    arco = ArcoRequest.objects.get()
    staff.goto("/admin/privacy/arcorequest/")
    expect(staff.get_by_text(f"quedan {business_days_left_of_a_term_started_today(10)} días hábiles")).to_be_visible()
    screenshot(staff, "admin-arco-list")
    staff.get_by_role("link", name=arco.number).click()
    staff.fill("textarea[name=answer]", "Corregimos tu apellido.")
    screenshot(staff, "admin-arco-answer")
    staff.get_by_role("button", name="Guardar", exact=True).click()
    expect(staff.locator(".messagelist .success")).to_contain_text(f"La solicitud {arco.number} está respondida")

    page.reload()
    expect(page.get_by_text("Corregimos tu apellido.")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    screenshot(page, "privacy-arco-answered")
    page.set_viewport_size(PHONE)
    close = page.locator("section[aria-labelledby=privacy-close]")
    expect(close).to_contain_text("Conservamos tus pedidos, sus comprobantes")
    close.locator("input[name=password]").fill("no-es-mi-clave")
    close.locator("input[name=confirm]").check()
    close.get_by_role("button", name="Cerrar mi cuenta").click()
    expect(page.get_by_text("Esa no es tu contraseña.")).to_be_visible()
    screenshot(page, "privacy-close-refused")

    close = page.locator("section[aria-labelledby=privacy-close]")
    close.locator("input[name=password]").fill(PASSWORD)
    close.locator("input[name=confirm]").check()
    close.get_by_role("button", name="Cerrar mi cuenta").click()
    expect(page.locator(".alert--success")).to_contain_text("Tu cuenta está cerrada")
    screenshot(page, "privacy-closed")
    assert not User.objects.get(pk=customer.pk).is_active and AccountClosure.objects.count() == 1
    assert order.__class__.objects.get(pk=order.pk).customer_id == customer.pk  # the order is kept

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "rosa@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("form .form-errors, form .errorlist, .alert--error").first).to_be_visible()
