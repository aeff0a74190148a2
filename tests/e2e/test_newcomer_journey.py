"""What a newcomer meets on the embedded defaults, in Chromium with an English browser:
Spanish pages (English one click away, remembered), search that forgives accents, plurals
and typos, a delivery estimate before checkout, home delivery preselected for a home
address, and a back-office order list that fits at 1280 px."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.e2e.helpers import DESKTOP, PHONE, add_variant, fill_details, screenshot
from tests.factories import PASSWORD, UserFactory, make_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("newcomer_journey")]


@pytest.fixture
def english_page(browser, live_server):
    """A browser whose language is English (Accept-Language: en-US)."""
    contexts = []

    def open_page(viewport: dict = DESKTOP):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            locale="en-US",
            extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def search(page, words: str) -> list[str]:
    page.fill("#site-search", words)
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=.*"))
    return page.locator(".product-card .card-title").all_inner_texts()


def test_spanish_for_an_english_browser_and_english_one_click_away(english_page, shop):
    page = english_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "es-pe"
    expect(page.locator("header").get_by_role("link", name="Iniciar sesión")).to_be_visible()
    whatsapp = page.locator('a[href="https://wa.me/51987654321"]')
    assert whatsapp.inner_text() == "Escríbenos por WhatsApp"
    screenshot(page, "newcomer-home")

    page.locator(".lang-switch button[value='en']").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/search/?q=laptop")  # remembered on the next pages (the lang cookie)
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".lang-switch button[value='es-pe']").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "es-pe")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_search_forgives_accents_plurals_and_typos(english_page, shop, viewport):
    page = english_page(viewport)
    page.goto("/")

    headphones = {"Audífonos Bluetooth Sony WH-CH520", "Audífonos inalámbricos Sony WH-1000XM5"}
    assert set(search(page, "audifonos")) == headphones
    assert set(search(page, "Audífonos")) == headphones
    assert search(page, "zapatilla") == ["Zapatillas Urban Runner"]  # the singular finds the plural

    assert search(page, "zapatilas") == ["Zapatillas Urban Runner"]
    assert "Mostrando resultados para zapatillas" in page.locator(".search-corrected").inner_text()
    screenshot(page, "newcomer-search-typo")
    assert search(page, "laptp") == ["Laptop Lenovo IdeaPad Slim 3"]
    assert "Mostrando resultados para laptop" in page.locator(".search-corrected").inner_text()
    full_name = page.locator(".product-card .card-link").first.get_attribute("title")
    assert full_name == "Laptop Lenovo IdeaPad Slim 3"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_delivery_estimate_then_home_delivery_preselected_and_one_arrival_sentence(new_page, shop, viewport):
    page = new_page(viewport)
    page.goto("/p/sony-wh-ch520/")
    estimate = page.locator(".product-delivery").inner_text()
    assert "Envío a Lima: S/ 8.00." in estimate and "Envío gratis desde S/ 199.00." in estimate
    assert "Llega" in estimate
    screenshot(page, "newcomer-product-delivery")

    add_variant(page, "sony-wh-ch520")
    page.goto("/cart/")
    assert re.search(r"Reservado para ti hasta las \d{2}:\d{2}\.", page.locator(".cart-line").inner_text())
    assert "Envío a Lima: S/ 8.00." in page.locator(".cart-summary").inner_text()
    screenshot(page, "newcomer-cart")

    fill_details(page)  # a home address in Miraflores, Lima
    checked = page.locator("input[name=shipping_method]:checked")
    assert checked.count() == 1
    chosen = page.locator(".choice", has=checked).inner_text()
    assert "Recojo en tienda" not in chosen and "Serpost" in chosen  # the cheapest home delivery
    screenshot(page, "newcomer-checkout-delivery")

    page.locator(".choice", has_text="Recojo en tienda").click()
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    review = page.locator("main").inner_text()
    assert "Listo para recoger desde el" in review and "Llega entre" not in review
    assert not re.search(r"entre el (.+) y el \1", review)
    screenshot(page, "newcomer-checkout-review")


def test_the_admin_order_list_fits_at_1280(new_page, shop):
    for i in range(3):
        make_order(email=f"cliente.con.correo.largo.{i}@correo-de-ejemplo.pe")
    admin = UserFactory(is_staff=True, is_superuser=True)
    page = new_page(DESKTOP)
    page.goto("/admin/login/?next=/admin/orders/order/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/orders/order/")

    results = page.locator("#changelist-form .results")
    screenshot(page, "newcomer-admin-orders")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")  # nothing cut or hidden on the right
    assert page.locator("#result_list td.field-total_display").first.inner_text().startswith("S/ ")
    expect(page.locator("th.column-needs_attention")).to_be_visible()
    assert Order.objects.count() == 3
    assert page.request.get("/favicon.ico").status == 200
