"""Rendered product cards are cached by what they show: the cached listing is the same HTML,
and a price, discount, rating or name change shows at once. The catalog data of the home page and
of a product page are cached by catalog version: a page the whole-page cache does not serve reads
them once, and its stock every time."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from catalog.card_cache import render_cards
from catalog.listing import cards_read
from catalog.models import Product
from catalog.services import product_promotions_set
from inventory.models import StockLevel
from inventory.services import stock_write_off
from tests.factories import (
    BannerFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
    stock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoodies():
    category = CategoryFactory(name="Hoodies", slug="hoodies")
    brand = BrandFactory(name="Inti Wear", slug="inti-wear")
    products = [
        ProductFactory(
            name=f"Hoodie {i}", category=category, brand=brand, base_price=Decimal("100.00") + i, units_sold=100 - i
        )
        for i in range(6)
    ]
    ProductImageFactory(product=products[0])
    return products


def _cards():
    return cards_read(Product.objects.filter(status=Product.Status.ACTIVE).order_by("-units_sold"))


def test_a_cached_card_is_the_template_rendered(hoodies):
    products = _cards()
    cold = render_cards(products)
    warm = render_cards(_cards())

    assert cold == warm
    for index, product in enumerate(products):
        assert warm[index] == render_to_string("catalog/_product_card.html", {"product": product, "eager": index < 4})
    assert 'loading="lazy"' not in warm[0] and 'loading="lazy"' in render_to_string(
        "catalog/_product_card.html", {"product": products[0]}
    )


def test_price_discount_rating_and_name_changes_show_at_once(client, hoodies):
    first = hoodies[0]
    assert "S/ 100.00" in client.get("/c/hoodies/").content.decode()

    Product.objects.filter(pk=first.pk).update(base_price=Decimal("120.00"))
    assert "S/ 120.00" in client.get("/c/hoodies/").content.decode()

    product_promotions_set(promotions={first.pk: (Decimal("50"), Decimal("0"))})  # an automatic discount
    page = client.get("/c/hoodies/").content.decode()
    assert "S/ 60.00" in page and "\u221250\u00a0%" in page

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
    return page[start : page.index("</ul>", start)]


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
    return page[start : page.index("</nav>", start)]


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
    return page[start : page.index('<form class="price-form"', start)]


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


# --- the catalog data of pages the whole-page cache does not serve --------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def _catalog_rows_read(client, url) -> list[str]:
    """The queries of one render that read product, variant or picture rows."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries
        if any(
            f'FROM "{table}"' in q["sql"] for table in ("catalog_product", "catalog_variant", "catalog_productimage")
        )
    ]


@pytest.fixture
def hoodie_page(hoodies):
    stock(VariantFactory(product=hoodies[0], sku="HOOD-0"), quantity=3)
    return hoodies[0].get_absolute_url()


def test_a_product_page_reads_its_catalog_part_once_and_shows_a_stock_change_at_once(client, hoodie_page):
    first = client.get(hoodie_page).content.decode()
    assert _catalog_rows_read(client, hoodie_page) == []
    assert _without_tokens(client.get(hoodie_page).content.decode()) == _without_tokens(first)

    level = StockLevel.objects.get(variant__sku="HOOD-0")  # no catalog write
    stock_write_off(variant=level.variant, warehouse=level.warehouse, quantity=3, reason="Dañado")
    assert "Agotado" not in first and "Agotado" in client.get(hoodie_page).content.decode()


def test_a_product_page_shows_a_price_change_at_once(client, hoodies, hoodie_page):
    assert "S/ 100.00" in client.get(hoodie_page).content.decode()
    product_promotions_set(promotions={hoodies[0].pk: (Decimal("50"), Decimal("0"))})
    assert "S/ 50.00" in client.get(hoodie_page).content.decode()
    Product.objects.filter(pk=hoodies[0].pk).update(status=Product.Status.DRAFT)
    assert client.get(hoodie_page).status_code == 404


def test_a_product_s_catalog_data_is_read_at_the_moment_it_is_read_not_when_its_query_was_built(hoodies, monkeypatch):
    """The product page's query is built once per process (catalog.selectors._page_products): the
    launch it waits for is judged when it is read. Read in an hour's time, a product waits for its
    first drop; read in three hours, that drop is over and it waits for the next one. A category
    hidden meanwhile hides its products."""
    from catalog.models import CollectionItem
    from catalog.selectors import _product_catalog_data
    from catalog.tree import catalog_tree
    from tests.factories import CollectionFactory, ahead

    drop = hoodies[1]
    first = CollectionFactory(starts_at=ahead(hours=2), ends_at=ahead(hours=3))
    second = CollectionFactory(starts_at=ahead(hours=4))
    for collection in (first, second):
        CollectionItem.objects.create(collection=collection, product=drop)
    now = timezone.now()
    for hours, reveal in ((1, first.starts_at), (3.5, second.starts_at)):
        monkeypatch.setattr(timezone, "now", lambda hours=hours: now + timedelta(hours=hours))
        product = _product_catalog_data(drop.slug).product
        assert product.price_reveal_at == reveal and product.price_is_secret

    drop.category.is_active = False
    drop.category.save()
    assert drop.category_id in catalog_tree().hidden_category_ids
    assert _product_catalog_data(drop.slug) is None


def test_an_unknown_product_stays_a_404(client, hoodies):
    assert client.get("/p/no-such-hoodie/").status_code == 404
    assert client.get("/p/no-such-hoodie/").status_code == 404


def test_the_home_page_reads_its_rows_once_and_shows_a_featured_change_at_once(client, hoodies):
    Product.objects.filter(pk=hoodies[1].pk).update(is_featured=True)
    assert "Hoodie 1" in client.get("/").content.decode()
    assert _catalog_rows_read(client, "/") == []
    Product.objects.filter(pk=hoodies[1].pk).update(is_featured=False)
    Product.objects.filter(pk=hoodies[2].pk).update(is_featured=True)
    page = client.get("/").content.decode()
    assert "Hoodie 2" in page and "Hoodie 1" not in page


def test_the_home_page_shows_a_banner_from_its_start(client, hoodies):
    starts_at = timezone.now() + timedelta(seconds=2)
    BannerFactory(title="Cyber Wow", starts_at=starts_at)
    assert "Cyber Wow" not in client.get("/").content.decode()
    assert _catalog_rows_read(client, "/") == []
    time.sleep(max((starts_at - timezone.now()).total_seconds(), 0) + 0.2)
    assert "Cyber Wow" in client.get("/").content.decode()


# --- a listing's and the home page's content, rendered once per catalog version ----------------


def _listing_html(page: str) -> str:
    start = page.index('<div id="listing"')
    return page[start : page.index("</section>", start)]


def test_a_listing_s_content_is_rendered_once_and_htmx_gets_its_results(client, hoodies):
    cold = client.get("/c/hoodies/").content.decode()
    assert _catalog_rows_read(client, "/c/hoodies/") == []  # the content, not only the cards, from the cache
    warm = client.get("/c/hoodies/").content.decode()
    assert _listing_html(warm) == _listing_html(cold) and "Hoodie 5" in warm

    results = client.get("/c/hoodies/", HTTP_HX_REQUEST="true")
    assert results.status_code == 200 and "HX-Request" in results["Vary"]
    fragment = results.content.decode()
    assert "<html" not in fragment and fragment.strip() and fragment in warm
    assert "<title>" in client.get("/c/hoodies/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true").content.decode()


def test_a_listing_s_content_follows_a_write_and_each_query_and_language(client, hoodies):
    client.get("/c/hoodies/")
    hoodies[0].name = "Hoodie Qhapaq"
    hoodies[0].save()
    assert "Hoodie Qhapaq" in client.get("/c/hoodies/").content.decode()
    assert '<meta name="robots"' in client.get("/c/hoodies/", {"min_price": "101"}).content.decode()
    client.cookies["lang"] = "en"
    assert "products" in client.get("/c/hoodies/").content.decode()


def test_a_listing_filtered_by_stock_is_rendered_again_after_seconds_the_others_after_a_minute(
    client, hoodies, monkeypatch
):
    from catalog import listing_cache

    for index, product in enumerate(hoodies[:2]):
        stock(VariantFactory(product=product, sku=f"HOOD-S{index}"), quantity=3)
    assert "Hoodie 0" in client.get("/c/hoodies/", {"in_stock": "1"}).content.decode()
    client.get("/c/hoodies/")
    StockLevel.objects.filter(variant__sku="HOOD-S0").update(on_hand=0)  # a sale: no catalog write

    now = time.time()
    monkeypatch.setattr(listing_cache.time, "time", lambda: now + 6)
    assert "Hoodie 0" not in _grid(client.get("/c/hoodies/", {"in_stock": "1"}))
    assert _catalog_rows_read(client, "/c/hoodies/") == []  # no stock shown: kept for a minute
    monkeypatch.setattr(listing_cache.time, "time", lambda: now + 61)
    assert _catalog_rows_read(client, "/c/hoodies/") != []


def test_a_listing_s_cached_content_stays_escaped(client, hoodies):
    CategoryFactory(name="<b>Polos</b>", slug="polos-b")
    for _ in range(2):
        page = client.get("/c/polos-b/").content.decode()
        assert "&lt;b&gt;Polos&lt;/b&gt;" in page and "<b>Polos</b>" not in page


@pytest.fixture
def reviewed_hoodie(hoodie_page, hoodies):
    from reviews.models import Review, ReviewStatus
    from tests.factories import UserFactory

    Review.objects.create(
        product=hoodies[0],
        user=UserFactory(first_name="Carla"),
        rating=5,
        title="Abriga",
        body="Abriga bien en Puno.",
        status=ReviewStatus.APPROVED,
    )
    Product.objects.filter(pk=hoodies[0].pk).update(rating_count=1, rating_average=Decimal("5"))
    return hoodie_page


@pytest.mark.parametrize("url", ["/", "/c/hoodies/", "/search/?q=hoodie", "reviewed_hoodie"])
def test_content_rendered_for_one_shopper_carries_no_token_of_theirs(url, reviewed_hoodie, request):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    from storefront.page_cache import CSRF_PLACEHOLDER

    url = reviewed_hoodie if url == "reviewed_hoodie" else url
    first, other = Client(), Client()
    for shopper in (first, other):  # their CSRF cookies, as store.js asks for them: a first visit's page has no token
        shopper.get("/csrf/")
    first.get(url)
    secret = first.cookies["csrftoken"].value
    page = other.get(url).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"', page))
    tokens = {token for pair in tokens for token in pair if token}
    assert tokens and CSRF_PLACEHOLDER not in page
    assert {_unmask_cipher_token(token) for token in tokens} == {other.cookies["csrftoken"].value} != {secret}


def test_a_guest_s_product_page_reads_no_review_rows_once_warm_and_a_signed_in_shopper_gets_their_own(
    client, reviewed_hoodie
):
    from tests.factories import UserFactory

    assert "Abriga bien en Puno." in client.get(reviewed_hoodie).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Abriga bien en Puno." in client.get(reviewed_hoodie).content.decode()
    assert not [q for q in queries if 'FROM "reviews_review"' in q["sql"]]

    shopper = type(client)()
    shopper.force_login(UserFactory(first_name="Nadia"))
    page = shopper.get(reviewed_hoodie).content.decode()
    assert "Abriga bien en Puno." in page and "Escribir una opinión" in page  # hers: she may write one
    assert "Escribir una opinión" not in client.get(reviewed_hoodie).content.decode()


def test_an_entry_kept_in_the_process_is_read_by_its_version_alone_and_ends_with_it():
    from catalog import listing_cache

    computed = []

    def compute():
        computed.append(object())
        return computed[-1]

    first = listing_cache.get_or_compute("test-scope", "x", compute, in_process=True)
    assert listing_cache.get_or_compute("test-scope", "x", compute, in_process=True) is first
    assert len(computed) == 1
    listing_cache.bump()  # any catalog write
    assert listing_cache.get_or_compute("test-scope", "x", compute, in_process=True) is computed[-1] is not first
    assert len(computed) == 2


def test_a_product_s_catalog_data_is_read_by_queries_compiled_once(monkeypatch):
    """Its variants, their option values and its pictures were Django's prefetches, built and compiled on
    every read (a third of reading it after the product's write): compiled once per process now, and
    read as the prefetches left them (in their order, each variant's own values, no query for their
    product)."""
    from django.db.models.sql.compiler import SQLCompiler

    from catalog.models import Option, OptionValue, ProductImage
    from catalog.selectors import _product_catalog_data
    from tests.factories import ProductFactory, VariantFactory

    size = Option.objects.create(code="size", name="Talla", order=1)
    colour = Option.objects.create(code="color", name="Color", order=0)
    polo = ProductFactory(name="Polo Nazca")
    large = VariantFactory(product=polo, sku="NAZCA-L", order=2)
    medium = VariantFactory(product=polo, sku="NAZCA-M", order=1)
    VariantFactory(product=polo, sku="NAZCA-XL", order=3, is_active=False)
    black = OptionValue.objects.create(option=colour, value="Negro", slug="negro")
    large.option_values.set([OptionValue.objects.create(option=size, value="L", slug="l"), black])
    medium.option_values.set([OptionValue.objects.create(option=size, value="M", slug="m"), black])
    second = ProductImage.objects.create(product=polo, image="p/2.jpg", order=2)
    first = ProductImage.objects.create(product=polo, image="p/1.jpg", order=1)
    _product_catalog_data(VariantFactory().product.slug)  # this process' first read compiles them
    compiled = []
    original = SQLCompiler.get_select
    monkeypatch.setattr(
        SQLCompiler, "get_select", lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k)
    )

    data = _product_catalog_data(polo.slug)
    assert compiled == []
    assert [variant.sku for variant in data.variants] == ["NAZCA-M", "NAZCA-L"]
    assert [variant.sku for variant in data.product.variants.all()] == ["NAZCA-M", "NAZCA-L"]
    assert data.options_of == {medium.pk: {"color": "negro", "size": "m"}, large.pk: {"color": "negro", "size": "l"}}
    assert [image.pk for image in data.product.images.all()] == [first.pk, second.pk]
    with CaptureQueriesContext(connection) as queries:
        assert {variant.product.name for variant in data.variants} == {"Polo Nazca"}
        assert [value.value for value in data.variants[0].option_values.all()] == ["Negro", "M"]
    assert len(queries) == 0
    # A query made from them stays within the product's own rows, as after Django's prefetch.
    assert list(data.product.variants.filter(sku__endswith="L").values_list("sku", flat=True)) == ["NAZCA-L"]


def test_a_value_the_variants_share_is_read_once_as_one_instance_with_its_option():
    """Ten variants of three values each were ninety model instances (each link's value and option), all
    pickled into the product's catalog data in Redis; the values several variants share are one
    instance each now, with every field as stored, and the same for a cart's variants."""
    import pickle

    from catalog.models import Option, OptionValue, Variant
    from catalog.selectors import option_values_prefetched
    from tests.factories import ProductFactory, VariantFactory

    size = Option.objects.create(code="size", name="Talla", order=1)
    colour = Option.objects.create(code="color", name="Color", order=0)
    black = OptionValue.objects.create(option=colour, value="Negro", slug="negro", swatch="#111111", order=3)
    sizes = [
        OptionValue.objects.create(option=size, value=name, slug=name.lower(), order=i) for i, name in enumerate("SML")
    ]
    polo = ProductFactory(name="Polo Nazca")
    variants = []
    for value in sizes:
        variant = VariantFactory(product=polo, sku=f"NAZCA-{value.value}")
        variant.option_values.set([value, black])
        variants.append(variant)
    bare = VariantFactory(product=polo, sku="NAZCA-UNICA")
    read = list(Variant.objects.filter(pk__in=[v.pk for v in [*variants, bare]]).order_by("pk"))

    with CaptureQueriesContext(connection) as queries:
        option_values_prefetched(read)
    assert len(queries) == 1

    blacks = {id(values[0]) for values in (list(v.option_values.all()) for v in read[:3])}
    assert len(blacks) == 1  # one instance for the three variants
    first_black = read[0].option_values.all()[0]
    assert len({id(values[1].option) for values in (list(v.option_values.all()) for v in read[:3])}) == 1
    assert [[(value.option.code, value.value) for value in v.option_values.all()] for v in read] == [
        [("color", "Negro"), ("size", "S")],
        [("color", "Negro"), ("size", "M")],
        [("color", "Negro"), ("size", "L")],
        [],
    ]
    stored = OptionValue.objects.select_related("option").get(pk=black.pk)
    assert (first_black.pk, first_black.option_id, first_black.value, first_black.slug, first_black.swatch) == (
        stored.pk,
        stored.option_id,
        stored.value,
        stored.slug,
        stored.swatch,
    )
    assert first_black.order == stored.order and not first_black._state.adding
    assert (first_black.option.code, first_black.option.name, first_black.option.order) == ("color", "Color", 0)
    # Pickled with the variants (the catalog data's entry), a shared value stays one instance.
    again = pickle.loads(pickle.dumps(read))
    assert again[0].option_values.all()[0] is again[2].option_values.all()[0]
