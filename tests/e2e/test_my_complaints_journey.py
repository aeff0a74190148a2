"""'Mis reclamos' in Chromium: a customer files a reclamo from their account, finds it under Mis
reclamos awaiting an answer, support answers it in the admin, and the answer shows in the list
and on the sheet. Pictures at 1280 and 390 px, nothing wider than the phone's screen."""

import pytest

from complaints.models import ComplaintSheet
from tests.e2e.helpers import PHONE, screenshot, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Te enviamos una casaca nueva por Olva Courier; llega en 3 días hábiles."


def test_a_customer_files_a_reclamo_and_reads_the_answer_under_mis_reclamos(new_page):
    customer = UserFactory(
        email="rosa@example.pe",
        first_name="Rosa",
        last_name="Quispe",
        dni="43451826",
        phone="987654321",
        email_verified=True,
    )
    staff = UserFactory(email="soporte@kallpa.pe", is_staff=True, is_superuser=True)

    page = new_page()
    sign_in(page, "/accounts/login/", customer.email)
    page.goto("/accounts/profile/")
    page.locator(".account-nav").get_by_role("link", name="Mis reclamos").click()
    page.wait_for_url("**/account/complaints/")
    assert "No tienes reclamos" in page.content()
    screenshot(page, "my-complaints-empty")
    page.locator("main .empty-state").get_by_role("link", name="Presentar un reclamo").click()
    page.wait_for_url("**/libro-de-reclamaciones/")
    assert page.locator("input[name=consumer_name]").input_value() == "Rosa Quispe"  # known details filled in
    page.fill("input[name=address]", "Av. Arequipa 1234, Lince, Lima")
    page.fill("textarea[name=item_description]", "Casaca impermeable talla M")
    page.locator("input[name=kind][value=reclamo]").check()
    page.fill("textarea[name=detail]", "La casaca llegó con el cierre roto.")
    page.fill("textarea[name=consumer_request]", "Que me la cambien por una nueva.")
    page.get_by_role("button", name="Enviar la hoja de reclamación").click()
    page.wait_for_url("**/libro-de-reclamaciones/*-*/")
    sheet = ComplaintSheet.objects.get()
    assert sheet.customer == customer

    page.goto("/account/complaints/")
    row = page.locator(".claims-row", has_text=sheet.number)
    assert "Pendiente de respuesta" in row.inner_text()
    screenshot(page, "my-complaints-pending")

    admin = new_page()
    sign_in(admin, "/admin/login/", staff.email, field="username")
    admin.goto(f"/admin/complaints/complaintsheet/{sheet.pk}/change/")
    admin.fill("textarea[name=response]", ANSWER)
    admin.locator("input[name=_save]").click()
    admin.locator(".messagelist .success").wait_for()

    page.reload()
    row = page.locator(".claims-row", has_text=sheet.number)
    assert "Respondido" in row.inner_text() and ANSWER in row.inner_text()
    screenshot(page, "my-complaints-answered")
    row.get_by_role("link", name="Ver hoja").click()
    page.wait_for_url(f"**/{sheet.number}/")
    assert ANSWER in page.content()

    phone = new_page(PHONE)
    sign_in(phone, "/accounts/login/", customer.email)
    phone.goto("/account/complaints/")
    assert ANSWER in phone.locator(".claims-row").inner_text()
    screenshot(phone, "my-complaints-answered")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
