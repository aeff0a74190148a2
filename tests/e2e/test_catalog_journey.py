"""Browsing in Chromium: home → category → filter by brand and size → sort by price →
product → choose a variant; a search with a typo; an upcoming drop."""

import pytest
from django.db import connection

from tests.e2e.helpers import PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog_journey")]


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

    # A size with no stock left is shown struck through; choosing it says it is sold out, cannot be
    # added to the cart, and offers "Avísame" for that size by name.
    page.goto("/p/hoodie-nike/")
    assert page.locator("#availability").inner_text().strip() == "Con stock"
    sold_out = page.locator("#option-size-xl")
    assert "is-sold-out" in sold_out.get_attribute("class")
    sold_out.click()
    page.wait_for_url("**size=xl**")
    page.locator("#stock-alert-option").wait_for()
    assert "XL" in page.locator("#stock-alert-option").inner_text()
    assert page.locator("#availability").inner_text().strip() == "Agotado"
    assert page.locator("#buy-box button.add-to-cart").is_disabled()


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
    assert buy_box.locator("form[action*='/cart/']").count() == 0  # only "Avísame" asks for anything
    assert buy_box.locator("button:not([disabled])").filter(has_text="carrito").count() == 0
    screenshot(page, "drop-upcoming-product")

    page.goto("/collections/drop-qhapaq/")
    assert page.locator("[data-countdown]").count() >= 1
    screenshot(page, "drop-upcoming-collection")
