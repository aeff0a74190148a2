"""The Libro de Reclamaciones' pages for guests and customers: the footer link, the form with
the regulation's definitions, a clear message for each bad input, the filed sheet on screen and as
PDF, only to whoever filed it, and a per-client limit on filing."""

import pytest
from django.urls import reverse

from complaints.models import QUEJA_DEFINITION, RECLAMO_DEFINITION, ComplaintSheet
from orders.access import remember_guest_order
from tests.factories import UserFactory, make_order

pytestmark = pytest.mark.django_db

# A valid DNI and RUC (python-stdnum's checks).
DNI = "45678912"
RUC = "20601234565"


def form_data(**overrides) -> dict:
    data = {
        "consumer_name": "Lucía Huamán",
        "document_type": "dni",
        "document_number": DNI,
        "address": "Jr. Puno 456, Cusco",
        "phone": "984 123 456",
        "email": "lucia@example.pe",
        "item_kind": "product",
        "amount": "129.90",
        "item_description": "Casaca impermeable talla M",
        "kind": "reclamo",
        "detail": "Llegó con el cierre roto.",
        "consumer_request": "Que me la cambien.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


URL = "/libro-de-reclamaciones/"


def test_every_page_links_to_the_book(client):
    page = client.get(reverse("storefront:home")).content.decode()
    assert f'href="{URL}"' in page and "Libro de Reclamaciones" in page


def test_the_form_shows_the_regulations_definitions_to_a_guest(client):
    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert RECLAMO_DEFINITION in page and QUEJA_DEFINITION in page
    assert "20601234565" in page and "KALLPA STORE S.A.C." in page  # the provider's RUC and name
    assert "quince (15) días hábiles" in page


def test_a_guest_files_a_sheet_and_sees_it(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())

    sheet = ComplaintSheet.objects.get()
    assert response.status_code == 302 and response["Location"] == sheet.get_absolute_url()
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert sheet.number in page and "Llegó con el cierre roto." in page
    assert sheet.document_number == "45678912" and sheet.customer is None
    pdf = client.get(reverse("complaints:pdf", args=[sheet.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(mailoutbox) == 1


def test_another_browser_cannot_see_the_sheet(client, sheet):
    assert client.get(sheet.get_absolute_url()).status_code == 404
    assert client.get(reverse("complaints:pdf", args=[sheet.number])).status_code == 404


def test_a_customer_sees_their_sheets_from_any_browser(client):
    customer = UserFactory(first_name="Rosa", last_name="Quispe", dni="43451826", phone="987654321")
    client.force_login(customer)
    assert "Rosa Quispe" in client.get(URL).content.decode()  # known details come filled in
    client.post(URL, form_data(consumer_name="Rosa Quispe", email=customer.email))
    sheet = ComplaintSheet.objects.get()
    assert sheet.customer == customer

    client.logout()
    client.force_login(customer)
    assert client.get(sheet.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "override, field, message",
    [
        ({"consumer_name": ""}, "consumer_name", "Este campo es obligatorio"),
        ({"kind": ""}, "kind", "Este campo es obligatorio"),
        ({"document_number": "1234567"}, "document_number", "DNI válido"),
        ({"document_type": "ruc", "document_number": "20601234566"}, "document_number", "RUC válido"),
        ({"detail": "a" * 10_000}, "detail", "3000"),
        ({"amount": "-5"}, "amount", "mayor o igual a 0"),
        ({"email": "no-es-correo"}, "email", "correo"),
        ({"is_minor": "on", "guardian_name": ""}, "guardian_name", "padre"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, override, field, message):
    response = client.post(URL, form_data(**override))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message.lower() in " ".join(errors[field]).lower()
    assert ComplaintSheet.objects.count() == 0


def test_a_ruc_that_passes_its_check_is_accepted(client):
    client.post(URL, form_data(document_type="ruc", document_number=RUC))
    assert ComplaintSheet.objects.get().document_type == "ruc"


def test_control_characters_are_refused_with_a_message(client):
    response = client.post(URL, form_data(detail="hola\x00mundo"))

    assert response.status_code == 400
    assert "caracteres que no están permitidos" in response.content.decode()
    assert ComplaintSheet.objects.count() == 0


def test_a_guest_links_the_sheet_to_an_order_of_this_browser(client):
    order = make_order(email="lucia@example.pe")
    session = client.session
    remember_guest_order(type("R", (), {"session": session})(), order.number)
    session.save()

    page = client.get(f"{URL}?pedido={order.number}").content.decode()
    assert f'value="{order.number}" selected' in page
    client.post(URL, form_data(order=order.number))
    assert ComplaintSheet.objects.get().order == order


def test_an_order_the_browser_does_not_own_is_refused(client):
    order = make_order(customer=UserFactory())

    response = client.post(URL, form_data(order=order.number))
    assert response.status_code == 400 and "order" in response.context["form"].errors
    assert ComplaintSheet.objects.count() == 0


def test_order_pages_link_to_the_book_about_that_order(client):
    customer = UserFactory()
    order = make_order(customer=customer)
    client.force_login(customer)

    page = client.get(order.get_absolute_url()).content.decode()
    assert f"{URL}?pedido={order.number}" in page


def test_filing_is_limited_per_client(client, settings):
    settings.COMPLAINTS_FILE_RATE_LIMIT = "2/h/ip"
    for _ in range(2):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())

    assert response.status_code == 429
    assert ComplaintSheet.objects.count() == 2
