"""In Chromium: a guest hearts a product on a listing (no reload), signs in and finds it in
"Mis favoritos"; a product page shows the products viewed before it; at 1280 and 390 px."""

from decimal import Decimal

import pytest

from catalog.models import Product
from favourites.models import Favourite
from tests.e2e.helpers import PHONE, screenshot, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog_journey")]


def test_a_guest_s_heart_follows_them_into_their_account(new_page, shop):
    customer = UserFactory(first_name="Rosa", email="rosa@example.pe")
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()
        page.goto("/c/hoodies/")
        page.evaluate("window.notReloaded = true")
        card = page.locator("#listing .product-card", has_text="Hoodie Premium Inti")
        heart = card.locator(".heart")
        assert heart.get_attribute("aria-pressed") == "false"
        heart.click()
        page.wait_for_function("() => document.querySelector('#favourite-status').textContent !== ''")
        assert heart.get_attribute("aria-pressed") == "true"
        assert page.evaluate("window.notReloaded") is True  # saved without leaving the page
        assert page.locator("#favourite-status").text_content() == "Hoodie Premium Inti está en tus favoritos."
        screenshot(page, "favourites-heart-listing")

        page.reload()  # the cached listing presses the guest's own heart
        assert card.locator(".heart").get_attribute("aria-pressed") == "true"
        assert page.locator("#listing .heart[aria-pressed=true]").count() == 1

        sign_in(page, "/accounts/login/?next=/favoritos/", customer.email)
        page.wait_for_url("**/favoritos/")
        assert "Mis favoritos" in page.locator("h1").inner_text()
        row = page.locator(".favourite-row", has_text="Hoodie Premium Inti")
        assert row.count() == 1 and "S/ 249.00" in row.inner_text() and "Con stock" in row.inner_text()
        assert Favourite.objects.filter(user=customer).count() == 1
        Product.objects.filter(pk=shop["premium"].pk).update(base_price=Decimal("219.00"))
        page.reload()
        assert "Bajó de precio" in row.inner_text() and "S/ 249.00" in row.inner_text()
        assert "S/ 219.00" in row.inner_text()
        screenshot(page, "favourites-list")
        Product.objects.filter(pk=shop["premium"].pk).update(base_price=Decimal("249.00"))

        page.goto("/c/hoodies/")  # a customer's page presses their hearts too
        assert (
            page.locator("#listing .product-card", has_text="Hoodie Premium Inti")
            .locator(".heart")
            .get_attribute("aria-pressed")
            == "true"
        )
        page.goto("/favoritos/")
        page.locator(".favourite-row", has_text="Hoodie Premium Inti").get_by_role("button", name="Quitar").click()
        page.locator(".favourite-row").first.wait_for(state="detached")
        assert not Favourite.objects.filter(user=customer).exists()
        page.context.clear_cookies()


def test_a_product_page_shows_what_was_viewed_before(new_page, shop):
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()
        for slug in ("hoodie-basico", "hoodie-nike", "hoodie-drop"):
            page.goto(f"/p/{slug}/")
            page.wait_for_load_state("networkidle")
        page.goto("/p/hoodie-premium/")
        strip = page.locator(".recent-viewed")
        strip.wait_for()
        titles = strip.locator(".card-title").all_inner_texts()
        assert titles == ["Hoodie Drop Qhapaq", "Hoodie Nike Club", "Hoodie Básico Andes"]
        assert "Hoodie Premium Inti" not in titles  # the page's own product is left out
        assert "299" not in strip.inner_text()  # the drop's price stays secret
        assert "Vistos recientemente" in strip.inner_text()
        heart = page.locator(".product-summary .heart--page")
        assert heart.inner_text().strip() == "Guardar en favoritos"
        heart.click()
        page.wait_for_function(
            "() => document.querySelector('.product-summary .heart--page').getAttribute('aria-pressed') === 'true'"
        )
        assert heart.inner_text().strip() == "En tus favoritos"
        screenshot(page, "favourites-product-recent")
        page.goto("/cart/")
        page.locator(".recent-viewed").wait_for()
        assert page.locator(".recent-viewed .card-title").count() == 4
        screenshot(page, "favourites-cart-recent")
