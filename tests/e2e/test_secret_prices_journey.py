"""In Chromium: a drop that has not launched shows its product, but no price, on the product page,
in the category listing, in search results and in the search box's suggestions."""

import re

import pytest

from tests.e2e.helpers import PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog_journey")]

# Hoodie Drop Qhapaq costs S/ 299.00 (S/ 309.00 in XL) and its drop starts in two days. The figures
# as numbers of their own: a row id (3099) or a token holding the digits is not a price.
SECRET = re.compile(r"(?<![\w.,])(299|309)(?!\w)")


def assert_no_secret_price(text: str) -> None:
    assert not SECRET.findall(text), text


def test_an_unlaunched_drop_shows_no_price_anywhere(new_page, shop):
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()

        page.goto("/p/hoodie-drop/")
        assert page.locator("h1").inner_text() == "Hoodie Drop Qhapaq"
        assert "Precio al lanzamiento" in page.locator("#buy-box").inner_text()
        assert_no_secret_price(page.content())
        screenshot(page, "drop-secret-price-product")

        page.goto("/c/hoodies/")
        card = page.locator("#listing .product-card", has_text="Hoodie Drop Qhapaq")
        assert card.count() == 1 and card.locator(".card-price").count() == 0
        assert "Precio al lanzamiento" in card.inner_text()
        # The other cards keep their prices.
        assert "S/ 249.00" in page.locator("#listing .product-card", has_text="Hoodie Premium Inti").inner_text()
        assert_no_secret_price(page.content())
        screenshot(page, "drop-secret-price-listing")

        page.goto("/search/?q=qhapaq")
        assert page.locator("#listing .card-title").all_inner_texts() == ["Hoodie Drop Qhapaq"]
        assert_no_secret_price(page.content())

        page.goto("/")
        page.fill("#site-search", "qhapaq")
        suggestion = page.locator("#search-suggestions .suggestion", has_text="Hoodie Drop Qhapaq")
        suggestion.wait_for()
        assert "S/" not in suggestion.inner_text()
        assert_no_secret_price(page.locator("#search-suggestions").inner_html())
