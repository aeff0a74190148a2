"""A returning customer does not type the address again: one checkout picks a saved address
(the default comes chosen, another is picked), another uses a new address and keeps it in the
address book; without JavaScript the new-address form still follows the choice."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Address
from accounts.services import address_delete
from orders.models import Order, OrderStatus
from tests.e2e.helpers import DESKTOP, PHONE, add_variant, screenshot, sign_in, to_payment
from tests.factories import AddressFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


@pytest.fixture
def returning_customer():
    user = UserFactory(email="ana@example.pe", first_name="Ana", last_name="Torres")
    home = AddressFactory(
        user=user,
        label="Casa",
        is_default_shipping=True,
        street="Av. Larco 101, dpto. 302",
        reference="Frente al parque Kennedy",
    )
    office = AddressFactory(
        user=user,
        label="Oficina",
        recipient="Ana Torres Vega",
        department="04",
        province="Arequipa",
        district="Cayma",
        street="Calle Misti 456",
        phone="954 321 987",
        postal_code="04017",
    )
    return {"user": user, "home": home, "office": office}


def no_english(page) -> None:
    text = page.locator("main").inner_text()
    for english in ("Use a new address", "Save it to my address book", "Delivery address", "Phone:", "Default"):
        assert english not in text


def fits(page) -> None:
    """Nothing sticks out of the page sideways (clipped at 390 px)."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    for box in page.locator(".saved-address").all():
        bounds = box.bounding_box()
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= page.viewport_size["width"]


def test_a_returning_customer_picks_a_saved_address(page, shop, returning_customer):
    sign_in(page, "/accounts/login/", "ana@example.pe")
    add_variant(page, "gorra-inti")
    page.goto("/checkout/")

    choices = page.locator(".saved-address")
    assert choices.count() == 2
    home, office = returning_customer["home"], returning_customer["office"]
    assert page.locator(f"input[name=address][value='{home.pk}']").is_checked()  # the default
    assert "Predeterminada" in choices.first.inner_text() and "Miraflores, Lima, Lima" in choices.first.inner_text()
    assert "Teléfono: 954 321 987" in choices.nth(1).inner_text()
    assert "Usar una dirección nueva" in page.locator("[data-address-choices]").inner_text()
    assert page.locator("#id_shipping-recipient").is_hidden()  # the new-address form waits
    no_english(page)
    screenshot(page, "saved-addresses")
    page.set_viewport_size(PHONE)
    fits(page)
    screenshot(page, "saved-addresses")
    page.set_viewport_size(DESKTOP)

    page.locator(f"input[name=address][value='{office.pk}']").check()
    assert page.locator("#id_shipping-recipient").is_hidden()
    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")
    assert "Calle Misti 456, Cayma, Arequipa, Arequipa" in page.locator(".checkout-recap").inner_text()
    assert "Olva Courier — Lima Metropolitana" not in page.locator(".checkout-form").inner_text()  # Arequipa's options
    page.locator(".choice", has_text="Olva Courier — provincias").locator("input").check()
    screenshot(page, "saved-address-delivery")
    number = to_payment(page)
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/account/orders/{number}/")

    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID and order.customer == returning_customer["user"]
    assert order.shipping_address["street"] == "Calle Misti 456" and order.shipping_address["ubigeo"] == "040103"
    assert order.shipping_total == Decimal("18.00")  # Olva, provinces, up to 1 kg


def test_a_returning_customer_uses_a_new_address_and_keeps_it(new_page, shop, returning_customer):
    page = new_page(PHONE)
    sign_in(page, "/accounts/login/", "ana@example.pe")
    add_variant(page, "gorra-inti")
    page.goto("/checkout/")

    page.get_by_text("Usar una dirección nueva").click()
    page.locator("#id_shipping-recipient").wait_for(state="visible")
    page.fill("#id_shipping-recipient", "Luis Torres")
    page.fill("#id_shipping-phone", "984 111 222")
    page.fill("#id_shipping-street", "Av. El Sol 320")
    page.select_option("#id_shipping-department", "08")
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-province option').length > 3")
    page.select_option("#id_shipping-province", "0801")
    page.wait_for_function("() => document.querySelectorAll('#id_shipping-district option').length > 3")
    page.select_option("#id_shipping-district", "080101")
    page.get_by_label("Guardar en mi libreta de direcciones").check()
    no_english(page)
    fits(page)
    screenshot(page, "new-address")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "new-address")
    page.set_viewport_size(PHONE)

    page.locator("#to-delivery").click()
    page.wait_for_url("**/checkout/delivery/")
    assert "Av. El Sol 320, Cusco, Cusco, Cusco" in page.locator(".checkout-recap").inner_text()
    number = to_payment(page)
    order = Order.objects.get(number=number)
    assert order.shipping_address["recipient"] == "Luis Torres" and order.shipping_address["ubigeo"] == "080101"

    book = Address.objects.filter(user=returning_customer["user"])
    assert book.count() == 3 and book.get(street="Av. El Sol 320").ubigeo == "080101"
    assert book.get(pk=returning_customer["home"].pk).is_default_shipping  # the default stays

    # The next checkout offers it among the saved ones, the default still chosen.
    add_variant(page, "gorra-inti")
    page.goto("/checkout/")
    assert page.locator(".saved-address").count() == 3
    assert page.locator(f"input[name=address][value='{returning_customer['home'].pk}']").is_checked()


def test_without_javascript_the_choice_still_works(browser, live_server, shop, returning_customer):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="es-PE", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "/accounts/login/", "ana@example.pe")
        page.goto("/p/gorra-inti/")
        page.locator("#buy-box button.add-to-cart").click()
        page.goto("/checkout/")
        assert page.locator("#id_shipping-recipient").is_hidden()
        page.get_by_text("Usar una dirección nueva").click()
        expect(page.locator("#id_shipping-recipient")).to_be_visible()  # by CSS alone
        # The default address is deleted (in another tab) while this page is open.
        home = returning_customer["home"]
        page.locator(f"input[name=address][value='{home.pk}']").check()
        address_delete(address=home)
        page.locator("#to-delivery").click()
        error = page.locator("#address-choice-error")
        assert "Esa dirección no está en tu libreta de direcciones" in error.inner_text()
        assert page.locator(".saved-address").count() == 1
        screenshot(page, "saved-address-gone")
        page.locator(f"input[name=address][value='{returning_customer['office'].pk}']").check()
        assert page.locator("#id_shipping-recipient").is_hidden()
        page.locator("#to-delivery").click()
        page.wait_for_url("**/checkout/delivery/")
        assert "Calle Misti 456" in page.locator(".checkout-recap").inner_text()
    finally:
        context.close()
