import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory, signup_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Otra-clave-segura-77"


def link_in_last_mail(pattern: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match, f"no link matching {pattern!r} in:\n{body}"
    return match.group(1)


class TestSignup:
    def test_creates_user_with_argon2_hash_after_the_answer_and_the_link_confirms_it(self, client, sent):
        with sent():
            response = client.post(reverse("account_signup"), signup_data())

        assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
        user = User.objects.get(email="nueva@example.pe")
        # The DNI waits for the confirmed e-mail (checked against other accounts only then).
        assert (user.first_name, user.last_name, user.dni, user.dni_pending) == ("Lucía", "Mamani", "", "43451826")
        assert user.password.startswith("argon2$")
        assert user.email_verified is False
        # Not signed in by the answer (a taken address gets the same one): the account was made
        # after it (accounts.signup). The link confirms the address and the password signs in.
        assert client.get(reverse("accounts:profile")).status_code == 302
        assert len(mail.outbox) == 1
        assert "/accounts/confirm-email/" in mail.outbox[0].body
        confirmed = client.post(link_in_last_mail(r"/accounts/confirm-email/[^\s/]+/"))
        assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("account_login"))
        assert User.objects.get(email="nueva@example.pe").dni == "43451826"
        assert (
            client.post(reverse("account_login"), {"login": "nueva@example.pe", "password": PASSWORD}).status_code
            == 302
        )
        assert client.get(reverse("accounts:profile")).status_code == 200
        # Verification stays optional for signing in: the password works before confirming too.
        other = UserFactory(email="sin-confirmar@example.pe")
        assert not other.email_verified
        assert Client().post(reverse("account_login"), {"login": other.email, "password": PASSWORD}).status_code == 302

    def test_a_taken_email_gets_the_same_answer_and_an_email_instead(self, client, sent):
        """Enumeration prevention: a taken address is answered exactly like a new one; its owner
        is told by e-mail that an account already exists."""
        new = Client().post(reverse("account_signup"), signup_data(email="otra@example.pe", dni=""))
        mail.outbox.clear()
        UserFactory(email="nueva@example.pe")

        with sent():
            response = client.post(reverse("account_signup"), signup_data(email="Nueva@Example.pe"))

        assert (
            (response.status_code, response["Location"])
            == (new.status_code, new["Location"])
            == (302, reverse("account_email_verification_sent"))
        )
        assert User.objects.filter(email__iexact="nueva@example.pe").count() == 1
        assert client.get(response["Location"]).status_code == 200
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nueva@example.pe"]
        assert "already" in mail.outbox[0].body or "ya" in mail.outbox[0].body

    @pytest.mark.parametrize("dni", ["123", "1234567X", "123456789", "abcdefgh"])
    def test_bad_dni_is_a_field_error_and_nothing_is_written(self, client, dni):
        response = client.post(reverse("account_signup"), signup_data(dni=dni))

        assert response.status_code == 200
        assert "DNI" in " ".join(response.context["form"].errors["dni"])
        assert not User.objects.filter(email="nueva@example.pe").exists()

    def test_bad_phone_and_mismatched_passwords_are_field_errors(self, client):
        response = client.post(reverse("account_signup"), signup_data(phone="call me", password2="different-Pass-1"))

        errors = response.context["form"].errors
        assert "phone" in errors
        assert "password2" in errors
        assert not User.objects.exists()

    def test_the_answer_does_the_same_work_for_every_address(self):
        """Time follows work: a new address, a taken one and a taken DNI run the same queries
        before the answer (the account is made after it), and each hashes the password once."""
        UserFactory(email="rosa@example.pe", dni="43451826")
        work = []
        for n, data in enumerate(
            (
                signup_data(email="nueva@example.pe", dni="45871236"),
                signup_data(email="rosa@example.pe", dni="45871236"),
                signup_data(email="otra@example.pe", dni="43451826"),
            )
        ):
            client = Client(REMOTE_ADDR=f"10.20.0.{n + 1}")
            client.get(reverse("account_signup"))
            with (
                CaptureQueriesContext(connection) as queries,
                mock.patch("accounts.signup.make_password", wraps=make_password) as hashing,
            ):
                response = client.post(reverse("account_signup"), data)
            assert response.status_code == 302
            shapes = [
                re.sub(r"'[^']*'|\b\d+\b|_django_curs_\w+|\"s\d+_x\d+\"", "?", q["sql"])
                for q in queries.captured_queries
            ]
            work.append((shapes, hashing.call_count))
        assert work[0] == work[1] == work[2]
        assert work[0][1] == 1

    def test_dni_is_optional(self, client, sent):
        with sent():
            response = client.post(reverse("account_signup"), signup_data(dni=""))

        assert response.status_code == 302
        assert User.objects.get(email="nueva@example.pe").dni == ""


class TestLoginLogout:
    def test_login_with_email_case_insensitive_then_logout(self, client, user):
        response = client.post(reverse("account_login"), {"login": user.email.upper(), "password": PASSWORD})

        assert response.status_code == 302
        assert client.get(reverse("accounts:profile")).status_code == 200

        response = client.post(reverse("account_logout"))

        assert response.status_code == 302
        assert client.get(reverse("accounts:profile")).status_code == 302  # back to login

    def test_wrong_password_is_a_clear_error(self, client, user):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert "_auth_user_id" not in client.session

    def test_failed_logins_are_rate_limited_per_account_from_one_address(self, client, user):
        for _ in range(5):
            client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

        # Even the right password is refused from this address while it is throttled there.
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "Too many failed login attempts" in str(response.context["form"].non_field_errors()) or (
            "Demasiados" in str(response.context["form"].non_field_errors())
        )

    def test_inactive_user_cannot_log_in(self, client):
        user = UserFactory(is_active=False)

        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

        assert "_auth_user_id" not in client.session

    def test_logout_by_get_does_not_log_out(self, client, user):
        client.force_login(user)

        client.get(reverse("account_logout"))  # shows a confirmation page; only POST logs out

        assert client.session["_auth_user_id"] == str(user.pk)


class TestPasswordReset:
    def test_full_reset_flow(self, client, user, sent):
        with sent():
            response = client.post(reverse("account_reset_password"), {"email": user.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1

        key_path = link_in_last_mail(r"/accounts/password/reset/key/[^\s]+/")
        response = client.get(key_path, follow=True)
        set_password_path = response.redirect_chain[-1][0] if response.redirect_chain else key_path

        response = client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302

        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert user.password.startswith("argon2$")
        client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_tampered_key_changes_nothing(self, client, user, sent):
        with sent():
            client.post(reverse("account_reset_password"), {"email": user.email})
        key_path = link_in_last_mail(r"/accounts/password/reset/key/[^\s]+/")
        tampered = key_path[:-3] + "xx/"

        response = client.get(tampered, follow=True)
        client.post(
            response.redirect_chain[-1][0] if response.redirect_chain else tampered,
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_known_and_unknown_emails_get_the_same_answer(self, client, user, sent):
        with sent():
            known = client.post(reverse("account_reset_password"), {"email": user.email})
            unknown = Client().post(reverse("account_reset_password"), {"email": "nadie@example.pe"})

        assert (
            (known.status_code, known["Location"])
            == (unknown.status_code, unknown["Location"])
            == (302, reverse("account_reset_password_done"))
        )
        # Each address is written to either way: a reset link, or "there is no account here".
        assert [m.to for m in mail.outbox] == [[user.email], ["nadie@example.pe"]]
        assert "/accounts/password/reset/key/" in mail.outbox[0].body
        assert "/accounts/password/reset/key/" not in mail.outbox[1].body


class TestEmailVerification:
    def test_confirmation_link_marks_user_verified(self, client, sent):
        with sent():
            client.post(reverse("account_signup"), signup_data())
        confirm_path = link_in_last_mail(r"/accounts/confirm-email/[^\s/]+/")

        assert client.get(confirm_path).status_code == 200  # a page with a confirm button, no change on GET
        assert User.objects.get(email="nueva@example.pe").email_verified is False

        response = client.post(confirm_path)

        assert response.status_code == 302
        user = User.objects.get(email="nueva@example.pe")
        assert user.email_verified is True
        assert EmailAddress.objects.get(user=user).verified is True

    def test_bad_key_changes_nothing(self, client, sent):
        with sent():
            client.post(reverse("account_signup"), signup_data())

        response = client.post("/accounts/confirm-email/not-a-real-key/")

        assert response.status_code in (200, 404)
        assert User.objects.get(email="nueva@example.pe").email_verified is False


def test_the_sign_up_task_queues_its_mail_apart(client, sent):
    """The sign-up's task makes the account; its mail goes by a task of its own, with its own
    retries. Sent from inside the sign-up's task, an SMTP failure retried the whole sign-up, which
    then found the account made and told its new owner "you already have an account"."""
    from accounts import tasks

    queued = []
    with (
        mock.patch.object(tasks.send_account_email, "delay", side_effect=queued.append),
        mock.patch.object(tasks.EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError),
        sent(),
    ):
        client.post(reverse("account_signup"), signup_data())

    assert User.objects.filter(email="nueva@example.pe").exists()
    assert len(queued) == 1 and "/accounts/confirm-email/" in queued[0]["body"]
