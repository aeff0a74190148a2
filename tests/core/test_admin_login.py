"""The admin's sign-in is limited like the shop's: failed attempts per account from one IP, and per IP."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)


def sign_in(client, email, password):
    return client.post(
        reverse("admin:login"), {"username": email, "password": password, "next": reverse("admin:index")}
    )


def test_wrong_passwords_throttle_the_guesser_not_the_owner(admin_user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,5/5m/key"}
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for attempt in range(5):
        response = sign_in(attacker, admin_user.email, f"guess-{attempt}")
        assert response.status_code == 200 and "Too many" not in response.content.decode()

    response = sign_in(attacker, admin_user.email, PASSWORD)

    assert response.status_code == 200  # the form again, not the admin
    assert "_auth_user_id" not in attacker.session
    assert response.context["form"].errors["__all__"][0].startswith("Demasiados intentos")
    # The owner, from another address, is not locked out by the guesser (per account and IP).
    owner = Client(REMOTE_ADDR="192.0.2.4")
    assert sign_in(owner, admin_user.email, PASSWORD).status_code == 302
    assert owner.session["_auth_user_id"] == str(admin_user.pk)


def test_the_right_password_still_works_and_clears_nothing_it_should_not(admin_user):
    client = Client()
    assert sign_in(client, admin_user.email, "wrong").status_code == 200

    response = sign_in(client, admin_user.email, PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_failed_attempts_per_ip_lock_out_password_spraying(admin_user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,50/5m/key"}
    sprayer = Client(REMOTE_ADDR="198.51.100.8")
    for n in range(3):
        sign_in(sprayer, f"staff{n}@kallpa.pe", "Verano2026")

    response = sign_in(sprayer, admin_user.email, PASSWORD)

    assert "_auth_user_id" not in sprayer.session
    assert "Demasiados intentos" in response.content.decode()
