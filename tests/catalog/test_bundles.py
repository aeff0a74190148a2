"""Bundles: one SKU whose units are its components'. Holds, sales and returns act
on the components through inventory's services; the ledger stays per component."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cart.selectors import cart_view
from cart.services import Cart, CartError, cart_add, cart_remove
from cart.store import LineKey
from catalog.models import BundleComponent, Product
from inventory.models import Movement, Reservation, StockLevel
from inventory.selectors import bundle_availability
from orders.models import OrderStatus
from shipping.models import ShipmentLine
from tests.factories import CollectionFactory, VariantFactory, checkout, fill_cart, make_bundle, stock

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def held(cart_id: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for sku, quantity in (
        Reservation.objects.active().filter(cart_key=cart_id).values_list("stock_level__variant__sku", "quantity")
    ):
        totals[sku] = totals.get(sku, 0) + quantity
    return totals


@pytest.fixture
def parts(shop):
    warehouse = shop["warehouse"]
    mouse, pad = VariantFactory(sku="MOUSE"), VariantFactory(sku="PAD")
    stock(mouse, warehouse, 7)
    stock(pad, warehouse, 10)
    return {"warehouse": warehouse, "mouse": mouse, "pad": pad}


class TestAvailability:
    def test_available_is_the_minimum_over_components_of_units_per_bundle(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 3)])
        assert bundle_availability([bundle.pk]) == {bundle.pk: 3}  # pads: 10 // 3
        cart_add(cart=Cart(id="other"), sku="PAD", quantity=5)
        assert bundle_availability([bundle.pk]) == {bundle.pk: 1}  # 5 pads left

    def test_a_plain_variant_is_not_a_bundle_and_one_without_components_sells_nothing(self, parts):
        empty = make_bundle([], sku="PACK-EMPTY")
        assert bundle_availability([parts["mouse"].pk, empty.pk]) == {}
        with pytest.raises(CartError):
            cart_add(cart=Cart(id="c1"), sku="PACK-EMPTY", quantity=1)

    def test_the_product_page_shows_the_components_and_the_bundle_stock(self, client, parts):
        bundle = make_bundle([(parts["mouse"], 2), (parts["pad"], 1)])
        page = client.get(bundle.product.get_absolute_url())
        html = page.content.decode()
        assert page.status_code == 200
        assert page.context["page"].units_left == 3  # 7 mice // 2
        assert "MOUSE" in html and "PAD" in html and 'class="bundle-contents"' in html
        assert [c.component.sku for c in page.context["page"].components] == ["MOUSE", "PAD"]

    def test_the_bundle_page_query_count_is_flat_in_its_components(self, client, parts):
        from django.test.utils import CaptureQueriesContext

        def count(bundle) -> int:
            client.get(bundle.product.get_absolute_url())  # warm the caches (menus, settings)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(bundle.product.get_absolute_url()).status_code == 200
            return len(queries)

        few = count(make_bundle([(parts["mouse"], 1)], sku="PACK-1"))
        many_parts = [(parts["mouse"], 1), (parts["pad"], 1)]
        for _ in range(6):
            variant = VariantFactory()
            stock(variant, parts["warehouse"], 3)
            many_parts.append((variant, 2))
        assert count(make_bundle(many_parts, sku="PACK-8")) == few


class TestCart:
    def test_a_part_whose_drop_has_not_started_blocks_the_bundle(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 1)])
        drop = CollectionFactory(starts_at=timezone.now() + timedelta(days=2))
        drop.items.create(product=parts["pad"].product)
        with pytest.raises(CartError):
            cart_add(cart=Cart(id="c1"), sku=bundle.sku, quantity=1)
        assert held("c1") == {}

    def test_an_inactive_part_makes_the_bundle_unsellable(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 1)])
        Product.objects.filter(pk=parts["pad"].product_id).update(status=Product.Status.INACTIVE)
        with pytest.raises(CartError):
            cart_add(cart=Cart(id="c1"), sku=bundle.sku, quantity=1)
        assert held("c1") == {}

    def test_adding_holds_the_components_and_removing_gives_them_back(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 2)])
        cart = Cart(id="c1")
        cart_add(cart=cart, sku=bundle.sku, quantity=2)
        assert held("c1") == {"MOUSE": 2, "PAD": 4}
        assert not StockLevel.objects.filter(variant=bundle).exists()  # the bundle has no stock of its own
        line = cart_view(cart).lines[0]
        assert (line.variant.sku, line.quantity, line.reserved, line.problem) == (bundle.sku, 2, 2, "")

        cart_add(cart=cart, sku="PAD", quantity=1)  # a component on its own line too
        assert held("c1") == {"MOUSE": 2, "PAD": 5}
        cart_remove(cart=cart, line=LineKey(bundle.pk))
        assert held("c1") == {"PAD": 1}

    def test_a_bundle_whose_component_ran_out_is_refused_with_the_reason(self, parts):
        bundle = make_bundle([(parts["mouse"], 4)])
        cart_add(cart=Cart(id="c1"), sku=bundle.sku, quantity=1)
        # The part that ran out is named as shoppers know it (its product), not by its SKU.
        with pytest.raises(CartError, match=f"^Solo quedan 3 unidades de {parts['mouse'].product.name}.$"):
            cart_add(cart=Cart(id="c2"), sku=bundle.sku, quantity=1)
        assert held("c2") == {}

    def test_the_clients_hold_cap_counts_a_bundles_parts(self, parts, settings):
        from cart.services import ClientId

        settings.CLIENT_HOLD_LIMIT_PER_IP = 4
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 2)])
        bot = ClientId(ip="203.0.113.9", device="d1")
        cart_add(cart=Cart(id="bot-1"), sku=bundle.sku, quantity=2, client=bot)  # 4 pads
        with pytest.raises(CartError, match=r"\(4\)"):
            cart_add(cart=Cart(id="bot-2"), sku=bundle.sku, quantity=1, client=bot)
        with pytest.raises(CartError):
            cart_add(cart=Cart(id="bot-3"), sku="PAD", quantity=1, client=bot)
        assert held("bot-2") == {} and held("bot-3") == {}


class TestCheckout:
    def test_a_bundle_is_bought_as_one_line_and_its_components_leave_the_stock(
        self, client, shop, django_capture_on_commit_callbacks
    ):
        make_bundle([(shop["hoodie"], 1), (shop["cap"], 2)], sku="PACK-ANDINO", price="229.00")
        fill_cart(client, ("PACK-ANDINO", 2))
        with django_capture_on_commit_callbacks(execute=True):
            order = checkout(client)
        assert list(order.lines.values_list("sku", "quantity", "unit_price")) == [("PACK-ANDINO", 2, Decimal("229.00"))]
        held_skus = sorted(
            Reservation.objects.active().filter(order_id=order.pk).values_list("stock_level__variant__sku", "quantity")
        )
        assert held_skus == [("CAP-U", 4), ("HOOD-M", 2)]

        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and not order.needs_attention
        sales = dict(
            Movement.objects.filter(reference_type="order", reference_id=order.pk, kind="sale").values_list(
                "stock_level__variant__sku", "quantity"
            )
        )
        assert sales == {"CAP-U": -4, "HOOD-M": -2}
        assert StockLevel.objects.get(variant=shop["cap"]).on_hand == 0
        # The shipment carries the bundle's order line, whole.
        assert list(ShipmentLine.objects.filter(shipment__order=order).values_list("order_line__sku", "quantity")) == [
            ("PACK-ANDINO", 2)
        ]
        call_command("inventory_verify", verbosity=0)


class TestReturns:
    def test_a_returned_bundle_puts_its_components_back_and_a_damaged_one_writes_them_off(self, parts):
        from inventory.services import stock_return, stock_write_off

        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 2)])
        stock_return(variant=bundle, warehouse=parts["warehouse"], quantity=2, reason="RMA")
        parts_levels = StockLevel.objects.filter(variant__sku__in=["MOUSE", "PAD"])
        assert dict(parts_levels.values_list("variant__sku", "on_hand")) == {"MOUSE": 9, "PAD": 14}
        stock_write_off(variant=bundle, warehouse=parts["warehouse"], quantity=1, reason="Dañado")
        assert dict(parts_levels.values_list("variant__sku", "on_hand")) == {"MOUSE": 8, "PAD": 12}
        call_command("inventory_verify", verbosity=0)


class TestRules:
    def test_a_bundle_cannot_contain_itself_or_another_bundle(self, parts):
        bundle = make_bundle([(parts["mouse"], 1)])
        other = make_bundle([(parts["pad"], 1)], sku="PACK-2")
        with pytest.raises(ValidationError):
            BundleComponent(bundle=bundle.product, component=bundle, quantity=1).full_clean()
        with pytest.raises(ValidationError):
            BundleComponent(bundle=bundle.product, component=other, quantity=1).full_clean()
        with pytest.raises(ValidationError):
            BundleComponent(bundle=bundle.product, component=parts["pad"], quantity=0).full_clean()


class TestInStockFilter:
    """The listing's "in stock only" facet keeps a bundle while each of its components has a unit."""

    def in_stock_ids(self):
        from inventory.selectors import product_in_stock

        return set(Product.objects.filter(product_in_stock()).values_list("pk", flat=True))

    def test_a_bundle_with_every_component_in_stock_is_kept(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 2)])
        assert bundle.product_id in self.in_stock_ids()

    def test_a_bundle_with_one_component_sold_out_is_left_out(self, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 2)])
        cart_add(cart=Cart(id="other"), sku="MOUSE", quantity=5)
        cart_add(cart=Cart(id="third"), sku="MOUSE", quantity=2)  # the last of 7 mice held elsewhere
        ids = self.in_stock_ids()
        assert bundle.product_id not in ids and parts["pad"].product_id in ids

    def test_a_bundle_without_components_or_with_an_inactive_one_is_left_out(self, parts):
        empty = make_bundle([], sku="PACK-EMPTY")
        retired = make_bundle([(parts["pad"], 1)], sku="PACK-RETIRED")
        parts["pad"].__class__.objects.filter(pk=parts["pad"].pk).update(is_active=False)
        assert {empty.product_id, retired.product_id}.isdisjoint(self.in_stock_ids())

    def test_the_listing_filter_shows_the_bundle(self, client, parts):
        bundle = make_bundle([(parts["mouse"], 1), (parts["pad"], 1)])
        url = bundle.product.category.get_absolute_url() + "?in_stock=1"
        assert bundle.product.name in client.get(url).content.decode()
