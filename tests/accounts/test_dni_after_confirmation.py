"""Whose DNI has an account is told only to the confirmed owner of an e-mail address: sign-up
and an unconfirmed account's profile keep the DNI aside, unchecked, and confirming the e-mail
gives it to the account or says (then) that another account has it."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory, signup_data

pytestmark = pytest.mark.django_db

DNI = "43451826"


def confirm_from_mail(client) -> str:
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mail.outbox[-1].body).group(1)
    response = client.post(path, follow=True)
    assert response.status_code == 200
    return response.content.decode()  # the sign-in page, with what confirming said


def test_a_registered_dni_gets_the_sign_up_answer_of_a_free_one(sent):
    owner = UserFactory(dni=DNI)
    with sent():
        free = Client().post(reverse("account_signup"), signup_data(email="libre@example.pe", dni="45871236"))
    with sent():
        clash = Client().post(reverse("account_signup"), signup_data(email="otra@example.pe", dni=DNI))

    assert (
        (clash.status_code, clash["Location"])
        == (free.status_code, free["Location"])
        == (302, reverse("account_email_verification_sent"))
    )
    newcomer = User.objects.get(email="otra@example.pe")
    assert (newcomer.dni, newcomer.dni_pending) == ("", DNI)
    owner.refresh_from_db()
    assert owner.dni == DNI


def test_confirming_the_email_gives_the_account_its_free_dni(client, sent):
    with sent():
        client.post(reverse("account_signup"), signup_data(dni=DNI))
    assert User.objects.get(email="nueva@example.pe").dni == ""  # not before the e-mail is confirmed

    page = confirm_from_mail(client)

    user = User.objects.get(email="nueva@example.pe")
    assert (user.dni, user.dni_pending, user.email_verified) == (DNI, "", True)
    assert "registrado en otra cuenta" not in page


def test_confirming_the_email_tells_its_owner_the_dni_is_taken(client, sent):
    with sent():
        client.post(reverse("account_signup"), signup_data(dni=DNI))
    UserFactory(dni=DNI)  # somebody else had it, or took it meanwhile

    page = confirm_from_mail(client)

    user = User.objects.get(email="nueva@example.pe")
    assert (user.dni, user.dni_pending, user.email_verified) == ("", "", True)
    assert "El DNI que indicaste ya está registrado en otra cuenta" in page


class TestProfile:
    def data(self, dni):
        return {"first_name": "Lucía", "last_name": "Mamani", "phone": "", "dni": dni}

    def test_an_unconfirmed_account_answers_alike_for_a_taken_and_a_free_dni(self):
        UserFactory(dni=DNI)
        answers = []
        for email, dni in (("a@example.pe", DNI), ("b@example.pe", "45871236")):
            client = Client()
            client.force_login(UserFactory(email=email, email_verified=False))
            response = client.post(reverse("accounts:profile"), self.data(dni), follow=True)
            page = response.content.decode().replace(email, "EMAIL").replace(dni, "DNI")
            answers.append((response.status_code, re.sub(r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", page)))
        assert answers[0] == answers[1]
        assert answers[0][0] == 200
        assert User.objects.get(email="a@example.pe").dni_pending == DNI
        assert User.objects.get(email="a@example.pe").dni == ""

    def test_a_confirmed_account_is_told_at_once(self, client):
        UserFactory(dni=DNI)
        client.force_login(UserFactory(email_verified=True))
        response = client.post(reverse("accounts:profile"), self.data(DNI))
        assert response.context["form"].errors["dni"] == ["Este DNI ya está registrado en otra cuenta."]


def test_adding_an_email_of_another_account_answers_like_a_free_one(sent):
    """The sibling on the e-mail page: adding an address that another account has is answered, and
    written to, like any other (allauth's ACCOUNT_PREVENT_ENUMERATION; the confirmation cannot be
    used while the other account holds the address)."""
    UserFactory(email="rosa@example.pe")
    answers = []
    for email in ("rosa@example.pe", "libre@example.pe"):
        client = Client()
        client.force_login(UserFactory(email_verified=True))
        with sent():
            response = client.post(reverse("account_email"), {"action_add": "", "email": email})
        followed = client.get(response["Location"])
        messages = [str(m) for m in followed.context["messages"]]
        answers.append(
            (
                response.status_code,
                response["Location"],
                sorted(response.cookies.keys()),
                [m.replace(email, "EMAIL") for m in messages],
            )
        )
    assert answers[0] == answers[1]
    assert [m.to for m in mail.outbox] == [["rosa@example.pe"], ["libre@example.pe"]]
