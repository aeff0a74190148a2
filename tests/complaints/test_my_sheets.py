""" "Mis reclamos": the account lists the customer's sheets of the Libro de Reclamaciones with their
state and the store's answer: the sheets filed signed in, and those filed as a guest with the
account's e-mail once that e-mail is confirmed (whoever reads that mailbox already got the sheet's
copy). Never another person's sheet, by list or by number."""

import pytest
from django.urls import reverse

from complaints.services import complaint_answer, complaint_file
from tests.factories import UserFactory, sheet_data

pytestmark = pytest.mark.django_db

URL = "/account/complaints/"


@pytest.fixture
def rosa(db):
    return UserFactory(email="rosa@example.pe", email_verified=True)


def test_the_list_shows_each_sheet_with_its_state_and_answer(client, rosa):
    staff = UserFactory(is_staff=True)
    pending = complaint_file(data=sheet_data(email=rosa.email, detail="Llegó tarde."), customer=rosa)
    answered = complaint_file(data=sheet_data(email=rosa.email), customer=rosa)
    complaint_answer(sheet=answered, response="Te enviamos una casaca nueva el lunes.", actor=staff)
    client.force_login(rosa)

    page = client.get(URL).content.decode()

    assert pending.number in page and answered.number in page
    assert "Pendiente de respuesta" in page and "Respondido" in page
    assert "Te enviamos una casaca nueva el lunes." in page
    assert reverse("complaints:sheet", args=[answered.number]) in page


def test_guest_sheets_with_the_confirmed_email_are_listed_and_open(client, rosa):
    as_guest = complaint_file(data=sheet_data(email="Rosa@Example.pe"))
    client.force_login(rosa)

    assert as_guest.number in client.get(URL).content.decode()
    assert client.get(as_guest.get_absolute_url()).status_code == 200
    assert client.get(reverse("complaints:pdf", args=[as_guest.number])).status_code == 200


def test_guest_sheets_wait_for_the_email_to_be_confirmed(client):
    unconfirmed = UserFactory(email="rosa@example.pe", email_verified=False)
    as_guest = complaint_file(data=sheet_data(email="rosa@example.pe"))
    client.force_login(unconfirmed)

    assert as_guest.number not in client.get(URL).content.decode()
    assert client.get(as_guest.get_absolute_url()).status_code == 404


def test_another_persons_sheets_are_neither_listed_nor_opened(client, rosa):
    other = UserFactory(email="otra@example.pe", email_verified=True)
    theirs = complaint_file(data=sheet_data(email=other.email), customer=other)
    # Filed by another account with Rosa's e-mail typed in: still that account's sheet.
    typed_her_email = complaint_file(data=sheet_data(email=rosa.email), customer=other)
    client.force_login(rosa)

    page = client.get(URL).content.decode()

    for sheet in (theirs, typed_her_email):
        assert sheet.number not in page
        assert client.get(sheet.get_absolute_url()).status_code == 404
        assert client.get(reverse("complaints:pdf", args=[sheet.number])).status_code == 404


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_empty_list_says_how_to_file_one(client, rosa):
    client.force_login(rosa)
    page = client.get(URL).content.decode()
    assert "No tienes reclamos" in page
    assert reverse("complaints:new") in page


def test_the_account_menu_links_to_it(client, rosa):
    client.force_login(rosa)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{URL}"' in page and "Mis reclamos" in page


def test_the_list_reads_a_fixed_number_of_queries(client, rosa, django_assert_max_num_queries):
    staff = UserFactory(is_staff=True)
    for n in range(12):
        sheet = complaint_file(data=sheet_data(email=rosa.email), customer=rosa if n % 2 else None)
        if n % 3 == 0:
            complaint_answer(sheet=sheet, response=f"Respuesta {n}", actor=staff)
    client.force_login(rosa)
    client.get(URL)  # warm the per-process caches (site settings, the frame)

    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.status_code == 200
    assert response.content.decode().count('class="card order-row') == 10  # a page of ten
