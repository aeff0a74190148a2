"""Rendered product cards are cached by what they show: the cached listing is the same HTML,
and a price, discount, rating or name change shows at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.card_cache import render_cards
from catalog.listing import card_queryset
from catalog.models import Product
from catalog.services import product_promotions_set
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoodies():
    category = CategoryFactory(name="Hoodies", slug="hoodies")
    brand = BrandFactory(name="Inti Wear", slug="inti-wear")
    products = [
        ProductFactory(name=f"Hoodie {i}", category=category, brand=brand, base_price=Decimal("100.00") + i,
                       units_sold=100 - i)
        for i in range(6)
    ]
    ProductImageFactory(product=products[0])
    return products


def _cards():
    return list(card_queryset(Product.objects.filter(status=Product.Status.ACTIVE).order_by("-units_sold")))


def test_a_cached_card_is_the_template_rendered(hoodies):
    products = _cards()
    cold = render_cards(products)
    warm = render_cards(_cards())

    assert cold == warm
    for index, product in enumerate(products):
        assert warm[index] == render_to_string("catalog/_product_card.html", {"product": product, "eager": index < 4})
    assert 'loading="lazy"' not in warm[0] and 'loading="lazy"' in render_to_string(
        "catalog/_product_card.html", {"product": products[0]})


def test_price_discount_rating_and_name_changes_show_at_once(client, hoodies):
    first = hoodies[0]
    assert "S/ 100.00" in client.get("/c/hoodies/").content.decode()

    Product.objects.filter(pk=first.pk).update(base_price=Decimal("120.00"))
    assert "S/ 120.00" in client.get("/c/hoodies/").content.decode()

    product_promotions_set(promotions={first.pk: (Decimal("50"), Decimal("0"))})  # an automatic discount
    page = client.get("/c/hoodies/").content.decode()
    assert "S/ 60.00" in page and "-50&nbsp;%" in page

    Product.objects.filter(pk=first.pk).update(rating_average=Decimal("4.50"), rating_count=7, name="Hoodie Nuevo")
    page = client.get("/c/hoodies/").content.decode()
    assert "(7)" in page and "Hoodie Nuevo" in page


def test_cards_follow_the_language(hoodies):
    products = _cards()
    with translation.override("es"):
        spanish = render_cards(products)
    with translation.override("en"):
        english = render_cards(products)
    assert "Sin foto por ahora" in spanish[1]
    assert "No photo yet" in english[1]


def _grid(response) -> str:
    page = response.content.decode()
    start = page.index('<ul class="product-grid">')
    return page[start:page.index("</ul>", start)]


def test_cards_cost_no_queries_cached_or_not(client, hoodies, django_assert_num_queries):
    products = _cards()
    with django_assert_num_queries(0):
        cold = render_cards(products)
    with django_assert_num_queries(0):
        assert render_cards(products) == cold


def test_the_cached_listing_stays_under_its_ceiling(client, hoodies):
    cold = client.get("/c/hoodies/")
    with CaptureQueriesContext(connection) as warm:
        cached = client.get("/c/hoodies/")
    assert cached.status_code == 200 and _grid(cached) == _grid(cold) and "Hoodie 5" in _grid(cached)
    assert len(warm) <= 3  # the facets, the tree and the cards come from the cache: the page's rows and images


# --- a search's ranking, cached per catalog version ---------------------------------------


def _listed(response) -> list[str]:
    return [p.name for p in response.context["listing"].page.object_list]


def test_a_cached_ranking_lists_what_sql_ranks(client, hoodies):
    ranked = _listed(client.get("/search/", {"q": "hoodie"}))
    # Another address (an ignored parameter), so the page is rendered again, from the cached ranking.
    cached = _listed(client.get("/search/", {"q": "hoodie", "utm_source": "mail"}))
    by_sql = _listed(client.get("/search/", {"q": "hoodie", "min_price": "0"}))  # a filter: ranked by SQL
    assert ranked == cached == by_sql == [p.name for p in hoodies]
    second = _listed(client.get("/search/", {"q": "hoodie", "per_page": "48", "page": "1"}))
    assert second == ranked


def test_a_cached_ranking_shows_current_prices_and_hides_what_left(client, hoodies):
    client.get("/search/", {"q": "hoodie"})
    Product.objects.filter(pk=hoodies[0].pk).update(base_price=Decimal("150.00"))  # no signal: the ranking stays
    page = client.get("/search/", {"q": "hoodie"})
    assert "S/ 150.00" in page.content.decode()

    hoodies[1].status = Product.Status.DRAFT
    hoodies[1].save()
    assert hoodies[1].name not in _listed(client.get("/search/", {"q": "hoodie"}))


def test_a_search_page_from_the_cached_ranking_stays_under_its_ceiling(client, hoodies):
    client.get("/search/", {"q": "hoodie"})
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/search/", {"q": "hoodie"}).status_code == 200
    # Matches exist?, the page's rows, their images, kits matching the words (and on SQLite the
    # FTS5 ranking, which search_products reads up front).
    assert len(warm) <= (4 if connection.vendor == "postgresql" else 5)


# --- the header menu, cached per tree version, language and highlighted family -------------


def _menu(response) -> str:
    page = response.content.decode()
    start = page.index('<nav class="category-nav"')
    return page[start:page.index("</nav>", start)]


def test_the_cached_menu_follows_renames_the_language_and_the_current_family(client, hoodies):
    category = hoodies[0].category
    family = category.family
    home = _menu(client.get("/"))
    assert _menu(client.get("/")) == home and category.name in home and "aria-current" not in home

    on_family = _menu(client.get(family.get_absolute_url()))
    assert 'aria-current="page"' in on_family

    category.name = "Polerones"
    category.save()
    assert "Polerones" in _menu(client.get("/"))

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Categories" in _menu(client.get("/"))
    client.post("/i18n/setlang/", {"language": "es-pe", "next": "/"})
    assert "Categorías" in _menu(client.get("/"))


# --- the filter groups, cached by what they show -----------------------------------------


def _filters(response) -> str:
    page = response.content.decode()
    start = page.index('<div class="filters-body">')
    return page[start:page.index('<form class="price-form"', start)]


def test_cached_filters_follow_counts_selection_and_language(client, hoodies):
    first = _filters(client.get("/c/hoodies/"))
    assert _filters(client.get("/c/hoodies/")) == first and "Inti Wear" in first

    other = BrandFactory(name="Andes Gear", slug="andes-gear")
    ProductFactory(name="Hoodie Andes", category=hoodies[0].category, brand=other)
    grown = _filters(client.get("/c/hoodies/"))
    assert "Andes Gear" in grown

    selected = _filters(client.get("/c/hoodies/", {"brand": "andes-gear"}))
    assert 'aria-current="true"' in selected and 'aria-current="true"' not in grown

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "In stock only" in _filters(client.get("/c/hoodies/"))
