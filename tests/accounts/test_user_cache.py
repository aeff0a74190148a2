"""The signed-in user of a request comes from the cache (accounts.user_cache): a signed-in page
reads no user row, and every change to the user (password, deactivation, profile, a verified
e-mail) is seen by the next request."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.services import user_mark_email_verified, user_update_profile
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/cart/"


@pytest.fixture
def signed_in():
    user = UserFactory(email="rosa@example.pe", first_name="Rosa")
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(PAGE).status_code == 200
    return user, client


def _user_rows_read(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]


def _request_user(client):
    request = type("Request", (), {"session": client.session})()
    return get_user(request)


def test_a_signed_in_request_reads_no_user_row(signed_in):
    user, client = signed_in
    assert _user_rows_read(client) == []
    assert _request_user(client).pk == user.pk


def test_a_new_password_signs_the_other_sessions_out_at_once(signed_in):
    user, client = signed_in
    user.set_password("otra-clave-Segura-2026")
    user.save()
    assert not _request_user(client).is_authenticated


def test_a_deactivated_customer_is_signed_out_at_once(signed_in):
    user, client = signed_in
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not _request_user(client).is_authenticated


def test_a_deleted_customer_is_signed_out_at_once(signed_in):
    user, client = signed_in
    User.objects.get(pk=user.pk).delete()
    assert not _request_user(client).is_authenticated


def test_profile_and_verified_e_mail_show_on_the_next_request(signed_in):
    user, client = signed_in
    user_update_profile(user=user, first_name="Rosa María", last_name="Quispe", phone="", dni="")
    assert _request_user(client).first_name == "Rosa María"
    user_mark_email_verified(user=User.objects.get(pk=user.pk))
    assert _request_user(client).email_verified
