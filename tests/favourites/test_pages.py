"""The hearts on cached cards and pages: each shopper gets their own state on the same cached
page, the page's one favourites form works for whoever got it, and listings with hearts keep
their query count."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from favourites.services import favourite_set
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STATE = re.compile(r'<script id="shopper-state" type="application/json">(.*?)</script>')
FORM_TOKEN = re.compile(
    r'<form id="favourite-form"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
)


def state(response) -> dict:
    assert response.status_code == 200
    return json.loads(STATE.search(response.content.decode()).group(1))


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_every_card_and_the_product_page_have_a_heart_and_no_token(client, ponchos):
    client.get("/csrf/")  # the CSRF cookie, as store.js asks for it: a first visit's page has no token
    listing = client.get("/c/ponchos/").content.decode()
    for product in ponchos:
        assert f'data-favourite="{product.pk}"' in listing
    page = client.get(ponchos[0].get_absolute_url()).content.decode()
    assert page.count(f'data-favourite="{ponchos[0].pk}"') == 1 and "Guardar en favoritos" in page
    assert f'data-recent-slot="{ponchos[0].pk}"' in page
    # The hearts post through the page's form, which alone carries the token.
    assert page.count('form="favourite-form"') == page.count("data-favourite=") == 3  # its own, two related
    assert page.count('name="csrfmiddlewaretoken"') == len(re.findall(r"<form[^>]* method=\"post\"", page))
    assert FORM_TOKEN.search(page)


@pytest.mark.page_cache
@pytest.mark.parametrize("url", ["/c/ponchos/", "/p/poncho-andino-0/"])
def test_a_cached_page_carries_each_shopper_s_own_state(ponchos, url):
    saver, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    saver.get("/csrf/")  # the CSRF cookie, as store.js asks for it: a first visit's page has no token
    saver.get(url)
    token = FORM_TOKEN.search(saver.get(url).content.decode()).group(1)
    assert (
        saver.post(
            reverse("favourites:toggle"), {"product": ponchos[0].pk, "save": "1", "csrfmiddlewaretoken": token}
        ).status_code
        == 302
    )
    other.post(reverse("favourites:recent"), {"product": ponchos[1].pk}, **HTMX)  # no token: refused

    assert state(saver.get(url))["favourites"] == [ponchos[0].pk]
    assert queries(other, url) == 0  # a hit
    page = other.get(url)
    assert state(page) == {"favourites": [], "recent": [], "session": False}
    # The cached page's form carries the other shopper's own token: their heart works without JS.
    token = FORM_TOKEN.search(page.content.decode()).group(1)
    assert (
        other.post(
            reverse("favourites:toggle"), {"product": ponchos[1].pk, "csrfmiddlewaretoken": token, "next": url}
        ).status_code
        == 302
    )
    assert state(other.get(url))["favourites"] == [ponchos[1].pk]
    assert state(saver.get(url))["favourites"] == [ponchos[0].pk]


def test_a_listing_s_hearts_cost_no_query_per_card(client, user, ponchos):
    client.force_login(user)
    for product in ponchos:
        favourite_set(user=user, product=product, saved=True)
    client.get("/c/ponchos/")
    few = queries(client, "/c/ponchos/")
    for index in range(6):
        favourite_set(user=user, product=ProductFactory(category=ponchos[0].category, name=f"Chal {index}"), saved=True)
    client.force_login(user)  # the session's copy of the account's list follows sign-in
    client.get("/c/ponchos/")
    assert queries(client, "/c/ponchos/") == few
    assert len(state(client.get("/c/ponchos/"))["favourites"]) == 9


def test_the_header_links_to_my_favourites(client):
    assert f'href="{reverse("favourites:list")}"' in client.get("/").content.decode()


def test_a_session_without_the_copy_of_the_list_gets_it_once(client, user, ponchos):
    favourite_set(user=user, product=ponchos[1], saved=True)
    client.force_login(user)
    session = client.session
    del session["favourites"]  # a session signed in before favourites existed
    session.save()
    assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[1].pk]
    assert client.session["favourites"] == {str(ponchos[1].pk): "151.00"}


def test_my_favourites_brings_the_hearts_up_to_date(client, user, ponchos):
    client.force_login(user)
    favourite_set(user=user, product=ponchos[0], saved=True)  # saved on another device
    assert state(client.get("/c/ponchos/"))["favourites"] == []
    client.get(reverse("favourites:list"))
    assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[0].pk]
