"""Control characters (NUL above all: PostgreSQL refuses it) are bad input everywhere: one
middleware answers 400 for any GET or POST parameter carrying one. The test walks the whole
URLconf so no form or endpoint, present or added later, escapes the guard."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inventory.models import Reservation
from tests.factories import VariantFactory, stock

pytestmark = pytest.mark.django_db

SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _route_paths(patterns, prefix=""):
    for entry in patterns:
        pattern = entry.pattern
        route = getattr(pattern, "_route", None)
        if route is None:  # a regular expression: only literal ones (the admin's app index has groups)
            regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
            if re.search(r"[(\[?*+\\]", regex):
                continue
            route = regex
        part = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
        if isinstance(entry, URLResolver):
            yield from _route_paths(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part


ALL_PATHS = sorted(set(_route_paths(get_resolver().url_patterns)))


def test_the_walk_covers_the_store():
    for name in (
        "cart:add",
        "checkout:place",
        "orders:lookup",
        "account_login",
        "account_signup",
        "catalog:search",
        "admin:login",
    ):
        assert reverse(name) in ALL_PATHS
    assert len(ALL_PATHS) > 100


@pytest.mark.parametrize("path", ALL_PATHS)
def test_every_endpoint_refuses_control_characters(path):
    client = Client(raise_request_exception=False)
    posted = client.post(path, {"sku": "HOOD\x00-M", "email": "a@b.pe", "q": "ok"})
    queried = client.get(path, {"q": "polo\x00"})
    escaped = client.post(path, {"name\x1b": "x", "note": "a\x7fb"})

    assert (posted.status_code, queried.status_code, escaped.status_code) == (400, 400, 400)
    assert "caracteres que no están permitidos" in posted.content.decode()


def test_nul_in_sku_on_add_to_cart_is_a_400_and_writes_nothing(client):
    stock(VariantFactory(sku="HOOD-M"), quantity=5)

    response = client.post(reverse("cart:add"), {"sku": "HOOD-M\x00", "quantity": "1"})

    assert response.status_code == 400
    assert not Reservation.objects.exists()


def test_tabs_and_line_breaks_are_text_not_bad_input(client):
    response = client.get(reverse("catalog:search"), {"q": "polo\tazul\r\nlargo"})
    assert response.status_code == 200
