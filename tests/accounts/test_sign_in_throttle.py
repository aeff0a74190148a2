"""Wrong passwords slow the guesser down, never lock the owner out: sign-in failures are
counted per (account, client address) and per address, over real HTTP against the live
server, each client speaking from its own loopback address."""

import pytest

from tests.accounts.live_http import HttpClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKER, OWNER, OTHER = "127.0.0.2", "127.0.0.3", "127.0.0.4"
THROTTLED = "Demasiados"


def shop_sign_in(client, email, password):
    return client.submit("/accounts/login/", {"login": email, "password": password})


def admin_sign_in(client, email, password):
    return client.submit("/admin/login/?next=/admin/", {"username": email, "password": password, "next": "/admin/"})


@pytest.mark.parametrize(
    "sign_in, make_user",
    [
        (shop_sign_in, lambda: UserFactory(email="rosa@example.pe")),
        (admin_sign_in, lambda: UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)),
    ],
    ids=["shop", "admin"],
)
def test_the_owner_signs_in_from_home_while_the_attacker_is_throttled(live_server, sign_in, make_user):
    user = make_user()
    attacker = HttpClient(live_server, ATTACKER)
    for attempt in range(5):
        answer = sign_in(attacker, user.email, f"guess-{attempt}")
        assert answer.status_code == 200 and THROTTLED not in answer.text

    throttled = sign_in(attacker, user.email, PASSWORD)
    assert throttled.status_code == 200 and THROTTLED in throttled.text  # even the right password, from there
    assert "sessionid" not in attacker.session.cookies

    owner = HttpClient(live_server, OWNER)
    answer = sign_in(owner, user.email, PASSWORD)
    assert answer.status_code == 302, answer.text[:500]
    assert "sessionid" in owner.session.cookies


def test_one_address_trying_many_accounts_is_throttled_per_address(live_server, settings):
    users = [UserFactory(email=f"cliente{n}@example.pe") for n in range(3)]
    sprayer = HttpClient(live_server, ATTACKER)
    rate = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[0]  # per ip
    per_ip = int(rate.split("/")[0])
    for attempt in range(per_ip):
        shop_sign_in(sprayer, users[attempt % 3].email, "Verano2026")

    assert THROTTLED in shop_sign_in(sprayer, users[0].email, PASSWORD).text
    assert shop_sign_in(HttpClient(live_server, OTHER), users[0].email, PASSWORD).status_code == 302
