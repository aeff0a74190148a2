"""The back office behind a second factor (core.staff_mfa, allauth.mfa) with real TOTP codes computed
from the secret the set-up page shows (pyotp), recovery codes used once, wrong and replayed codes
refused; and a staff member's sessions ended when the access is taken away."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from accounts import services
from accounts.roles import roles_sync
from tests.factories import PASSWORD, SellerFactory, UserFactory
from tests.harness import current_totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def clerk(db):
    return UserFactory(email="caja@kallpa.pe", is_staff=True, is_superuser=True)


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def set_up_totp(client) -> str:
    """The set-up page's secret (as a person reads it off the page), confirmed with its current code.
    allauth asks the password again first (a change of the account's security)."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page["Location"].startswith(reverse("account_reauthenticate")):
        assert client.post(page["Location"], {"password": PASSWORD}).status_code == 302
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = re.search(r"\b([A-Z2-7]{32})\b", page.content.decode()).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


def with_totp(client, user) -> str:
    assert sign_in(client, user).status_code == 302
    secret = set_up_totp(client)
    client.logout()
    return secret


def admin_status(client) -> tuple[int, str]:
    response = client.get(reverse("admin:index"))
    return response.status_code, response.get("Location", "")


def test_without_totp_staff_are_sent_to_set_it_up_before_any_admin_page(client, required, clerk):
    assert sign_in(client, clerk).status_code == 302

    status, location = admin_status(client)
    assert status == 302 and location.startswith(reverse("mfa_activate_totp"))
    assert client.get(reverse("admin:orders_order_changelist"))["Location"].startswith(reverse("mfa_activate_totp"))


def test_set_up_then_the_admin_asks_the_code_after_the_password(client, required, clerk):
    secret = with_totp(client, clerk)
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()

    # The admin's own sign-in page sends to the store's, which asks the code after the password.
    assert client.get(reverse("admin:login"))["Location"].startswith(reverse("account_login"))
    response = sign_in(client, clerk)
    assert response["Location"] == reverse("mfa_authenticate")
    assert admin_status(client)[0] == 302  # the password alone is not a session

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert admin_status(client) == (200, "")


def test_a_wrong_or_replayed_code_is_refused(client, required, clerk):
    secret = with_totp(client, clerk)
    code = current_totp_code(secret)
    sign_in(client, clerk)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.logout()

    sign_in(client, clerk)
    replayed = client.post(reverse("mfa_authenticate"), {"code": code})  # the same code, again
    assert replayed.status_code == 200
    assert admin_status(client)[0] == 302


def test_a_recovery_code_signs_in_once(client, required, clerk):
    with_totp(client, clerk)
    sign_in(client, clerk)
    client.get(reverse("mfa_generate_recovery_codes"))  # allauth makes them on first view
    authenticator = Authenticator.objects.get(user=clerk, type=Authenticator.Type.RECOVERY_CODES)
    recovery = RecoveryCodes(authenticator).get_unused_codes()[0]
    client.logout()

    sign_in(client, clerk)
    assert client.post(reverse("mfa_authenticate"), {"code": recovery}).status_code == 302
    assert admin_status(client) == (200, "")
    client.logout()
    sign_in(client, clerk)
    assert client.post(reverse("mfa_authenticate"), {"code": recovery}).status_code == 200


def test_a_session_signed_in_without_the_code_is_signed_out(client, required, clerk):
    with_totp(client, clerk)
    client.force_login(clerk)  # e.g. signed in before the setting was turned on

    status, location = admin_status(client)
    assert status == 302 and location.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_customers_are_not_asked(client, required, customer):
    assert sign_in(client, customer).status_code == 302
    assert client.get(reverse("account_email")).status_code == 200
    assert not Authenticator.objects.filter(user=customer).exists()


def test_off_the_admin_form_still_refuses_a_password_alone_for_an_account_with_a_code(client, clerk):
    with_totp(client, clerk)
    response = client.post(reverse("admin:login"), {"username": clerk.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "segundo factor" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("removal", [{"is_staff": False, "is_superuser": False}, {"is_active": False}])
def test_taking_the_access_away_ends_the_sessions_at_once(client, clerk, removal):
    other_browser = client.__class__()
    client.force_login(clerk)
    other_browser.force_login(clerk)
    assert admin_status(client) == (200, "")

    for field, value in removal.items():
        setattr(clerk, field, value)
    clerk.save()

    for browser in (client, other_browser):
        response = browser.get(reverse("account_email"))
        assert not response.wsgi_request.user.is_authenticated


def test_an_admin_resets_a_lost_phone_and_the_next_admin_page_asks_for_a_new_set_up(client, settings, clerk, staff):
    with_totp(client, clerk)
    admin_client = client.__class__()
    admin_client.force_login(staff)  # the admin's own second factor is another test's matter
    other = UserFactory()  # no second factor: not counted

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [clerk.pk, other.pk]},
        follow=True,
    )

    assert "1 usuario debe configurar un nuevo segundo factor." in response.content.decode()
    assert not Authenticator.objects.filter(user=clerk).exists()
    settings.STAFF_MFA_REQUIRED = True
    sign_in(client, clerk)
    assert admin_status(client)[1].startswith(reverse("mfa_activate_totp"))


def test_allauths_own_authenticator_admin_is_not_there(client, staff):
    client.force_login(staff)
    assert "/admin/mfa/" not in client.get(reverse("admin:index")).content.decode()


def test_withdrawing_a_sellers_approval_ends_their_sessions(client, staff):
    roles_sync()
    seller = SellerFactory(store_name="Tejidos Vicús")
    services.seller_approve(seller=seller, actor=staff)
    seller.user.refresh_from_db()
    client.force_login(seller.user)
    assert admin_status(client) == (200, "")
    admin_client = client.__class__()
    admin_client.force_login(staff)

    response = admin_client.post(
        reverse("admin:accounts_seller_changelist"),
        {"action": "withdraw_approval", "_selected_action": [seller.pk]},
        follow=True,
    )

    assert "1 vendedor ya no vende; sus sesiones se cerraron." in response.content.decode()
    seller.refresh_from_db()
    assert not seller.is_approved and not seller.user.is_staff
    assert not client.get(reverse("account_email")).wsgi_request.user.is_authenticated
