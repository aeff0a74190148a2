"""A product that awaits a collection's launch keeps its price secret everywhere a shopper looks
(product page and its JSON-LD, listing cards, the price facet and filters, search, suggestions,
product lines, the sitemap) until the launch, and shows it from the launch on, cached pages,
cards and facet counts included."""

import json
import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem, Product, ProductLine
from tests.factories import (
    CategoryFactory,
    CollectionFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
    stock,
)

pytestmark = pytest.mark.django_db

# A price no other figure on these pages carries (a shipping rate, a facet bound, a year), in
# every form a page could write it (the price facet's bounds are whole soles).
SECRET = ("111.12", "111,12", "S/ 111", 'placeholder="111"')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def drop_product():
    category = CategoryFactory(name="Casacas", slug="casacas")
    product = ProductFactory(
        name="Casaca Qhapaq Edición", slug="casaca-qhapaq", category=category, base_price=Decimal("111.12")
    )
    stock(VariantFactory(product=product, sku="QHAPAQ-M"), quantity=10)
    ProductImageFactory(product=product)
    ProductFactory(name="Casaca Diaria", slug="casaca-diaria", category=category, base_price=Decimal("89.00"))
    return product


def _upcoming(product, *, starts_in=timedelta(days=2)):
    drop = CollectionFactory(name="Drop 08", slug="drop-08", starts_at=timezone.now() + starts_in)
    CollectionItem.objects.create(collection=drop, product=product)
    return drop


def _launch(drop):
    drop.starts_at = timezone.now() - timedelta(minutes=1)
    drop.save()


def _html(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def _no_price(html: str) -> bool:
    return not any(figure in html for figure in SECRET)


def _offers(html: str) -> list:
    return [block.get("offers") for block in map(json.loads, JSON_LD.findall(html)) if block.get("@type") == "Product"]


SURFACES = {
    "product page": "/p/casaca-qhapaq/",
    "listing card": "/c/casacas/",
    "search results": "/search/?q=casaca",
    "suggestions": "/search/suggest/?q=casaca",
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_no_price_before_launch_and_the_price_after(client, drop_product, surface):
    drop = _upcoming(drop_product)
    before = _html(client, SURFACES[surface])
    assert "Casaca Qhapaq" in before and _no_price(before), surface

    _launch(drop)
    assert "S/ 111.12" in _html(client, SURFACES[surface]), surface


def test_the_product_page_says_when_the_price_shows(client, drop_product):
    _upcoming(drop_product)
    page = _html(client, "/p/casaca-qhapaq/")
    assert "Precio al lanzamiento" in page
    # The variant picker's htmx fragment is the same buy box.
    assert _no_price(_html(client, "/p/casaca-qhapaq/?size=m", HTTP_HX_REQUEST="true"))


def test_json_ld_offers_a_pre_order_without_a_price_before_launch(client, drop_product):
    drop = _upcoming(drop_product)
    [offer] = _offers(_html(client, "/p/casaca-qhapaq/"))
    assert offer["availability"] == "https://schema.org/PreOrder"
    assert "price" not in offer and "priceCurrency" not in offer

    _launch(drop)
    [offer] = _offers(_html(client, "/p/casaca-qhapaq/"))
    assert offer["price"] == "111.12" and offer["priceCurrency"] == "PEN"
    assert offer["availability"] == "https://schema.org/InStock"


def test_a_live_collection_reveals_the_price_even_with_another_ahead(client, drop_product):
    _upcoming(drop_product)
    live = CollectionFactory(starts_at=timezone.now() - timedelta(days=1))
    CollectionItem.objects.create(collection=live, product=drop_product)

    assert "S/ 111.12" in _html(client, "/p/casaca-qhapaq/")
    assert Product.objects.get(pk=drop_product.pk).price_is_secret is False


def test_the_line_comparison_hides_it_too(client, drop_product):
    line = ProductLine.objects.create(name="Línea Qhapaq", slug="linea-qhapaq", category=drop_product.category)
    Product.objects.filter(pk=drop_product.pk).update(line=line)
    drop = _upcoming(drop_product)
    assert _no_price(_html(client, reverse("catalog:line", args=["linea-qhapaq"])))

    _launch(drop)
    assert "S/ 111.12" in _html(client, reverse("catalog:line", args=["linea-qhapaq"]))


def test_price_filters_and_facets_leave_a_secret_price_out(client, drop_product):
    drop = _upcoming(drop_product)
    exact = {"min_price": "111.12", "max_price": "111.12"}
    listing = client.get("/c/casacas/").context["listing"]
    assert listing.total == 2 and listing.price_facet.high == Decimal("89.00")
    assert [bucket["count"] for bucket in listing.price_facet.buckets] == [1]
    filtered = client.get("/c/casacas/", exact).context["listing"]
    assert filtered.total == 0 and filtered.brand_facet is None  # no brand counts it in the range either

    _launch(drop)
    assert client.get("/c/casacas/").context["listing"].price_facet.high == Decimal("111.12")
    assert client.get("/c/casacas/", exact).context["listing"].total == 1


def test_cached_facet_counts_end_at_the_launch(client, drop_product):
    drop = _upcoming(drop_product, starts_in=timedelta(seconds=3))
    assert client.get("/c/casacas/").context["listing"].price_facet.high == Decimal("89.00")
    assert timezone.now() < drop.starts_at, "the counts must be cached before the launch"

    time.sleep(max((drop.starts_at - timezone.now()).total_seconds(), 0) + 0.2)
    assert client.get("/c/casacas/").context["listing"].price_facet.high == Decimal("111.12")


def test_the_sitemap_carries_no_price(client, drop_product):
    _upcoming(drop_product)
    assert _no_price(_html(client, "/sitemap-products.xml"))


def test_the_rule_is_one_property(drop_product):
    assert drop_product.price_is_secret is False
    drop = _upcoming(drop_product)
    assert Product.objects.get(pk=drop_product.pk).price_is_secret is True
    assert Product.objects.with_price_reveal().get(pk=drop_product.pk).price_reveal_at == drop.starts_at

    drop.is_active = False
    drop.save()
    assert Product.objects.get(pk=drop_product.pk).price_is_secret is False


@pytest.mark.page_cache
@pytest.mark.parametrize("url", ["/p/casaca-qhapaq/", "/c/casacas/"])
def test_a_page_cached_before_launch_shows_the_price_after_it(client, drop_product, url):
    """No catalog write happens at the launch: the cached page and card must expire by themselves."""
    starts_in = timedelta(seconds=4)
    drop = _upcoming(drop_product, starts_in=starts_in)
    before = _html(client, url)
    assert timezone.now() < drop.starts_at, "the first render must happen before the launch"
    assert _no_price(before) and _no_price(_html(client, url))  # the second one is the cached page

    time.sleep(max((drop.starts_at - timezone.now()).total_seconds(), 0) + 0.2)
    assert "S/ 111.12" in _html(client, url)
