"""Listings, the product page and price facets use the price the shopper pays: the stored
sale_price that promotions keeps when a discount is created, changed, starts or ends."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from promotions.models import AutomaticDiscount, Scope
from promotions.services import discount_changed, discount_prices_sync
from promotions.tasks import sync_discount_prices
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    FamilyFactory,
    ProductFactory,
    VariantFactory,
    ahead,
    amount_off,
    percent_off,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def aisle():
    category = CategoryFactory(family=FamilyFactory(), slug="sillas")
    brand = BrandFactory()
    products = {
        name: ProductFactory(name=name, slug=name.lower(), category=category, brand=brand, base_price=D(price))
        for name, price in [("Alta", "300.00"), ("Media", "200.00"), ("Baja", "150.00")]
    }
    for product in products.values():
        VariantFactory(product=product)
    return {"category": category, "url": reverse("catalog:category", args=["sillas"]), **products}


def names(response) -> list[str]:
    return [product.name for product in response.context["listing"].page.object_list]


def test_sorting_and_filtering_use_the_discounted_price(client, aisle):
    percent_off("50", scope=Scope.PRODUCTS, products=[aisle["Alta"]])  # 300 → 150.00
    amount_off("60", scope=Scope.PRODUCTS, products=[aisle["Media"]])  # 200 → 140.00
    assert names(client.get(aisle["url"], {"sort": "price_asc"})) == ["Media", "Alta", "Baja"]  # ties by id
    assert names(client.get(aisle["url"], {"sort": "price_desc"})) == ["Baja", "Alta", "Media"]
    assert set(names(client.get(aisle["url"], {"max_price": "150"}))) == {"Alta", "Media", "Baja"}
    assert names(client.get(aisle["url"], {"min_price": "150.01"})) == []
    listing = client.get(aisle["url"]).context["listing"]
    assert listing.price_facet.high == D("150.00") and listing.price_facet.low == D("140.00")


def test_the_card_and_product_page_show_the_price_struck_through_with_a_badge(client, aisle):
    percent_off("15", scope=Scope.PRODUCTS, products=[aisle["Media"]])
    html = client.get(aisle["url"]).content.decode()
    assert "S/ 170.00" in html and "\u221215\u00a0%" in html
    page = client.get(reverse("catalog:product", args=["media"])).content.decode()
    assert "S/ 170.00" in page and "S/ 200.00" in page and "\u221215\u00a0%" in page


def test_facet_counts_cached_before_a_discount_are_not_served_after_it(client, aisle):
    cheap = {"max_price": "149.99"}
    assert client.get(aisle["url"], cheap).context["listing"].total == 0  # counted and cached
    discount = percent_off("10", scope=Scope.PRODUCTS, products=[aisle["Baja"]])  # 150 → 135
    assert client.get(aisle["url"], cheap).context["listing"].total == 1
    AutomaticDiscount.objects.filter(pk=discount.pk).update(is_active=False)
    discount_changed(discount=AutomaticDiscount.objects.get(pk=discount.pk))
    assert client.get(aisle["url"], cheap).context["listing"].total == 0


def test_prices_follow_the_window_when_beat_runs(aisle):
    discount = percent_off(
        "20", scope=Scope.PRODUCTS, products=[aisle["Alta"]], starts_at=ahead(hours=1), ends_at=ahead(hours=2)
    )
    assert Product.objects.get(pk=aisle["Alta"].pk).sale_price == D("300.00")  # not started
    assert discount_prices_sync(now=discount.starts_at + timedelta(minutes=1)) == 1
    assert Product.objects.get(pk=aisle["Alta"].pk).sale_price == D("240.00")
    assert discount_prices_sync(now=discount.ends_at) == 1
    assert Product.objects.get(pk=aisle["Alta"].pk).sale_price == D("300.00")
    assert sync_discount_prices() == 0  # now: nothing running, nothing to change


def test_a_product_that_joins_the_scope_later_is_picked_up_by_beat(aisle):
    percent_off("10", scope=Scope.CATEGORIES, categories=[aisle["category"]])
    newcomer = ProductFactory(category=aisle["category"], base_price=D("100.00"))
    assert sync_discount_prices() == 1
    assert Product.objects.get(pk=newcomer.pk).sale_price == D("90.00")


def test_the_cart_never_waits_for_beat(aisle):
    """A discount that started a moment ago is in the cart before any sync ran."""
    from cart.pricing import price_cart
    from cart.store import LineKey

    variant = aisle["Baja"].variants.get()
    discount = percent_off("10", scope=Scope.PRODUCTS, products=[aisle["Baja"]], starts_at=ahead(hours=1))
    AutomaticDiscount.objects.filter(pk=discount.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    assert Product.objects.get(pk=aisle["Baja"].pk).sale_price == D("150.00")  # beat has not run
    assert price_cart({LineKey(variant.pk): 1}).total == D("135.00")


def test_listing_queries_do_not_grow_with_discounts(aisle, django_assert_num_queries):
    """The same queries, cold (nothing cached), before and after discounts on more products."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.harness import clear_cache

    params = {"sort": "price_asc", "min_price": "1"}
    clear_cache()
    with CaptureQueriesContext(connection) as before:
        Client().get(aisle["url"], params)
    percent_off("10")
    amount_off("5", scope=Scope.CATEGORIES, categories=[aisle["category"]])
    for extra in range(10):
        ProductFactory(category=aisle["category"], brand=aisle["Alta"].brand, base_price=D("99.00") + extra)
    sync_discount_prices()
    clear_cache()
    with django_assert_num_queries(len(before.captured_queries)):
        response = Client().get(aisle["url"], params)
    assert len(response.context["listing"].page.object_list) == 13
    assert all(p.shopper_price < p.base_price for p in response.context["listing"].page.object_list)
