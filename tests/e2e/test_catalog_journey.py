"""Browsing in Chromium: home → category → filter by brand and size → sort by price →
product → choose a variant; a search with a typo; an upcoming drop."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import CollectionItem
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import (
    BrandFactory, CategoryFactory, CollectionFactory, FamilyFactory, OptionFactory, OptionValueFactory,
    ProductFactory, ProductImageFactory, VariantFactory, WarehouseFactory, stock,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    moda = FamilyFactory(name="Moda", slug="moda", order=1)
    hoodies = CategoryFactory(family=moda, name="Hoodies", slug="hoodies")
    shoes = CategoryFactory(family=moda, name="Zapatillas", slug="zapatillas")
    size, color = OptionFactory(code="size"), OptionFactory(code="color")
    m, xl = OptionValueFactory(option=size, slug="m", value="M"), OptionValueFactory(option=size, slug="xl", value="XL")
    black = OptionValueFactory(option=color, slug="negro", value="Negro", swatch="#111111")
    inti, nike = BrandFactory(name="Inti Wear", slug="inti-wear"), BrandFactory(name="Nike", slug="nike")
    products = {
        "basic": ProductFactory(name="Hoodie Básico Andes", slug="hoodie-basico", brand=inti, category=hoodies,
                                base_price=Decimal("129.00"), is_featured=True),
        "premium": ProductFactory(name="Hoodie Premium Inti", slug="hoodie-premium", brand=inti, category=hoodies,
                                  base_price=Decimal("249.00")),
        "nike": ProductFactory(name="Hoodie Nike Club", slug="hoodie-nike", brand=nike, category=hoodies,
                               base_price=Decimal("199.00")),
        "runner": ProductFactory(name="Zapatillas Urban Runner", slug="urban-runner", brand=inti, category=shoes,
                                 base_price=Decimal("289.00")),
        "drop": ProductFactory(name="Hoodie Drop Qhapaq", slug="hoodie-drop", brand=inti, category=hoodies,
                               base_price=Decimal("299.00")),
    }
    warehouse = WarehouseFactory(code="LIM", name="Lima central", priority=1)
    for key, product in products.items():
        medium = VariantFactory(product=product, sku=f"{key.upper()}-M", values=[m, black])
        large = VariantFactory(product=product, sku=f"{key.upper()}-XL", values=[xl, black], price_modifier=Decimal("10"))
        stock(medium, warehouse, 10)
        stock(large, warehouse, {"premium": 3, "nike": 0}.get(key, 10))
        ProductImageFactory(product=product)
    drop = CollectionFactory(name="Drop Qhapaq", slug="drop-qhapaq", starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=products["drop"])
    return products


def card_names(page) -> list[str]:
    return page.locator("#listing .card-title").all_inner_texts()


def test_browse_filter_sort_and_choose_a_variant(page, shop):
    page.goto("/")
    page.locator(".nav-family-link[href='/f/moda/']").click()
    page.wait_for_url("**/f/moda/")
    page.locator("#main a[href='/c/hoodies/']").first.click()
    page.wait_for_url("**/c/hoodies/")
    assert len(card_names(page)) == 4

    page.locator("#facet-brand-inti-wear").click()
    page.wait_for_url("**brand=inti-wear**")
    page.locator("#facet-size-xl").click()
    page.wait_for_url("**size=xl**")
    page.wait_for_function("() => !document.querySelector('#listing .card-title a[href=\"/p/hoodie-nike/\"]')")
    assert "Hoodie Nike Club" not in card_names(page)

    page.select_option("#sort-select", "price_asc")
    page.wait_for_url("**sort=price_asc**")
    page.wait_for_function("() => document.querySelector('#listing .card-title').innerText.includes('Básico')")
    assert card_names(page) == ["Hoodie Básico Andes", "Hoodie Premium Inti", "Hoodie Drop Qhapaq"]
    screenshot(page, "listing-filtered")

    page.locator("#listing .card-link", has_text="Hoodie Premium Inti").click()
    page.wait_for_url("**/p/hoodie-premium/**")
    assert "S/ 249.00" in page.locator("#buy-box").inner_text()
    page.locator("#option-size-xl").click()
    page.wait_for_url("**size=xl**")
    page.wait_for_function("() => document.querySelector('#buy-box').innerText.includes('259.00')")
    assert "PREMIUM-XL" in page.locator("#buy-box").inner_text()
    assert page.locator("#availability").inner_text().strip() == "Quedan 3"
    screenshot(page, "product-variant")

    # A size with no stock left is shown struck through and cannot be chosen.
    page.goto("/p/hoodie-nike/")
    assert page.locator("#availability").inner_text().strip() == "Con stock"
    sold_out = page.locator("#option-size-xl")
    assert sold_out.get_attribute("aria-disabled") == "true"
    assert sold_out.evaluate("node => node.tagName") == "SPAN"


def test_search_with_a_typo_finds_the_product(new_page, shop):
    if connection.vendor != "postgresql":
        pytest.skip("typo tolerance is PostgreSQL trigram search")
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()
        page.goto("/")
        page.fill("#site-search", "zapatilas")
        page.press("#site-search", "Enter")
        page.wait_for_url("**/search/?q=zapatilas**")
        assert card_names(page) == ["Zapatillas Urban Runner"]
        screenshot(page, "search-typo")


def test_upcoming_drop_shows_a_countdown_and_no_way_to_buy(page, shop):
    page.goto("/p/hoodie-drop/")
    buy_box = page.locator("#buy-box")
    assert buy_box.locator("[data-countdown]").count() == 1
    assert buy_box.locator("form").count() == 0
    assert buy_box.locator("button:not([disabled])").filter(has_text="carrito").count() == 0
    screenshot(page, "drop-upcoming-product")

    page.goto("/collections/drop-qhapaq/")
    assert page.locator("[data-countdown]").count() >= 1
    screenshot(page, "drop-upcoming-collection")
