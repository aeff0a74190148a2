"""One "Antes" price and one saving for the same item wherever it is shown: its product page, its
card in a listing, a kit page and the cart all take them from catalog.pricing.shown_price (the
compare-at price when it is higher, else the price before the automatic discount). A quantity
offer running on it changes no unit figure: it shows as its own line once its units are in the
cart."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from promotions.models import Scope
from tests.factories import (
    CategoryFactory,
    KitFactory,
    KitItemFactory,
    ProductFactory,
    VariantFactory,
    percent_off,
    stock,
    three_for_two,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def casaca_on_three_offers():
    """Casaca Andes: S/ 100.00, listed at S/ 150.00, 10 % off automatically, and a 3x2 running."""
    category = CategoryFactory(name="Casacas", slug="casacas")
    product = ProductFactory(
        name="Casaca Andes",
        slug="casaca-andes",
        category=category,
        base_price=Decimal("100.00"),
        compare_at_price=Decimal("150.00"),
    )
    stock(VariantFactory(product=product, sku="CASACA-ANDES"), quantity=20)
    percent_off("10", name="Invierno", scope=Scope.PRODUCTS, products=[product])
    three_for_two(product, name="3x2 Casacas")
    kit = KitFactory(name="Kit Frío", slug="kit-frio", discount_percent=Decimal("10.00"))
    KitItemFactory(kit=kit, product=product, quantity=1)
    return product


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


def _figures(html: str) -> dict:
    """The unit figures a part of a page shows: the price, "Antes", the percentage, the saving."""
    text = _text(html)
    found = {
        "before": re.findall(r"Antes: (S/ [\d,]+\.\d\d)", text),
        "percent": re.findall(r"[-−](\d+) ?%", text),
        "saving": re.findall(r"Ahorras (S/ [\d,]+\.\d\d)(?! en este pedido)", text),
    }
    return {name: values[0] if values else None for name, values in found.items()}


def test_product_page_card_kit_page_and_cart_show_the_same_before_price_and_saving(client, casaca_on_three_offers):
    product_page = client.get("/p/casaca-andes/", HTTP_HX_REQUEST="true").content.decode()  # its buy box
    listing = client.get("/c/casacas/").content.decode()
    card = listing[listing.index('class="product-card') :]
    kit_page = client.get("/kits/kit-frio/").content.decode()
    kit_item = kit_page[
        kit_page.index('class="kit-item"') : kit_page.index("</li>", kit_page.index('class="kit-item"'))
    ]
    client.post(reverse("cart:add"), {"sku": "CASACA-ANDES", "quantity": "1"})
    cart = client.get(reverse("cart:detail")).content.decode()
    cart_line = cart[cart.index('class="cart-line-price"') : cart.index("</li>", cart.index('class="cart-line-price"'))]

    shown = {"before": "S/ 150.00", "percent": "40", "saving": "S/ 60.00"}
    assert _figures(product_page) == shown
    assert _figures(cart_line) == shown
    assert _figures(card)["before"] == _figures(kit_item)["before"] == "S/ 150.00"
    assert _figures(card)["percent"] == "40"
    for part in (product_page, card, kit_item, cart_line):
        assert "S/ 90.00" in _text(part)


def test_the_kit_page_saves_what_the_cart_saves_for_the_same_kit(client, casaca_on_three_offers):
    kit_page = _text(client.get("/kits/kit-frio/").content.decode())
    client.post(reverse("cart:add_kit", args=["kit-frio"]))
    cart = _text(client.get(reverse("cart:detail")).content.decode())
    kit_saving = re.search(r"Ahorras (S/ [\d,]+\.\d\d)", kit_page.split("Precio del kit")[-1]).group(1)
    cart_saving = re.search(r"Ahorras (S/ [\d,]+\.\d\d) en este pedido", cart).group(1)
    # 150.00 listed, 90.00 after 10 % off, 81.00 with the kit's 10 %: 69.00 saved on both pages.
    assert kit_saving == cart_saving == "S/ 69.00"
    assert "Antes: S/ 150.00" in kit_page.split("Ahorras")[0]


def test_the_search_box_suggests_the_price_the_shopper_pays(client, casaca_on_three_offers):
    html = _text(client.get(reverse("catalog:search_suggestions"), {"q": "casaca"}).content.decode())
    assert "Casaca Andes S/ 90.00" in html and "S/ 100.00" not in html
