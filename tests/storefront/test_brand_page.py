"""The brand page /marca/<slug>/: the brand's description, its products and facets."""

import pytest
from django.urls import reverse

from catalog.models import Brand
from tests.factories import BrandFactory, ProductFactory, listed
from tests.factories import grow_hoodies as _grow
from tests.factories import listing_query_count as _count

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


def test_lists_only_the_brands_visible_products_with_its_description(client, shop):
    Brand.objects.filter(slug="inti-wear").update(description="Ropa urbana hecha en Gamarra.")

    response = client.get("/marca/inti-wear/")

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Hoodie Básico", "Hoodie Mini"]
    page = response.content.decode()
    assert "Ropa urbana hecha en Gamarra." in page and "<h1" in page and "Inti Wear" in page


def test_facets_filter_within_the_brand(client, shop):
    response = client.get("/marca/inti-wear/", {"color": "negro"})
    assert listed(response) == ["Hoodie Básico"]
    colors = {v.label: v.count for f in response.context["listing"].option_facets for v in f.values}
    assert colors.get("Negro") == 1

    response = client.get("/marca/inti-wear/", {"sort": "price_asc"})
    assert listed(response) == ["Hoodie Mini", "Hoodie Básico"]


def test_product_page_links_its_brand(client, shop):
    page = client.get(reverse("catalog:product", args=["hoodie-tech"])).content.decode()
    assert 'href="/marca/nike/"' in page


@pytest.mark.parametrize("slug", ["no-existe", "x" * 500])
def test_unknown_brand_is_404(client, shop, slug):
    assert client.get(f"/marca/{slug}/").status_code == 404


def test_bad_paths_and_filters_are_never_a_500(client, shop):
    assert client.get("/marca/inti%00wear/").status_code in (400, 404)
    response = client.get("/marca/inti-wear/", {"price_min": "abc", "page": "-3", "sort": "nope", "color": "x" * 500})
    assert response.status_code == 200


def test_hidden_brand_is_404_and_leaves_the_sitemap(client, shop):
    assert "/marca/nike/" in client.get("/sitemap-brands.xml").content.decode()
    Brand.objects.filter(slug="nike").update(is_active=False)

    assert client.get("/marca/nike/").status_code == 404
    assert "/marca/nike/" not in client.get("/sitemap-brands.xml").content.decode()


@pytest.mark.parametrize("cold_facets", [False, True], ids=["cached-facets", "fresh-facets"])
def test_query_count_is_flat(client, shop, cold_facets):
    brand = BrandFactory(slug="muchos")

    def grow(n):
        for _ in range(n):
            ProductFactory(brand=brand, category=shop["hoodies"])

    grow(1)
    few = _count(client, "/marca/muchos/", {"per_page": "48"}, cold_facets=cold_facets)
    grow(40)
    _grow(shop, 5)  # other brands' products change nothing
    many = _count(client, "/marca/muchos/", {"per_page": "48"}, cold_facets=cold_facets)

    assert few == many
    assert many <= 8
