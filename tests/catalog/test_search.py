import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import search
from catalog.models import Product
from catalog.search import normalize, search_products, suggest
from tests.factories import BrandFactory, CategoryFactory, FamilyFactory, ProductFactory
from tests.harness import clear_cache, shared_by_module, warm_site_settings

pytestmark = pytest.mark.django_db


@shared_by_module
def catalog():
    tech = FamilyFactory(name="Tecnología", slug="tecnologia")
    gpus = CategoryFactory(family=tech, name="Tarjetas gráficas", slug="tarjetas-graficas")
    laptops = CategoryFactory(family=tech, name="Laptops", slug="laptops")
    peripherals = CategoryFactory(family=tech, name="Periféricos", slug="perifericos")
    moda = FamilyFactory(name="Moda", slug="moda")
    shoes = CategoryFactory(family=moda, name="Zapatillas", slug="zapatillas")
    chairs = CategoryFactory(family=FamilyFactory(name="Hogar", slug="hogar"), name="Sillas", slug="sillas")
    headphones = CategoryFactory(family=tech, name="Audífonos", slug="audifonos")
    asus, lenovo, inti = (BrandFactory(name=n, slug=n.lower()) for n in ("ASUS", "Lenovo", "Inti Wear"))
    sony = BrandFactory(name="Sony", slug="sony")
    return {
        "gpu": ProductFactory(
            name="ASUS TUF Gaming GeForce RTX 4070 OC",
            brand=asus,
            category=gpus,
            base_sku="ASU-RTX4070",
            description="Tarjeta gráfica con 12 GB GDDR6X.",
        ),
        "laptop": ProductFactory(
            name="Lenovo IdeaPad Slim 3", brand=lenovo, category=laptops, description="Laptop liviana para estudiar."
        ),
        "sneaker": ProductFactory(
            name="Zapatillas Urban Runner", brand=inti, category=shoes, description="Zapatillas urbanas cómodas."
        ),
        "chair": ProductFactory(
            name="Silla ergonómica Andes",
            brand=inti,
            category=chairs,
            description="Silla de oficina con soporte lumbar.",
        ),
        "mention": ProductFactory(
            name="Mousepad XL", brand=asus, category=peripherals, description="Ideal junto a tu silla gamer."
        ),
        "draft": ProductFactory(name="Silla borrador", brand=inti, category=chairs, status=Product.Status.DRAFT),
        "headset": ProductFactory(
            name="Sony WH-1000XM5", brand=sony, category=headphones, description="Cancelación de ruido líder."
        ),
        "earbuds": ProductFactory(
            name="ASUS ROG Cetra II", brand=asus, category=headphones, description="In-ear con cable USB-C."
        ),
    }


def names(result) -> list[str]:
    return list(result.matches.order_by(*result.ordering).values_list("name", flat=True))


def test_normalize_strips_accents_symbols_and_length():
    assert normalize("  Tarjeta  GRÁFICA!! <script>%' OR 1=1 --") == "tarjeta grafica script or 1 1 --"
    assert len(normalize("x" * 2000)) == search.MAX_QUERY_LENGTH


class TestSearch:
    """The same answers on SQLite (FTS5, the embedded default) and on PostgreSQL (CI)."""

    def test_accent_insensitive_and_stemmed(self, catalog):
        assert names(search_products(Product.objects.visible(), "grafica")) == [catalog["gpu"].name]
        assert catalog["chair"].name in names(search_products(Product.objects.visible(), "ergonomicas"))

    def test_a_typo_still_finds_the_product(self, catalog):
        result = search_products(Product.objects.visible(), "zapatilas")
        assert names(result) == [catalog["sneaker"].name]
        assert result.corrected == "zapatillas"
        assert names(search_products(Product.objects.visible(), "lenvo")) == [catalog["laptop"].name]
        assert names(search_products(Product.objects.visible(), "silla ergonomca")) == [catalog["chair"].name]

    @pytest.mark.parametrize("query", ["audífonos", "audifonos", "AUDIFONOS", "audífono"])
    def test_accents_do_not_matter(self, catalog, query):
        result = search_products(Product.objects.visible(), query)
        assert sorted(names(result)) == sorted([catalog["headset"].name, catalog["earbuds"].name])
        assert result.corrected is None

    @pytest.mark.parametrize(
        "query", ["zapatilla", "zapatillas", "zapatillas urbanas", "laptops", "sillas ergonomicas"]
    )
    def test_singular_and_plural_find_the_same(self, catalog, query):
        expected = {
            "zapatilla": "sneaker",
            "zapatillas": "sneaker",
            "zapatillas urbanas": "sneaker",
            "laptops": "laptop",
            "sillas ergonomicas": "chair",
        }[query]
        result = search_products(Product.objects.visible(), query)
        assert names(result)[0] == catalog[expected].name
        assert result.corrected is None

    def test_typos_of_the_issue_are_corrected(self, catalog):
        result = search_products(Product.objects.visible(), "laptp")
        assert (names(result), result.corrected) == ([catalog["laptop"].name], "laptops")  # the category's word
        result = search_products(Product.objects.visible(), "audifnos")
        assert result.corrected == "audifonos"
        assert len(names(result)) == 2

    def test_correct_words_are_not_corrected(self, catalog):
        assert search_products(Product.objects.visible(), "silla").corrected is None
        assert names(search_products(Product.objects.visible(), "qwxzv")) == []

    def test_name_outranks_description(self, catalog):
        result = names(search_products(Product.objects.visible(), "silla"))
        assert result[0] == catalog["chair"].name
        assert catalog["mention"].name in result[1:]

    def test_brand_category_and_sku_are_searched(self, catalog):
        assert catalog["sneaker"].name in names(search_products(Product.objects.visible(), "inti wear"))
        assert names(search_products(Product.objects.visible(), "ASU-RTX4070")) == [catalog["gpu"].name]
        assert catalog["gpu"].name in names(search_products(Product.objects.visible(), "tarjetas graficas"))

    def test_drafts_are_never_found(self, catalog):
        assert catalog["draft"].name not in names(search_products(Product.objects.visible(), "silla borrador"))

    def test_renaming_a_brand_refreshes_its_products(self, catalog):
        brand = catalog["laptop"].brand
        brand.name = "Yoga Lenovo"
        brand.save()
        assert names(search_products(Product.objects.visible(), "yoga")) == [catalog["laptop"].name]


@pytest.mark.parametrize(
    "hostile",
    ['"rtx', "100%", "<script>alert(1)</script>", "'; DROP TABLE catalog_product; --", "x" * 2000, "   ", "-"],
)
def test_hostile_queries_are_harmless(catalog, hostile):
    result = names(search_products(Product.objects.visible(), hostile))
    assert isinstance(result, list)
    assert Product.objects.count() == 8


def test_every_word_must_match(catalog):
    assert names(search_products(Product.objects.visible(), "silla andes")) == [catalog["chair"].name]
    assert names(search_products(Product.objects.visible(), "silla de oficina")) == [catalog["chair"].name]
    assert names(search_products(Product.objects.visible(), "inti")) != []


def test_suggestions(catalog):
    rows = suggest(Product.objects.visible(), "zapatillas")
    assert rows and rows[0]["slug"] == catalog["sneaker"].slug
    assert rows[0]["price"] == Decimal("199.90")
    assert suggest(Product.objects.visible(), "z") == []


@pytest.mark.parametrize("query", ["audífonos", "audifonos", "audifnos"])
def test_search_page_counts_and_facets(client, catalog, query):
    listing = client.get("/search/", {"q": query}).context["listing"]

    assert listing.total == 2
    assert {(value.label, value.count) for value in listing.brand_facet.values} == {("ASUS", 1), ("Sony", 1)}
    narrowed = client.get("/search/", {"q": query, "brand": "sony"}).context["listing"]
    assert narrowed.total == 1
    assert [product.name for product in narrowed.page] == [catalog["headset"].name]


class TestBroadSearch:
    """A search lists at most MAX_MATCHES matches, its best-selling ones, and says so."""

    @pytest.fixture
    def chairs(self, catalog, monkeypatch):
        monkeypatch.setattr(search, "MAX_MATCHES", 3)
        category = catalog["chair"].category
        return [
            ProductFactory(name=f"Silla Lima {n}", category=category, brand=catalog["chair"].brand, units_sold=n * 10)
            for n in range(1, 6)
        ]

    def test_more_matches_than_the_cap_keep_the_best_selling(self, chairs):
        result = search_products(Product.objects.visible(), "silla lima")
        assert result.capped
        assert sorted(names(result)) == ["Silla Lima 3", "Silla Lima 4", "Silla Lima 5"]

    def test_matches_beyond_the_first_walk_are_still_found_in_popularity_order(self, chairs, monkeypatch):
        monkeypatch.setattr(search, "WALK", 2)  # the two best sellers below match nothing
        for name in ("Mesa Cusco", "Mesa Puno"):
            ProductFactory(name=name, category=chairs[0].category, brand=chairs[0].brand, units_sold=1000)
        result = search_products(Product.objects.visible(), "silla lima")
        assert result.capped
        assert sorted(names(result)) == ["Silla Lima 3", "Silla Lima 4", "Silla Lima 5"]

    def test_up_to_the_cap_every_match_and_not_capped(self, chairs):
        result = search_products(Product.objects.visible(), "silla lima 4")
        assert not result.capped
        assert names(result) == ["Silla Lima 4"]

    def test_the_page_says_the_search_was_narrowed(self, client, chairs):
        page = client.get("/search/", {"q": "silla lima"}).content.decode()
        assert "search-capped" in page
        assert "Silla Lima 5" in page and "Silla Lima 2" not in page
        narrow = client.get("/search/", {"q": "silla andes"}).content.decode()
        assert "search-capped" not in narrow

    def test_a_broad_search_makes_the_queries_of_a_narrow_one(self, client, chairs, django_assert_num_queries):
        def cold(query: str) -> None:
            clear_cache()  # every search cold, as after a cache loss
            warm_site_settings()
            assert client.get("/search/", {"q": query}).status_code == 200

        with CaptureQueriesContext(connection) as narrow:
            cold("silla lima 4")
        with django_assert_num_queries(len(narrow)):
            cold("silla lima")

    def test_the_page_reads_its_matches_as_one_parameter(self, client, chairs, monkeypatch):
        """Its facets and cards (and on SQLite its ranking) read the matches by id: as one list, not one
        placeholder per match (1,000 of them cost Python some 15 ms a query on a large catalog)."""
        monkeypatch.setattr(search, "MAX_MATCHES", 1000)
        clear_cache()
        warm_site_settings()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "silla lima"}).status_code == 200
        queries = [query["sql"] for query in captured]
        by_id_list = [sql for sql in queries if re.search(r'"catalog_product"\."id" IN \(\d+, \d+', sql)]
        assert by_id_list == []
        one_parameter = "= ANY(" if connection.vendor == "postgresql" else "IN (SELECT value FROM json_each("
        assert sum(f'"catalog_product"."id" {one_parameter}' in sql for sql in queries) >= 2, queries

    def test_a_search_is_ranked_as_its_matches_are_read(self, client, catalog, monkeypatch):
        """On PostgreSQL the matches come with their ranks: the page lists them in the order SQL's RELEVANCE
        gives (words in the name before words in the description, whatever sold more), ranking them once."""
        if connection.vendor != "postgresql":
            pytest.skip("ranked as they are read on PostgreSQL (SQLite reads bm25 with its matches)")
        monkeypatch.setattr(search, "MAX_MATCHES", 4)
        category, brand = catalog["chair"].category, catalog["chair"].brand
        for n in range(1, 7):
            ProductFactory(
                name=f"Mesa Lima {n}", description="Con silla.", category=category, brand=brand, units_sold=n
            )
        Product.objects.filter(pk=catalog["chair"].pk).update(units_sold=4)  # among the four best sellers, sold least
        result = search_products(Product.objects.visible(), "silla")
        assert result.ranked == list(result.matches.order_by(*result.ordering).values_list("pk", flat=True))
        assert [Product.objects.get(pk=pk).name for pk in result.ranked][:1] == [catalog["chair"].name]
        clear_cache()
        warm_site_settings()
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/search/", {"q": "silla"})
        listed = [product.pk for product in page.context["listing"].page.object_list]
        assert listed == result.ranked
        ranked_again = [query["sql"] for query in captured if "ORDER BY ts_rank(" in query["sql"]]
        assert ranked_again == []
        assert [item["name"] for item in suggest(Product.objects.visible(), "silla")] == [
            Product.objects.get(pk=pk).name for pk in result.ranked
        ]


class TestWalkLength:
    """On PostgreSQL a search walks as many best sellers as its least common word's share of the catalog
    says it needs (PostgreSQL's statistics of the search vectors), or none when reading every match
    through the GIN index costs less; what it lists is the same either way."""

    @pytest.fixture
    def shelves(self, catalog, monkeypatch):
        if connection.vendor != "postgresql":
            pytest.skip("the walk's length reads PostgreSQL's statistics")
        monkeypatch.setattr(search, "MAX_MATCHES", 3)
        monkeypatch.setattr(search, "WALK", 1)
        category, brand = catalog["chair"].category, catalog["chair"].brand
        for n in range(1, 41):
            ProductFactory(name=f"Silla Lima {n}", category=category, brand=brand, units_sold=n)
            ProductFactory(name=f"Mesa Cusco {n}", category=category, brand=brand, units_sold=1000 + n)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_product")  # inside the test's transaction: rolled back with it

    def walk_length(self, query: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(search._WALK_LENGTH, search._walk_length_params(query))
            return cursor.fetchone()[0]

    def test_a_common_word_walks_what_its_share_needs(self, shelves, monkeypatch):
        monkeypatch.setattr(search, "MATCH_READ_COST", 1000)
        share = 40 / Product.objects.count()  # "silla": the 40 of Lima and the first chair ("mesa" is in 40)
        assert self.walk_length("silla lima") == pytest.approx(search.WALK_MARGIN * 4 / share, abs=2)

    def test_no_walk_when_reading_the_matches_costs_less(self, shelves, monkeypatch):
        monkeypatch.setattr(search, "MATCH_READ_COST", 0)
        assert self.walk_length("silla lima") == 0

    def test_no_walk_for_a_word_outside_the_statistics(self, shelves, monkeypatch):
        monkeypatch.setattr(search, "MATCH_READ_COST", 1000)
        assert self.walk_length("silla zzqx") == 0

    @pytest.mark.parametrize("read_cost", [0, 1000], ids=["read through the index", "walked"])
    def test_either_way_the_best_selling_matches(self, shelves, monkeypatch, read_cost):
        monkeypatch.setattr(search, "MATCH_READ_COST", read_cost)
        result = search_products(Product.objects.visible(), "silla lima")
        assert result.capped
        assert sorted(names(result)) == ["Silla Lima 38", "Silla Lima 39", "Silla Lima 40"]

    def test_a_walk_that_falls_short_reads_every_match(self, shelves, monkeypatch):
        monkeypatch.setattr(search, "MATCH_READ_COST", 1000)
        monkeypatch.setattr(search, "WALK_MAX", 5)  # the 40 tables sell more: no chair among the first 5
        result = search_products(Product.objects.visible(), "silla lima")
        assert sorted(names(result)) == ["Silla Lima 38", "Silla Lima 39", "Silla Lima 40"]
