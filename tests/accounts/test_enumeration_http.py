"""Sign-up and password reset answer a known e-mail exactly as an unknown one, over real HTTP:
the same status, redirect, cookies and page. (How long each takes is measured by
bench/bench_enumeration.py, never asserted here.)"""

import re

import pytest
from django.core import mail

from tests.accounts.live_http import HttpClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

KNOWN, UNKNOWN = "rosa@example.pe", "nadie@example.pe"
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
    re.compile(r"csrf[-_]?token[^\n]{0,80}", re.I),
]


def page(response, email: str) -> str:
    text = response.text.replace(email, "EMAIL")
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    return text


def answer(live_server, path: str, data: dict, email: str, source_ip: str) -> dict:
    """What a stranger sees: the POST's status, redirect and cookies, then the page it leads to."""
    client = HttpClient(live_server, source_ip)
    response = client.submit(path, data)
    followed = client.get(response.headers["Location"]) if response.is_redirect else response
    return {
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "cookies": sorted(response.cookies.keys()),
        "next status": followed.status_code,
        "next cookies": sorted(followed.cookies.keys()),
        "page": page(followed, email),
        "signed in": client.get("/accounts/profile/").status_code == 200,
    }


def signup_data(email: str) -> dict:
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Lucía",
        "last_name": "Mamani",
        "phone": "",
        "dni": "",
    }


@pytest.fixture
def known():
    return UserFactory(email=KNOWN)


def test_sign_up_answers_a_known_email_like_a_new_one(live_server, known):
    taken = answer(live_server, "/accounts/signup/", signup_data(KNOWN), KNOWN, "127.0.0.5")
    new = answer(live_server, "/accounts/signup/", signup_data(UNKNOWN), UNKNOWN, "127.0.0.6")

    assert taken == new
    assert new["signed in"] is False  # a new account signs in from the link it is e-mailed
    # Each address hears what it needs by e-mail: "you already have an account", "confirm it".
    assert sorted(message.to[0] for message in mail.outbox) == [UNKNOWN, KNOWN]


def test_password_reset_answers_a_known_email_like_an_unknown_one(live_server, known):
    asked = answer(live_server, "/accounts/password/reset/", {"email": KNOWN}, KNOWN, "127.0.0.5")
    nobody = answer(live_server, "/accounts/password/reset/", {"email": UNKNOWN}, UNKNOWN, "127.0.0.6")

    assert asked == nobody
    assert sorted(message.to[0] for message in mail.outbox) == [UNKNOWN, KNOWN]


def test_sign_up_answers_a_registered_dni_like_a_new_one(live_server):
    UserFactory(email=KNOWN, dni="43451826")
    clash = answer(
        live_server,
        "/accounts/signup/",
        signup_data("lucia@example.pe") | {"dni": "43451826"},
        "lucia@example.pe",
        "127.0.0.5",
    )
    free = answer(live_server, "/accounts/signup/", signup_data(UNKNOWN) | {"dni": "45871236"}, UNKNOWN, "127.0.0.6")

    assert clash == free
    assert clash["status"] == 302


def test_sign_up_answers_alike_when_the_address_was_just_written_to(live_server, known):
    """allauth writes to one address at most once every few minutes; a second sign-up with a taken
    address found its mail held back and answered without the "we sent you a link" message (no
    `messages` cookie, a shorter page). The answer may not depend on whether a mail leaves."""
    answer(live_server, "/accounts/signup/", signup_data(KNOWN), KNOWN, "127.0.0.4")
    again = answer(live_server, "/accounts/signup/", signup_data(KNOWN), KNOWN, "127.0.0.5")
    new = answer(live_server, "/accounts/signup/", signup_data(UNKNOWN), UNKNOWN, "127.0.0.6")

    assert again == new
    assert "messages" in new["cookies"]
    # Held back all the same, by the worker: the owner hears once, not once per attempt.
    assert sorted(message.to[0] for message in mail.outbox) == [UNKNOWN, KNOWN]
