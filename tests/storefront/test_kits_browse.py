"""Kits to browse: /kits/ filtered by room type and style, and a "Kits" strip in search results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Kit
from tests.factories import KitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kits():
    return {
        "office": KitFactory(
            name="Kit Oficina Nórdica",
            slug="oficina-nordica",
            room_type=Kit.Room.OFFICE,
            style_tags=["nórdico", "minimalista"],
        ),
        "gamer": KitFactory(name="Kit Gamer RGB", slug="gamer-rgb", room_type=Kit.Room.GAMING, style_tags=["gamer"]),
        "living": KitFactory(
            name="Kit Sala Minimalista", slug="sala-minimalista", room_type=Kit.Room.LIVING, style_tags=["minimalista"]
        ),
        "hidden": KitFactory(
            name="Kit Retirado", slug="retirado", room_type=Kit.Room.OFFICE, style_tags=["nórdico"], is_active=False
        ),
    }


def names(response) -> list[str]:
    return [kit.name for kit in response.context["browse"].kits]


def test_lists_active_kits_with_room_and_style_filters(client, kits):
    response = client.get("/kits/")
    assert response.status_code == 200
    assert names(response) == ["Kit Gamer RGB", "Kit Oficina Nórdica", "Kit Sala Minimalista"]
    browse = response.context["browse"]
    assert {r.value: r.count for r in browse.rooms} == {"office": 1, "living": 1, "gaming": 1}
    assert {s.value: s.count for s in browse.styles} == {"gamer": 1, "minimalista": 2, "nórdico": 1}
    assert "Kit Retirado" not in response.content.decode()


def test_filter_by_style_then_room(client, kits):
    response = client.get("/kits/", {"style": "minimalista"})
    assert names(response) == ["Kit Oficina Nórdica", "Kit Sala Minimalista"]
    # Room counts follow the chosen style; the selected style's link removes it.
    browse = response.context["browse"]
    assert {r.value: r.count for r in browse.rooms} == {"office": 1, "living": 1}
    assert next(s for s in browse.styles if s.selected).url == "/kits/"

    response = client.get("/kits/", {"style": "minimalista", "room": "living"})
    assert names(response) == ["Kit Sala Minimalista"]
    assert 'aria-current="true"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"room": "garage"},
        {"style": "x" * 500},
        {"room": "office\x00"},
        {"style": "<script>"},
    ],
)
def test_unknown_filters_are_ignored_never_a_500(client, kits, params):
    response = client.get("/kits/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert len(names(response)) == 3


def test_no_kits_is_a_friendly_page(client):
    response = client.get("/kits/")
    assert response.status_code == 200 and "Ningún kit coincide" in response.content.decode()


def test_query_count_is_flat(client, kits):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kits/", {"style": "minimalista"}).status_code == 200
        return len(queries)

    client.get("/kits/")
    few = count()
    for i in range(30):
        KitFactory(room_type=Kit.Room.BEDROOM, style_tags=["minimalista", f"estilo-{i}"])
    many = count()
    assert few == many
    assert many <= 4


def test_search_shows_a_kits_strip_when_a_kit_matches(client, kits):
    page = client.get("/search/", {"q": "gamer"}).content.decode()
    assert "kit-strip" in page and "/kits/gamer-rgb/" in page

    page = client.get("/search/", {"q": "minimalista"}).content.decode()
    assert "/kits/sala-minimalista/" in page and "/kits/oficina-nordica/" in page and "/kits/retirado/" not in page

    page = client.get("/search/", {"q": "teclado"}).content.decode()
    assert "kit-strip" not in page


def test_search_kits_strip_query_count_is_flat(client, kits):
    def count(q: str) -> int:
        client.get("/search/", {"q": q})  # warm the tree and facet caches, as in steady state
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": q}).status_code == 200
        return len(queries)

    few = count("kit")
    for i in range(20):
        KitFactory(name=f"Kit extra {i}", style_tags=["kit"])
    many = count("kit")
    assert few == many
    assert many <= 9
