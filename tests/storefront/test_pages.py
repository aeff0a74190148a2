from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem, Product
from tests.factories import (
    BannerFactory,
    CollectionFactory,
    KitFactory,
    KitItemFactory,
    ProductImageFactory,
    ProductLineFactory,
    VariantFactory,
    listed,
)
from tests.factories import (
    grow_hoodies as _grow,
)
from tests.factories import (
    listing_query_count as _count,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


class TestListing:
    def test_category_lists_its_subcategories_products_and_hides_drafts(self, client, shop):
        response = client.get(reverse("catalog:category", args=["hoodies"]))

        assert response.status_code == 200
        assert set(listed(response)) == {"Hoodie Básico", "Hoodie Tech", "Hoodie Mini"}

    def test_family_page(self, client, shop):
        assert client.get(reverse("catalog:family", args=["moda"])).status_code == 200

    def test_facets_count_and_filter(self, client, shop):
        url = reverse("catalog:category", args=["hoodies"])
        listing = client.get(url).context["listing"]
        brands = {v.label: v.count for v in listing.brand_facet.values}
        colors = {v.label: v.count for f in listing.option_facets if f.code == "color" for v in f.values}
        assert brands == {"Inti Wear": 2, "Nike": 1}
        assert colors == {"Negro": 1, "Blanco": 2}

        assert set(listed(client.get(url, {"brand": "inti-wear"}))) == {"Hoodie Básico", "Hoodie Mini"}
        assert listed(client.get(url, {"color": "negro", "size": "xl"})) == ["Hoodie Básico"]
        assert listed(client.get(url, {"min_price": "100", "max_price": "400"})) == ["Hoodie Tech"]

    def test_sorting(self, client, shop):
        url = reverse("catalog:category", args=["hoodies"])
        assert listed(client.get(url, {"sort": "price_asc"})) == ["Hoodie Mini", "Hoodie Básico", "Hoodie Tech"]
        assert listed(client.get(url, {"sort": "price_desc"}))[0] == "Hoodie Tech"
        assert listed(client.get(url, {"sort": "best_selling"}))[0] == "Hoodie Tech"

    @pytest.mark.parametrize(
        "query",
        [
            {"page": "abc"},
            {"page": "0"},
            {"page": "-3"},
            {"page": "999999"},
            {"sort": "DROP TABLE"},
            {"min_price": "-5"},
            {"min_price": "500", "max_price": "10"},
            {"min_price": "1e999"},
            {"max_price": "NaN"},
            {"brand": "no-existe"},
            {"color": "morado"},
            {"size": "<script>"},
            {"per_page": "100000"},
            {"per_page": "x"},
        ],
    )
    def test_bad_input_gives_a_sane_page(self, client, shop, query):
        response = client.get(reverse("catalog:category", args=["hoodies"]), query)

        assert response.status_code == 200
        assert response.context["listing"].params.per_page in (24, 48)

    def test_inverted_price_range_is_swapped(self, client, shop):
        response = client.get(reverse("catalog:category", args=["hoodies"]), {"min_price": "400", "max_price": "100"})
        assert listed(response) == ["Hoodie Tech"]

    def test_unknown_slugs_are_404(self, client, shop):
        for name in (
            "catalog:category",
            "catalog:family",
            "catalog:product",
            "catalog:kit",
            "catalog:collection",
            "catalog:line",
        ):
            assert client.get(reverse(name, args=["no-existe"])).status_code == 404

    def test_drafts_and_inactive_products_are_404(self, client, shop):
        assert client.get(reverse("catalog:product", args=["hoodie-borrador"])).status_code == 404
        assert client.get(reverse("catalog:product", args=["hoodie-retirado"])).status_code == 404

    def test_inactive_category_is_404(self, client, shop):
        shop["kids"].is_active = False
        shop["kids"].save()
        assert client.get(reverse("catalog:category", args=["hoodies-ninos"])).status_code == 404


class TestSearchPage:
    @pytest.mark.parametrize("query", ["hoodie", "HOODIE básico", '"', "%", "<script>x</script>", "a" * 2000, ""])
    def test_any_query_is_a_page(self, client, shop, query):
        response = client.get(reverse("catalog:search"), {"q": query})
        assert response.status_code == 200

    def test_a_300_character_query_is_searched_by_its_start_and_echoed_short(self, client, shop):
        typed = "hoodie" + "x" * 294
        response = client.get(reverse("catalog:search"), {"q": typed})
        html = response.content.decode()
        assert response.context["search_query"] == typed[:100] and response.context["query_shortened"]
        assert "buscamos sus primeros 100 caracteres" in html
        corrected = html.split("search-corrected", 1)[1].split("</p>", 1)[0]
        assert "x" * 61 not in corrected and "…" in corrected  # cut with … where the page echoes it
        box = html.split('id="site-search"', 1)[1].split(">", 1)[0]
        assert 'maxlength="100"' in box and f'value="{typed[:100]}"' in box
        suggestions = client.get(reverse("catalog:search_suggestions"), {"q": typed}).content.decode()
        see_all = suggestions.split("suggestion--all", 1)[1].split('class="suggestion-name">', 1)[1].split("</span>")[0]
        assert "x" * 61 not in see_all and "…" in see_all

    def test_a_long_query_that_finds_nothing_is_echoed_short(self, client, shop):
        html = client.get(reverse("catalog:search"), {"q": "qwzk" * 75}).content.decode()
        heading = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
        nothing = html.split('class="empty-state"', 1)[1].split("</h2>", 1)[0]
        for echoed in (heading, nothing):
            assert "qwzk" * 16 not in echoed and "…" in echoed

    def test_a_query_within_the_limit_is_not_said_to_be_shortened(self, client, shop):
        response = client.get(reverse("catalog:search"), {"q": "hoodie"})
        assert not response.context["query_shortened"] and "muy larga" not in response.content.decode()

    def test_finds_and_keeps_filters(self, client, shop):
        response = client.get(reverse("catalog:search"), {"q": "hoodie", "brand": "nike"})
        assert listed(response) == ["Hoodie Tech"]
        assert "q=hoodie" in response.context["listing"].sorts[1]["url"]

    def test_suggestions_fragment(self, client, shop):
        response = client.get(reverse("catalog:search_suggestions"), {"q": "hoodie"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "hoodie-tech" in response.content.decode()


class TestProductPage:
    def test_variant_picker_offers_only_existing_combinations(self, client, shop):
        response = client.get(reverse("catalog:product", args=["hoodie-basico"]), {"size": "xl"})

        page = response.context["page"]
        assert page.variant.sku == "HB-XL-NEG"
        sizes = {c.slug: (c.available, c.selected) for g in page.option_groups if g.code == "size" for c in g.choices}
        assert sizes == {"m": (True, False), "xl": (True, True)}
        colors = {c.slug for g in page.option_groups if g.code == "color" for c in g.choices}
        assert colors == {"negro"}  # white exists for other products, not this one

    def test_unknown_option_value_falls_back_to_a_real_variant(self, client, shop):
        response = client.get(reverse("catalog:product", args=["hoodie-basico"]), {"size": "xxxl", "color": "<b>"})
        assert response.status_code == 200
        assert response.context["page"].variant.sku in ("HB-M-NEG", "HB-XL-NEG")

    def test_price_json_ld_and_meta(self, client, shop):
        response = client.get(reverse("catalog:product", args=["hoodie-tech"]))
        html = response.content.decode()
        assert response.context["page"].variant.price == Decimal("359.00")
        assert '"@type": "Product"' in html and '"priceCurrency": "PEN"' in html
        assert "S/ 359.00" in html

    def test_upcoming_drop_product_cannot_be_bought(self, client, shop):
        drop = CollectionFactory(starts_at=timezone.now() + timedelta(days=3))
        CollectionItem.objects.create(collection=drop, product=shop["cheap"])

        page = client.get(reverse("catalog:product", args=["hoodie-basico"])).context["page"]

        assert page.upcoming_drop == drop


class TestOtherPages:
    def test_kit_price_applies_the_discount_to_required_items(self, client, shop):
        kit = KitFactory(slug="kit-invierno", discount_percent=Decimal("10"))
        KitItemFactory(kit=kit, product=shop["cheap"], quantity=2)
        KitItemFactory(kit=kit, product=shop["pricey"], is_optional=True)

        response = client.get(reverse("catalog:kit", args=["kit-invierno"]))
        page, price = response.context["page"], response.context["price"]

        assert (price.subtotal, price.kit_discount, price.total) == (
            Decimal("198.00"),
            Decimal("19.80"),
            Decimal("178.20"),
        )
        assert [i.product.name for i in page.optional] == ["Hoodie Tech"]

    def test_collection_and_line_pages(self, client, shop):
        drop = CollectionFactory(slug="drop-andino", starts_at=timezone.now() - timedelta(days=1))
        CollectionItem.objects.create(collection=drop, product=shop["pricey"])
        line = ProductLineFactory(slug="hoodie-line", category=shop["hoodies"])
        Product.objects.filter(pk__in=[shop["cheap"].pk, shop["pricey"].pk]).update(line=line)

        assert client.get(reverse("catalog:collection", args=["drop-andino"])).context["products"] == [shop["pricey"]]
        assert len(client.get(reverse("catalog:line", args=["hoodie-line"])).context["products"]) == 2

    def test_sitemap_and_robots(self, client, shop):
        index = client.get("/sitemap.xml")
        assert index.status_code == 200 and b"sitemap-products.xml" in index.content
        products = client.get("/sitemap-products.xml").content.decode()
        assert "/p/hoodie-tech/" in products and "hoodie-borrador" not in products
        robots = client.get("/robots.txt").content.decode()
        assert "Disallow: /admin/" in robots and "sitemap.xml" in robots

    def test_home_banners_respect_their_window(self, client, shop):
        now = timezone.now()
        BannerFactory(title="Vigente", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
        BannerFactory(title="Vencido", starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=1))
        BannerFactory(title="Futuro", starts_at=now + timedelta(days=1))

        sections = client.get("/").context["sections"]

        assert [b.title for b in sections.banners] == ["Vigente"]

    def test_home_says_who_chose_the_featured_row(self, client, shop):
        # The row lists the products staff mark as featured; it claimed to be "the favourites of our customers".
        Product.objects.filter(pk=shop["pricey"].pk).update(is_featured=True)
        page = client.get("/").content.decode()
        assert "Elegidos por nuestro equipo." in page
        assert "favoritos de nuestros clientes" not in page


# --- query counts: the same for 1 and for many rows, under the ceilings -------------


@pytest.mark.parametrize(
    ("url", "params", "ceiling"),
    [
        ("/c/hoodies/", {"per_page": "48"}, 8),
        ("/c/hoodies/", {"per_page": "48", "brand": "inti-wear", "color": "negro", "sort": "price_asc"}, 8),
        ("/c/hoodies/", {"per_page": "48", "sort": "best_selling"}, 8),
        ("/search/", {"q": "producto", "per_page": "48"}, 8),
        ("/", None, 10),
    ],
)
@pytest.mark.parametrize("cold_facets", [False, True], ids=["cached-facets", "fresh-facets"])
def test_query_counts_are_flat(client, shop, url, params, ceiling, cold_facets):
    _grow(shop, 1)
    few = _count(client, url, params, cold_facets=cold_facets)
    _grow(shop, 60)
    many = _count(client, url, params, cold_facets=cold_facets)

    assert few == many
    assert many <= ceiling


def test_product_page_query_count_is_flat(client, shop):
    url = reverse("catalog:product", args=["hoodie-tech"])
    few = _count(client, url)
    _grow(shop, 20)  # related products
    for i in range(10):
        VariantFactory(product=shop["pricey"], sku=f"HT-EXTRA-{i}")
        ProductImageFactory(product=shop["pricey"])
    many = _count(client, url)

    assert few == many
    assert many <= 10


class TestHtmxAndDrops:
    def test_htmx_gets_the_fragment_but_history_restore_gets_the_page(self, client, shop):
        url = reverse("catalog:category", args=["hoodies"])
        fragment = client.get(url, HTTP_HX_REQUEST="true")
        restore = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

        assert "<html" not in fragment.content.decode()
        assert "<html" in restore.content.decode()
        assert "HX-Request" in fragment["Vary"]

    def test_ended_drop_closes_a_product_only_when_nothing_live_sells_it(self, client, shop):
        now = timezone.now()
        ended = CollectionFactory(starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=1))
        CollectionItem.objects.create(collection=ended, product=shop["cheap"])
        url = reverse("catalog:product", args=["hoodie-basico"])
        assert client.get(url).context["page"].ended_drop == ended

        live = CollectionFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
        CollectionItem.objects.create(collection=live, product=shop["cheap"])
        assert client.get(url).context["page"].ended_drop is None

    def test_colour_photos_follow_the_selected_colour(self, client, shop):
        black_m = shop["cheap"].variants.get(sku="HB-M-NEG")
        photo = ProductImageFactory(product=shop["cheap"], variant=black_m, alt="Negro")

        page = client.get(reverse("catalog:product", args=["hoodie-basico"]), {"size": "xl"}).context["page"]

        assert page.variant.sku == "HB-XL-NEG"
        assert page.images[0] == photo

    def test_purchase_limit_defaults_to_the_store_rule(self, shop, settings):
        settings.MAX_UNITS_PER_CUSTOMER = 5
        assert shop["cheap"].purchase_limit == 5
        shop["cheap"].max_per_customer = 2
        assert shop["cheap"].purchase_limit == 2
