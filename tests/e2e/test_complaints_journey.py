"""The Libro de Reclamaciones in Chromium: a guest finds their order, follows the footer's
"Libro de Reclamaciones", files a reclamo about that order, sees the sheet with its number and
gets the copy by e-mail with the PDF; support answers it in the admin (the list shows the
deadline) and the guest gets the answer by e-mail. Pictures at 1280 and 390 px."""

import pytest
from django.core import mail

from complaints.models import ComplaintSheet
from tests.e2e.helpers import PHONE, screenshot, sign_in
from tests.factories import UserFactory, WarehouseFactory, line_for, paid_order, stocked_variant
from tests.harness import business_days_left_of_a_term_started_today

pytestmark = pytest.mark.django_db(transaction=True)
GUEST = "lucia.huaman@example.pe"


@pytest.fixture
def world(db):
    staff = UserFactory(email="soporte@kallpa.pe", is_staff=True, is_superuser=True)
    lima = WarehouseFactory(code="LIM-CENTRAL", name="Lima Central", priority=1)
    casaca = stocked_variant(lima, units=5, sku="CASACA-IMPERMEABLE-M", price="189.90")
    order = paid_order(lines=[line_for(casaca, quantity=1)], email=GUEST)
    return {"staff": staff, "order": order}


def look_up(page, order) -> None:
    page.goto("/orders/lookup/")
    page.fill("input[name=number]", order.number)
    page.fill("input[name=email]", GUEST)
    page.press("input[name=email]", "Enter")
    page.wait_for_url(f"**/{order.number}/")


def test_a_guest_files_a_reclamo_about_an_order_and_gets_the_answer(new_page, world):
    order = world["order"]
    guest = new_page()
    look_up(guest, order)
    guest.locator("footer").get_by_role("link", name="Libro de Reclamaciones").first.click()
    guest.wait_for_url("**/libro-de-reclamaciones/")
    assert "Disconformidad relacionada a los productos o servicios." in guest.content()
    guest.select_option("select[name=order]", order.number)
    guest.fill("input[name=consumer_name]", "Lucía Huamán Ccori")
    guest.fill("input[name=document_number]", "45678912")
    guest.fill("input[name=address]", "Jr. Puno 456, Cusco")
    guest.fill("input[name=phone]", "984 123 456")
    guest.fill("input[name=email]", GUEST)
    guest.fill("input[name=amount]", "189.90")
    guest.fill("textarea[name=item_description]", "Casaca impermeable talla M")
    guest.locator("input[name=kind][value=reclamo]").check()
    guest.fill("textarea[name=detail]", "La casaca llegó con el cierre roto y una mancha en la manga.")
    guest.fill("textarea[name=consumer_request]", "Que me la cambien por una nueva o me devuelvan el dinero.")
    screenshot(guest, "complaint-form")
    guest.get_by_role("button", name="Enviar la hoja de reclamación").click()
    guest.wait_for_url("**/libro-de-reclamaciones/*-*/")

    sheet = ComplaintSheet.objects.get()
    assert sheet.order == order and sheet.kind == "reclamo"
    assert f"Hoja de reclamación {sheet.number}" in guest.content()
    assert "HOJA DE RECLAMACIÓN N.° " + sheet.number in guest.content()
    screenshot(guest, "complaint-sheet")
    (copy,) = [message for message in mail.outbox if sheet.number in message.subject]
    assert copy.to == [GUEST] and sheet.number in copy.subject
    assert copy.attachments[0][0] == f"hoja-de-reclamacion-{sheet.number}.pdf"

    staff = new_page()
    sign_in(staff, "/admin/login/", world["staff"].email, field="username")
    staff.goto("/admin/complaints/complaintsheet/")
    left = business_days_left_of_a_term_started_today(15)
    assert sheet.number in staff.content() and f"quedan {left} días hábiles" in staff.content()
    screenshot(staff, "admin-complaints-list")
    staff.get_by_role("link", name=sheet.number).click()
    staff.fill("textarea[name=response]", "Te enviamos una casaca nueva por Olva; recógela en 3 días hábiles.")
    screenshot(staff, "admin-complaint-change")
    staff.locator("input[name=_save]").click()
    staff.locator(".messagelist .success").wait_for()
    sheet.refresh_from_db()
    assert sheet.is_answered and sheet.answered_by == world["staff"]
    answer = mail.outbox[-1]
    assert answer.to == [GUEST] and "Respuesta" in answer.subject and "casaca nueva" in answer.body

    guest.goto(sheet.get_absolute_url())
    assert "casaca nueva por Olva" in guest.content() and "Respondida el" in guest.content()
    screenshot(guest, "complaint-sheet-answered")
    staff.goto(f"/admin/complaints/complaintsheet/{sheet.pk}/change/")
    screenshot(staff, "admin-complaint-answered")

    phone = new_page(PHONE)
    look_up(phone, order)
    screenshot(phone, "order-with-claims-link")
    phone.get_by_role("link", name="Reclamar por este pedido").click()
    phone.wait_for_url("**/libro-de-reclamaciones/?pedido=*")
    assert phone.locator("select[name=order]").input_value() == order.number
    screenshot(phone, "complaint-form")
    phone_staff = new_page(PHONE)
    sign_in(phone_staff, "/admin/login/", world["staff"].email, field="username")
    for url, name in (
        ("/admin/complaints/complaintsheet/", "admin-complaints-list"),
        (f"/admin/complaints/complaintsheet/{sheet.pk}/change/", "admin-complaint-answered"),
    ):
        phone_staff.goto(url)
        screenshot(phone_staff, name)
    # The guest's own browser at 390 px: the sheet reads top to bottom, nothing wider than the screen.
    guest.set_viewport_size(PHONE)
    guest.goto(sheet.get_absolute_url())
    screenshot(guest, "complaint-sheet-answered")
    for page in (guest, phone):
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
