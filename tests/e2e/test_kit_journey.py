"""Buying a kit in Chromium at the price its page shows: the keyboard defaults to a colour in
stock (the sold-out one is marked), changing an option and ticking an extra reprice the page,
and the cart charges exactly the total the page showed."""

import pytest

from tests.e2e.helpers import PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("kit_gamer")]


def kit_price(page) -> str:
    return page.locator("#kit-summary .kit-price").inner_text().replace("Precio del kit:", "").strip()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_kit_is_bought_at_the_price_its_page_shows(new_page, shop, viewport):
    page = new_page(viewport) if viewport else new_page()
    page.goto("/kits/kit-gamer/")
    keyboard = page.locator(f"select[name=item-{shop['keyboard_item'].pk}]")
    assert keyboard.input_value() == "K1-NEGRO"
    sold_out = keyboard.locator("option[value=K1-ROJO]")
    assert sold_out.is_disabled() and "(agotado)" in sold_out.inner_text()
    # Keyboard 199.90 + 20.00, chair 899.90 − 100.00; 10 % off the kit.
    assert kit_price(page) == "S/ 917.82"

    keyboard.select_option("K1-BLANCO")
    page.wait_for_function("() => document.querySelector('#kit-summary .kit-price').innerText.includes('899.82')")
    page.locator(f"#optional-{shop['mouse_item'].pk}").check()
    page.wait_for_function("() => document.querySelector('#kit-summary .kit-price').innerText.includes('1,029.72')")
    shown = kit_price(page)
    assert shown == "S/ 1,029.72"
    assert page.locator("#kit-intro-price .price--sale").inner_text() == shown
    screenshot(page, "kit-page")

    page.locator("#add-kit").click()
    page.locator("#cart-feedback .alert--success").wait_for()
    page.goto("/cart/")
    assert page.locator(".cart-line").count() == 3
    assert page.locator(".cart-totals .totals-total dd").inner_text().strip() == shown
    screenshot(page, "kit-cart")


def test_the_kit_s_price_follows_the_last_change_however_fast_the_changes_come(new_page, shop):
    """A change made just as the previous price is put in the page (htmx readies what it swaps in a
    moment later) is priced too: the price shown is never that of choices no longer made."""
    page = new_page()
    page.goto("/kits/kit-gamer/")
    extra = f"#optional-{shop['mouse_item'].pk}"
    # Right as the white keyboard's price is swapped in, before htmx has readied it, the mouse is added.
    page.evaluate(
        """(extra) => document.body.addEventListener("htmx:afterSwap", () => {
            document.querySelector(extra).click();
        }, {once: true})""",
        extra,
    )
    page.locator(f"select[name=item-{shop['keyboard_item'].pk}]").select_option("K1-BLANCO")
    page.wait_for_function("() => document.querySelector('#kit-summary .kit-price').innerText.includes('1,029.72')")
    assert page.locator(extra).is_checked()
