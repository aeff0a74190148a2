"""ARCO requests (Ley 29733): a customer files one from the account's privacy page and sees its
answer there; staff see every request with its term in the admin and answer it once (a
cancellation may close the account in the same step)."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from privacy.models import AccountClosure, ArcoKind, ArcoRequest, ArcoStatus
from privacy.services import PrivacyError, answer_due_on, arco_request_answer, arco_request_file
from tests.factories import UserFactory
from tests.harness import business_days_left_of_a_term_started_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_terms_are_business_days_without_weekends_nor_peru_holidays():
    # Friday 24 July 2026: Fiestas Patrias (28-29 July), the Battle of Junín (6 August) and two
    # weekends fall inside the 10 business days.
    assert answer_due_on(kind=ArcoKind.CANCELLATION, received_on=date(2026, 7, 24)) == date(2026, 8, 12)
    assert answer_due_on(kind=ArcoKind.ACCESS, received_on=date(2026, 11, 2)) == date(2026, 11, 30)


def test_a_customer_files_a_request_and_a_replay_files_nothing(client, user):
    client.force_login(user)
    url = reverse("storefront:privacy_arco")
    data = {"kind": "rectification", "detail": "Mi apellido es Quispe, no Quispa."}
    response = client.post(url, data)
    assert response.status_code == 302
    filed = ArcoRequest.objects.get()
    assert (filed.customer, filed.email, filed.kind, filed.status) == (user, user.email, "rectification", "open")
    assert filed.number.startswith(f"ARCO-{timezone.localdate().year}-")
    assert filed.due_on == answer_due_on(kind="rectification", received_on=timezone.localdate())

    replay = client.post(url, data)
    assert replay.status_code == 400 and filed.number in replay.content.decode()
    assert ArcoRequest.objects.count() == 1
    page = client.get(reverse("storefront:privacy")).content.decode()
    assert filed.number in page and "Respondemos hasta el" in page


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "borrar-todo", "detail": "x"},
        {"kind": "opposition", "detail": ""},
        {"kind": "opposition", "detail": "x" * 2001},
        {},
    ],
)
def test_bad_input_gets_a_message_never_a_500(client, user, data):
    client.force_login(user)
    response = client.post(reverse("storefront:privacy_arco"), data)
    assert response.status_code == 400
    assert not ArcoRequest.objects.exists()


def test_a_guest_cannot_file_from_the_account_page(client):
    response = client.post(reverse("storefront:privacy_arco"), {"kind": "access"})
    assert response.status_code == 302 and not ArcoRequest.objects.exists()


def test_a_customer_sees_only_their_own_requests(client, user, other_user):
    theirs = arco_request_file(kind=ArcoKind.OPPOSITION, email="", detail="Sin publicidad.", customer=other_user)
    client.force_login(user)
    assert theirs.number not in client.get(reverse("storefront:privacy")).content.decode()


def test_an_answer_is_written_once(superuser, user):
    arco = arco_request_file(kind=ArcoKind.ACCESS, email="", customer=user)
    with pytest.raises(PrivacyError):
        arco_request_answer(request_id=arco.pk, answer="   ", actor=superuser)
    answered = arco_request_answer(request_id=arco.pk, answer="Te enviamos tus datos.", actor=superuser)
    assert (answered.status, answered.answered_by) == (ArcoStatus.ANSWERED, superuser)
    with pytest.raises(PrivacyError):
        arco_request_answer(request_id=arco.pk, answer="Otra vez.", actor=superuser)
    with pytest.raises(PrivacyError):
        arco_request_answer(request_id=987654, answer="¿?", actor=superuser)
    with pytest.raises(PrivacyError):  # only a cancellation closes an account
        other = arco_request_file(kind=ArcoKind.OPPOSITION, email="", detail="x", customer=user)
        arco_request_answer(request_id=other.pk, answer="Hecho.", actor=superuser, close_account=True)
    assert User.objects.get(pk=user.pk).is_active


def test_staff_see_days_left_and_overdue_in_spanish_with_flat_queries(client, superuser, django_assert_max_num_queries):
    on_time = [arco_request_file(kind=ArcoKind.ACCESS, email="", customer=UserFactory()) for _ in range(3)]
    late = arco_request_file(kind=ArcoKind.OPPOSITION, email="lejos@example.pe", detail="Sin publicidad.")
    ArcoRequest.objects.filter(pk=late.pk).update(
        received_at=timezone.make_aware(datetime(2026, 1, 5, 10)), due_on=date(2026, 1, 19)
    )
    client.force_login(superuser)
    url = reverse("admin:privacy_arcorequest_changelist")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    left = business_days_left_of_a_term_started_today(20)
    assert "solicitud ARCO" in text and "vencida hace" in text and f"quedan {left} días hábiles" in text
    for _ in range(10):
        arco_request_file(kind=ArcoKind.ACCESS, email="", customer=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    overdue = client.get(url, {"deadline": "overdue"}).content.decode()
    assert late.number in overdue and not any(arco.number in overdue for arco in on_time)


def test_staff_answer_a_cancellation_and_close_the_account_in_one_step(client, superuser, user):
    arco = arco_request_file(kind=ArcoKind.CANCELLATION, email="", detail="Cierren mi cuenta.", customer=user)
    client.force_login(superuser)
    url = reverse("admin:privacy_arcorequest_change", args=[arco.pk])
    form = client.get(url).content.decode()
    assert "Cerrar la cuenta del cliente con esta respuesta" in form

    response = client.post(url, {"answer": "Cerramos tu cuenta.", "close_account": "on"})
    assert response.status_code == 302
    arco.refresh_from_db()
    assert arco.status == ArcoStatus.ANSWERED and arco.answered_by == superuser
    closed = User.objects.get(pk=user.pk)
    assert not closed.is_active and closed.email.endswith("@anonimo.invalid")
    closure = AccountClosure.objects.get()
    assert (closure.arco_request, closure.closed_by, closure.by_customer) == (arco, superuser, False)
    # Answered: nothing on the page can change any more, and the history cannot be reverted.
    again = client.post(url, {"answer": "Otra respuesta."})
    assert again.status_code == 302
    assert ArcoRequest.objects.get(pk=arco.pk).answer == "Cerramos tu cuenta."
    history = client.get(reverse("admin:privacy_arcorequest_history", args=[arco.pk]))
    assert history.status_code == 200
    assert client.get(reverse("admin:privacy_accountclosure_changelist")).status_code == 200


def test_staff_record_a_request_received_by_email(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:privacy_arcorequest_add")
    response = client.post(url, {"kind": "access", "email": "escribio@example.pe", "detail": ""})
    assert response.status_code == 302
    arco = ArcoRequest.objects.get()
    assert (arco.email, arco.customer, arco.kind) == ("escribio@example.pe", None, "access")
    assert client.post(reverse("admin:privacy_arcorequest_delete", args=[arco.pk])).status_code == 403


def test_the_answer_is_emailed_once_to_the_address_the_request_gave(superuser, django_capture_on_commit_callbacks):
    from django.core import mail

    from privacy.tasks import send_arco_answer

    arco = arco_request_file(kind=ArcoKind.ACCESS, email="escribio@example.pe")
    with django_capture_on_commit_callbacks(execute=True):
        arco_request_answer(request_id=arco.pk, answer="Adjuntamos tus datos.", actor=superuser)
    assert [message.to for message in mail.outbox] == [["escribio@example.pe"]]
    message = mail.outbox[0]
    assert arco.number in message.subject and "Respuesta a tu solicitud" in message.subject
    assert "Adjuntamos tus datos." in message.body and "(Acceso, Ley 29733)" in message.body
    assert send_arco_answer(arco.pk) is False  # a task run again sends nothing
    assert len(mail.outbox) == 1 and ArcoRequest.objects.get(pk=arco.pk).answer_sent_at is not None
