from decimal import Decimal

import pytest
from django.db import connection

from catalog import search
from catalog.models import Product
from catalog.search import normalize, search_products, suggest
from tests.factories import BrandFactory, CategoryFactory, FamilyFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text and trigram search: set DATABASE_URL to a PostgreSQL database")


@pytest.fixture
def catalog():
    tech = FamilyFactory(name="Tecnología", slug="tecnologia")
    gpus = CategoryFactory(family=tech, name="Tarjetas gráficas", slug="tarjetas-graficas")
    laptops = CategoryFactory(family=tech, name="Laptops", slug="laptops")
    peripherals = CategoryFactory(family=tech, name="Periféricos", slug="perifericos")
    moda = FamilyFactory(name="Moda", slug="moda")
    shoes = CategoryFactory(family=moda, name="Zapatillas", slug="zapatillas")
    chairs = CategoryFactory(family=FamilyFactory(name="Hogar", slug="hogar"), name="Sillas", slug="sillas")
    asus, lenovo, inti = (BrandFactory(name=n, slug=n.lower()) for n in ("ASUS", "Lenovo", "Inti Wear"))
    return {
        "gpu": ProductFactory(name="ASUS TUF Gaming GeForce RTX 4070 OC", brand=asus, category=gpus,
                              base_sku="ASU-RTX4070", description="Tarjeta gráfica con 12 GB GDDR6X."),
        "laptop": ProductFactory(name="Lenovo IdeaPad Slim 3", brand=lenovo, category=laptops,
                                 description="Laptop liviana para estudiar."),
        "sneaker": ProductFactory(name="Zapatillas Urban Runner", brand=inti, category=shoes,
                                  description="Zapatillas urbanas cómodas."),
        "chair": ProductFactory(name="Silla ergonómica Andes", brand=inti, category=chairs,
                                description="Silla de oficina con soporte lumbar."),
        "mention": ProductFactory(name="Mousepad XL", brand=asus, category=peripherals,
                                  description="Ideal junto a tu silla gamer."),
        "draft": ProductFactory(name="Silla borrador", brand=inti, category=chairs, status=Product.Status.DRAFT),
    }


def names(result) -> list[str]:
    return list(result.matches.order_by(*result.ordering).values_list("name", flat=True))


def test_normalize_strips_accents_symbols_and_length():
    assert normalize("  Tarjeta  GRÁFICA!! <script>%' OR 1=1 --") == "tarjeta grafica script or 1 1 --"
    assert len(normalize("x" * 2000)) == search.MAX_QUERY_LENGTH


@pytest.mark.usefixtures("on_postgresql")
class TestPostgresSearch:
    def test_accent_insensitive_and_stemmed(self, catalog):
        assert names(search_products(Product.objects.visible(), "grafica")) == [catalog["gpu"].name]
        assert catalog["chair"].name in names(search_products(Product.objects.visible(), "ergonomicas"))

    def test_a_typo_still_finds_the_product(self, catalog):
        result = search_products(Product.objects.visible(), "zapatilas")
        assert names(result) == [catalog["sneaker"].name]
        assert result.corrected == "zapatillas"
        assert names(search_products(Product.objects.visible(), "lenvo")) == [catalog["laptop"].name]
        assert names(search_products(Product.objects.visible(), "silla ergonomca")) == [catalog["chair"].name]

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
    assert Product.objects.count() == 6


def test_portable_fallback_requires_every_word(catalog, monkeypatch):
    monkeypatch.setattr(search, "_on_postgresql", lambda: False)
    assert names(search_products(Product.objects.visible(), "silla andes")) == [catalog["chair"].name]
    assert names(search_products(Product.objects.visible(), "inti")) != []


def test_suggestions(catalog):
    rows = suggest(Product.objects.visible(), "zapatillas")
    assert rows and rows[0]["slug"] == catalog["sneaker"].slug
    assert rows[0]["base_price"] == Decimal("199.90")
    assert suggest(Product.objects.visible(), "z") == []
