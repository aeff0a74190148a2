"""A session is read with the request's shared keys (core.session_store): one round trip for both, and
cached_db's fallbacks kept: a session gone from the cache is read from the database, and cached again."""

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog import listing_cache
from tests.factories import PASSWORD, UserFactory
from tests.harness import counting_cache_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_nadia():
    user = UserFactory(first_name="Nadia")
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    client.get("/")  # shows (and so consumes) the "signed in" message
    return client


def _session_key(client: Client) -> str:
    return KEY_PREFIX + client.cookies["sessionid"].value


def test_a_signed_in_page_reads_its_session_with_the_shared_keys(signed_in_nadia, monkeypatch):
    reads = counting_cache_reads(monkeypatch)
    assert "Hola, Nadia" in signed_in_nadia.get("/").content.decode()
    with_session = [keys for keys in reads if _session_key(signed_in_nadia) in keys]
    assert len(with_session) == 1 and listing_cache.VERSION_KEY in with_session[0], reads


def test_a_session_gone_from_the_cache_is_read_from_the_database_and_cached_again(signed_in_nadia):
    cache.delete(_session_key(signed_in_nadia))
    assert "Hola, Nadia" in signed_in_nadia.get("/").content.decode()
    assert cache.get(_session_key(signed_in_nadia)) is not None


def test_a_session_in_neither_is_a_signed_out_browser(signed_in_nadia):
    Session.objects.filter(session_key=signed_in_nadia.cookies["sessionid"].value).delete()
    cache.delete(_session_key(signed_in_nadia))
    answer = signed_in_nadia.get("/account/orders/")
    assert answer.status_code == 302 and reverse("account_login") in answer["Location"]
