"""The kit page: each item defaults to an option in stock (sold-out ones are marked), a kit whose
required item is sold out says so, and the price shown is the cart's for the same choices, to the
cent (kit discount, an option's price modifier and an automatic discount included)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cart.selectors import SESSION_KEY, cart_view
from cart.services import Cart
from cart.store import LineKey, cart_store
from catalog.models import CollectionItem, KitItem
from tests.factories import PASSWORD, CollectionFactory, UserFactory, stock

pytestmark = [pytest.mark.django_db, pytest.mark.shop("kit_gamer")]  # factories.kit_gamer_shop


def kit_url() -> str:
    return reverse("catalog:kit", args=["kit-gamer"])


def sell_out(variant, warehouse) -> None:
    from inventory.services import stock_write_off

    level = variant.stock_levels.get(warehouse=warehouse)
    stock_write_off(variant=variant, warehouse=warehouse, quantity=level.on_hand, reason="Dañado")


def cart_of(client) -> Cart:
    return Cart(id=client.session[SESSION_KEY])


class TestDefaultChoices:
    def test_each_item_defaults_to_an_option_in_stock_and_sold_out_ones_are_marked(self, client, shop):
        response = client.get(kit_url())

        page = response.context["page"]
        keyboard = page.required[0]
        assert keyboard.chosen == shop["black"]
        assert [(c.sku, c.in_stock) for c in keyboard.choices] == [
            ("K1-ROJO", False),
            ("K1-NEGRO", True),
            ("K1-BLANCO", True),
        ]
        assert not page.unavailable_reason
        body = response.content.decode()
        assert '<option value="K1-ROJO" disabled>Rojo (agotado)</option>' in body
        assert '<option value="K1-NEGRO" selected>Negro</option>' in body
        assert 'id="add-kit" disabled' not in body

    def test_adding_without_choices_takes_the_same_defaults(self, client, shop):
        client.post(reverse("cart:add_kit", args=["kit-gamer"]))

        kit = shop["kit"].pk
        assert cart_store().lines(cart_of(client).id) == {
            LineKey(shop["black"].pk, kit): 1,
            LineKey(shop["chair"].pk, kit): 1,
        }

    def test_a_required_item_with_nothing_in_stock_makes_the_kit_unavailable_naming_it(self, client, shop):
        for variant in (shop["black"], shop["white"]):
            sell_out(variant, shop["warehouse"])

        response = client.get(kit_url())

        page = response.context["page"]
        assert (
            page.unavailable_reason == "Teclado Kallpa K1 está agotado, así que el kit no se puede comprar por ahora."
        )
        body = response.content.decode()
        assert page.unavailable_reason in body and 'id="add-kit" disabled' in body

    def test_a_kit_asking_more_units_than_a_customer_may_buy_says_so(self, client, shop):
        KitItem.objects.filter(pk=shop["chair_item"].pk).update(quantity=6)
        stock(shop["chair"], shop["warehouse"], 4)  # stock is not what holds it back

        page = client.get(kit_url()).context["page"]

        assert page.unavailable_reason == (
            "El kit lleva 6 unidades de Silla Gamer Inti, más de las que un cliente puede comprar (5)."
        )

    def test_a_sold_out_extra_cannot_be_ticked(self, client, shop):
        sell_out(shop["mouse"], shop["warehouse"])

        response = client.get(kit_url(), {"optional": shop["mouse_item"].pk})

        page = response.context["page"]
        assert page.optional[0].sold_out and not page.optional[0].ticked
        assert not page.unavailable_reason  # an extra never holds the kit back
        assert (
            f'id="optional-{shop["mouse_item"].pk}" aria-label="Agregar Mouse M1" disabled' in response.content.decode()
        )

    def test_choices_in_the_address_are_shown_and_junk_is_ignored(self, client, shop):
        keyboard, mouse = shop["keyboard_item"].pk, shop["mouse_item"].pk
        page = client.get(
            kit_url(),
            {
                f"item-{keyboard}": "K1-BLANCO",
                "optional": [mouse, "x", "²"],
                "item-abc": "K1-ROJO",
                f"item-{keyboard}9": "nope",
            },
        ).context["page"]

        assert page.required[0].chosen == shop["white"]
        assert page.optional[0].ticked
        assert page.quantities == {shop["white"].pk: 1, shop["chair"].pk: 1, shop["mouse"].pk: 1}
        # A SKU of another product is not a choice of this item: the default stands.
        page = client.get(kit_url(), {f"item-{keyboard}": "SILLA-G"}).context["page"]
        assert page.required[0].chosen == shop["black"]


class TestOnePrice:
    def test_the_page_prices_the_choices_as_the_cart_does(self, client, shop):
        price = client.get(kit_url()).context["price"]

        # Keyboard 199.90 + 20.00 (black), chair 899.90 − 100.00 automatic; 10 % off the kit's 1,019.80.
        assert (price.subtotal, price.automatic_discount, price.kit_discount, price.total) == (
            Decimal("1119.80"),
            Decimal("100.00"),
            Decimal("101.98"),
            Decimal("917.82"),
        )

    @pytest.mark.parametrize("with_extras", [False, True])
    def test_the_kit_page_total_is_the_cart_total_after_adding_the_kit(self, client, shop, with_extras):
        form = (
            {f"item-{shop['keyboard_item'].pk}": "K1-BLANCO", "optional": [shop["mouse_item"].pk]}
            if with_extras
            else {}
        )
        response = client.get(kit_url(), form)
        shown = response.context["price"].total

        client.post(reverse("cart:add_kit", args=["kit-gamer"]), form)

        cart = client.get(reverse("cart:detail")).context["cart"]
        assert len(cart.lines) == (3 if with_extras else 2)
        assert cart.total == shown
        body = response.content.decode()
        assert f'<p class="kit-price"><span class="sr-only">Precio del kit: </span>S/ {shown:,.2f}</p>' in body
        assert f"S/ {shown:,.2f}" in client.get(reverse("cart:detail")).content.decode()

    def test_each_item_shows_its_chosen_option_price_after_its_offer(self, client, shop):
        response = client.get(kit_url())

        keyboard, chair = response.context["page"].required
        assert keyboard.priced.sale_unit_price == Decimal("219.90")
        assert (chair.priced.unit_price, chair.priced.sale_unit_price) == (Decimal("899.90"), Decimal("799.90"))
        assert response.context["page"].optional[0].priced.sale_unit_price == Decimal("129.90")
        assert response.context["price"].units == 2  # the unticked extra is priced, not counted

    def test_a_change_of_option_asks_for_the_summary_again(self, client, shop):
        body = client.get(kit_url()).content.decode()
        assert 'hx-trigger="change from:#kit-form"' in body
        assert f"#kit-item-price-{shop['keyboard_item'].pk}" in body

        swapped = client.get(kit_url(), {f"item-{shop['keyboard_item'].pk}": "K1-BLANCO"}, HTTP_HX_REQUEST="true")
        assert swapped.context["price"].total == Decimal("899.82")  # (199.90 + 799.90) × 0.9
        assert 'id="kit-summary"' in swapped.content.decode()


def test_an_added_kit_and_its_page_agree_for_a_signed_in_customer(client, shop):
    """The cart view a customer sees (with its holds) and the page agree too."""
    user = UserFactory(email="gamer@example.pe")
    client.login(username=user.email, password=PASSWORD)
    shown = client.get(kit_url()).context["price"].total
    client.post(reverse("cart:add_kit", args=["kit-gamer"]))
    assert cart_view(Cart(id=f"user-{user.pk}", customer=user)).total == shown


class TestAnItemAwaitingItsLaunch:
    """A kit item in a collection ahead can be neither bought nor priced: its price, and the kit's
    total that would tell it, stay secret until the launch."""

    @staticmethod
    def upcoming(product):
        drop = CollectionFactory(name="Drop 08", slug="drop-08", starts_at=timezone.now() + timedelta(days=2))
        CollectionItem.objects.create(collection=drop, product=product)
        return drop

    def test_a_required_item_hides_its_price_and_the_kits_and_the_kit_waits(self, client, shop):
        self.upcoming(shop["chair"].product)

        response = client.get(kit_url())
        html = response.content.decode()

        # The chair's price, before or after its offer, in any notation (not a bare "899": a CSRF
        # token or a nonce may hold those digits).
        assert not re.search(r"\b[78]99[.,]\d", html)
        assert response.context["page"].price_is_secret
        assert "Silla Gamer Inti sale a la venta el" in response.context["page"].unavailable_reason
        assert 'id="add-kit" disabled' in html
        refused = client.post(reverse("cart:add_kit", args=["kit-gamer"]), {}, HTTP_HX_REQUEST="true")
        assert cart_view(cart_of(client)).units == 0, refused.content

    def test_after_the_launch_the_kit_shows_its_price_and_sells(self, client, shop):
        drop = self.upcoming(shop["chair"].product)
        drop.starts_at = timezone.now() - timedelta(minutes=1)
        drop.save()

        response = client.get(kit_url())

        assert not response.context["page"].price_is_secret
        assert "799" in response.content.decode()
        client.post(reverse("cart:add_kit", args=["kit-gamer"]), {}, HTTP_HX_REQUEST="true")
        assert cart_view(cart_of(client)).units == 2

    def test_an_optional_item_hides_its_price_and_cannot_be_ticked(self, client, shop):
        self.upcoming(shop["mouse"].product)
        mouse_item = shop["mouse_item"]

        response = client.get(kit_url(), {"optional": str(mouse_item.pk)})
        html = response.content.decode()

        assert "129.90" not in html and "129,90" not in html  # the mouse's price (a brand may be "Marca 129")
        assert not response.context["page"].price_is_secret and not response.context["page"].unavailable_reason
        assert f'id="optional-{mouse_item.pk}" aria-label="Agregar Mouse M1" disabled' in html or re.search(
            rf'id="optional-{mouse_item.pk}"[^>]*disabled', html
        )
        assert not next(item for item in response.context["page"].optional).ticked
