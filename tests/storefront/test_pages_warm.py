"""`manage.py pages_warm`: the pages a crowd opens first are rendered before it arrives, so their
cached parts are there for its first shoppers; it walks through an open waiting room on a staff pass
and says in Spanish what it could not render."""

from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from storefront.warm import pages_warm, warm_addresses
from tests.harness import clear_cache
from waitingroom.middleware import PASS_COOKIE, WAITING_HEADER
from waitingroom.room import forget_room
from waitingroom.services import room_set

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    return len(queries)


def test_the_addresses_are_home_families_categories_best_sellers_and_searches(shop):
    addresses = warm_addresses(products=1, searches=["hoodie negro"])
    assert addresses[0] == "/"
    assert {"/f/moda/", "/c/hoodies/", "/c/hoodies-ninos/"} <= set(addresses)
    assert "/p/hoodie-tech/" in addresses and "/p/hoodie-basico/" not in addresses  # the best seller only
    assert addresses[-1] == "/search/?q=hoodie+negro"


@pytest.mark.parametrize(
    "path", ["/p/hoodie-tech/", "/c/hoodies/", "/f/moda/", "/", "/search/?q=hoodie"], ids=lambda p: p
)
def test_after_warming_a_shoppers_first_request_finds_the_page_warm(shop, path, settings):
    settings.SITE_DOMAIN = "testserver"  # the shop's address, where its shoppers' requests arrive
    clear_cache()
    cold = _queries(path)
    clear_cache()
    report = pages_warm(products=10, searches=["hoodie"])
    assert report.failed == [] and report.pages >= 7
    warmed = _queries(path)
    assert warmed == _queries(path) < cold  # as warm as a second visit, and cheaper than the cold one


@pytest.mark.django_db(transaction=True)  # the room opens at the commit
def test_it_walks_through_an_open_waiting_room_without_taking_a_place(shop, settings):
    settings.WAITING_ROOM_STATE_SECONDS = 0
    forget_room()
    room_set(drop_open=True, opens_at=None, rate=Decimal("0.01"), threshold=0, admission_minutes=30, actor_id=None)
    try:
        Client().get("/")  # a shopper holds the first place; nobody is let in while the test runs
        report = pages_warm(products=10)
        assert (report.failed, report.held) == ([], [])
        assert WAITING_HEADER in Client().get("/c/hoodies/").headers  # shoppers still wait
        out = StringIO()
        with mock.patch("storefront.warm.staff_pass_cookie", return_value=(PASS_COOKIE, "forged")):
            with pytest.raises(CommandError):
                call_command("pages_warm", "--products", "0", stdout=out)
        assert "Retenida por la sala de espera: /\n" in out.getvalue()  # without its pass it stands in line
    finally:
        room_set(drop_open=False, opens_at=None, rate=Decimal("1"), threshold=0, admission_minutes=30, actor_id=None)
        forget_room()


def test_the_command_says_what_it_rendered_in_spanish(shop):
    out = StringIO()
    call_command("pages_warm", "--products", "2", "--search", "hoodie", stdout=out)
    assert "páginas" in out.getvalue() and "pages" not in out.getvalue()


@pytest.mark.parametrize(
    ("products", "said"),
    [("-1", "debe ser al menos 0"), ("muchos", "debe ser un número entero"), ("2.5", "debe ser un número entero")],
)
def test_a_bad_product_count_is_a_clear_error(shop, products, said):
    with pytest.raises(CommandError, match=f"--products {said}"):
        call_command("pages_warm", "--products", products, stdout=StringIO())


def test_an_address_the_store_refuses_is_reported_and_fails_the_command(shop, settings):
    settings.SITE_DOMAIN = "otra-tienda.example"  # not in ALLOWED_HOSTS: every page answers 400
    out = StringIO()
    with pytest.raises(CommandError, match="no se pudieron"):
        call_command("pages_warm", "--products", "1", stdout=out)
    assert "respuesta 400" in out.getvalue() and "/c/hoodies/" in out.getvalue()
