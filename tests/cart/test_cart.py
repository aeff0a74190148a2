"""The cart through its pages: adding holds stock, limits and drop windows are enforced,
bad input leaves nothing behind, and the anonymous cart merges on login."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cart.selectors import SESSION_KEY, cart_view
from cart.services import Cart, CartError, cart_add, user_cart
from cart.store import LineKey, cart_store
from catalog.models import CollectionItem, Product
from inventory.models import Reservation
from tests.factories import (
    PASSWORD,
    CollectionFactory,
    KitFactory,
    KitItemFactory,
    ProductFactory,
    ProductImageFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    stock,
)

pytestmark = pytest.mark.django_db
# Concurrency and the query ceilings are the real stack's (CI runs PostgreSQL); SQLite serialises
# writers and reserves stock in Python.
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")


@pytest.fixture
def warehouse():
    return WarehouseFactory(code="LIM", priority=1)


@pytest.fixture
def hoodie(warehouse):
    variant = VariantFactory(sku="HOOD-M", product=ProductFactory(name="Hoodie Andino", base_price=Decimal("149.00")))
    stock(variant, warehouse, 8)
    return variant


def session_cart(client) -> Cart | None:
    cart_id = client.session.get(SESSION_KEY)
    return Cart(id=cart_id) if cart_id else None


def lines(client) -> dict:
    cart = session_cart(client)
    return cart_store().lines(cart.id) if cart else {}


def held(cart_id: str) -> int:
    return sum(Reservation.objects.active().filter(cart_key=cart_id).values_list("quantity", flat=True))


def add(client, sku, quantity="1", **extra):
    return client.post(reverse("cart:add"), {"sku": sku, "quantity": quantity}, **extra)


class TestAdding:
    def test_add_holds_the_units_and_shows_in_the_cart(self, client, hoodie):
        response = add(client, "HOOD-M", "2")

        assert response.status_code == 302
        assert lines(client) == {LineKey(hoodie.pk): 2}
        assert held(session_cart(client).id) == 2
        page = client.get(reverse("cart:detail"))
        assert "Hoodie Andino" in page.content.decode()
        assert page.context["cart"].total == Decimal("298.00")

    def test_htmx_add_answers_with_feedback_and_the_header_count(self, client, hoodie):
        response = add(client, "HOOD-M", "3", HTTP_HX_REQUEST="true")

        body = response.content.decode()
        assert response.status_code == 200
        assert 'id="mini-cart"' in body and 'hx-swap-oob="true"' in body
        assert response.context["cart_units"] == 3

    @pytest.mark.parametrize("quantity", ["0", "-1", "abc", "", "2.5", "10000", "1e3"])
    def test_bad_quantities_are_refused_and_write_nothing(self, client, hoodie, quantity):
        response = add(client, "HOOD-M", quantity, HTTP_HX_REQUEST="true")

        assert response.status_code == 200
        assert response.context["error"] is True
        assert lines(client) == {}
        assert not Reservation.objects.exists()

    @pytest.mark.parametrize("sku", ["NOPE", "", "x" * 500, "' OR 1=1 --"])
    def test_unknown_skus_are_refused(self, client, hoodie, sku):
        response = add(client, sku, HTTP_HX_REQUEST="true")
        assert response.context["error"] is True
        assert "does not exist" in response.context["message"] or "no existe" in response.context["message"]
        assert not Reservation.objects.exists()

    def test_inactive_variants_and_drafts_are_not_for_sale(self, client, hoodie):
        Product.objects.filter(pk=hoodie.product_id).update(status=Product.Status.DRAFT)
        assert add(client, "HOOD-M", HTTP_HX_REQUEST="true").context["error"] is True
        Product.objects.filter(pk=hoodie.product_id).update(status=Product.Status.ACTIVE)
        hoodie.is_active = False
        hoodie.save()
        assert add(client, "HOOD-M", HTTP_HX_REQUEST="true").context["error"] is True
        assert not Reservation.objects.exists()

    def test_a_drop_that_has_not_started_cannot_be_bought(self, client, hoodie):
        drop = CollectionFactory(
            starts_at=timezone.now() + timedelta(days=2), ends_at=timezone.now() + timedelta(days=5)
        )
        CollectionItem.objects.create(collection=drop, product=hoodie.product)

        response = add(client, "HOOD-M", HTTP_HX_REQUEST="true")

        assert response.context["error"] is True
        assert lines(client) == {} and not Reservation.objects.exists()

    def test_a_closed_drop_cannot_be_bought_but_a_live_one_can(self, client, hoodie):
        closed = CollectionFactory(
            starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=1)
        )
        CollectionItem.objects.create(collection=closed, product=hoodie.product)
        assert add(client, "HOOD-M", HTTP_HX_REQUEST="true").context["error"] is True

        live = CollectionFactory(
            starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(days=1)
        )
        CollectionItem.objects.create(collection=live, product=hoodie.product)
        assert add(client, "HOOD-M", HTTP_HX_REQUEST="true").context["error"] is False

    def test_the_per_customer_limit_counts_what_is_in_the_cart(self, client, hoodie):
        assert add(client, "HOOD-M", "3").status_code == 302
        response = add(client, "HOOD-M", "3", HTTP_HX_REQUEST="true")

        assert response.context["error"] is True
        assert "5" in response.context["message"]
        assert lines(client) == {LineKey(hoodie.pk): 3}
        assert held(session_cart(client).id) == 3

    def test_more_than_the_stock_says_how_many_are_left(self, client, warehouse):
        scarce = VariantFactory(sku="LAST-2")
        stock(scarce, warehouse, 2)

        response = add(client, "LAST-2", "3", HTTP_HX_REQUEST="true")

        assert response.context["error"] is True
        assert "2" in response.context["message"]
        assert lines(client) == {} and not Reservation.objects.exists()

    def test_posted_prices_are_ignored(self, client, hoodie):
        client.post(reverse("cart:add"), {"sku": "HOOD-M", "quantity": "1", "price": "0.01", "total": "1"})
        assert client.get(reverse("cart:detail")).context["cart"].total == Decimal("149.00")

    def test_csrf_is_required(self, hoodie):
        strict = Client(enforce_csrf_checks=True)
        assert add(strict, "HOOD-M").status_code == 403

    def test_get_is_not_allowed(self, client):
        assert client.get(reverse("cart:add")).status_code == 405


class TestChanging:
    def test_update_and_remove_follow_the_holds(self, client, hoodie):
        add(client, "HOOD-M", "2")
        cart_id = session_cart(client).id
        line = LineKey(hoodie.pk).encode()

        client.post(reverse("cart:update"), {"line": line, "quantity": "4"})
        assert lines(client) == {LineKey(hoodie.pk): 4} and held(cart_id) == 4
        client.post(reverse("cart:update"), {"line": line, "quantity": "1"})
        assert lines(client) == {LineKey(hoodie.pk): 1} and held(cart_id) == 1
        client.post(reverse("cart:remove"), {"line": line})
        assert lines(client) == {} and held(cart_id) == 0

    def test_update_over_the_limit_keeps_the_line_as_it_was(self, client, hoodie):
        add(client, "HOOD-M", "2")
        response = client.post(
            reverse("cart:update"), {"line": str(hoodie.pk), "quantity": "6"}, HTTP_HX_REQUEST="true"
        )
        assert response.context["cart_error"]
        assert lines(client) == {LineKey(hoodie.pk): 2}
        assert held(session_cart(client).id) == 2

    @pytest.mark.parametrize("line", ["", "abc", "1:kx", "999999"])
    def test_tampered_lines_are_refused(self, client, hoodie, line):
        add(client, "HOOD-M", "1")
        response = client.post(reverse("cart:update"), {"line": line, "quantity": "2"}, HTTP_HX_REQUEST="true")
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.context["cart_error"]
        assert lines(client) == {LineKey(hoodie.pk): 1}

    def test_without_a_cart_changes_are_bad_requests(self, client, hoodie):
        assert client.post(reverse("cart:update"), {"line": str(hoodie.pk), "quantity": "1"}).status_code == 400
        assert client.post(reverse("cart:remove"), {"line": str(hoodie.pk)}).status_code == 400

    def test_a_lapsed_hold_is_shown_and_still_available(self, client, hoodie):
        add(client, "HOOD-M", "2")
        Reservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

        (line,) = client.get(reverse("cart:detail")).context["cart"].lines
        assert line.reserved == 0 and line.available == 8 and line.problem == ""

    def test_a_line_that_can_no_longer_be_had_blocks_checkout(self, client, hoodie, warehouse):
        add(client, "HOOD-M", "2")
        Reservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        from inventory.services import stock_write_off

        stock_write_off(variant=hoodie, warehouse=warehouse, quantity=7, reason="Dañado")
        cart = client.get(reverse("cart:detail")).context["cart"]
        assert cart.has_problems
        assert "1" in cart.lines[0].problem


class TestKits:
    @pytest.fixture
    def kit(self, warehouse):
        desk = VariantFactory(sku="DESK", product=ProductFactory(name="Escritorio", base_price=Decimal("500.00")))
        chair = VariantFactory(sku="CHAIR", product=ProductFactory(name="Silla", base_price=Decimal("300.00")))
        lamp = VariantFactory(sku="LAMP", product=ProductFactory(name="Lámpara", base_price=Decimal("80.00")))
        for variant in (desk, chair, lamp):
            stock(variant, warehouse, 5)
        kit = KitFactory(slug="kit-oficina", name="Kit Oficina", discount_percent=Decimal("10"))
        KitItemFactory(kit=kit, product=desk.product)
        KitItemFactory(kit=kit, product=chair.product)
        lamp_item = KitItemFactory(kit=kit, product=lamp.product, is_optional=True)
        return {"kit": kit, "desk": desk, "chair": chair, "lamp": lamp, "lamp_item": lamp_item}

    def test_adding_a_kit_adds_required_and_ticked_items_with_the_discount(self, client, kit):
        client.post(reverse("cart:add_kit", args=["kit-oficina"]), {"optional": [kit["lamp_item"].pk]})

        k = kit["kit"].pk
        assert lines(client) == {
            LineKey(kit["desk"].pk, k): 1,
            LineKey(kit["chair"].pk, k): 1,
            LineKey(kit["lamp"].pk, k): 1,
        }
        cart = client.get(reverse("cart:detail")).context["cart"]
        assert cart.discount == Decimal("80.00")
        assert cart.total == Decimal("800.00")

    def test_unticked_optional_items_stay_out_and_tampered_choices_are_refused(self, client, kit):
        client.post(reverse("cart:add_kit", args=["kit-oficina"]), {"optional": ["abc"]})
        assert len(lines(client)) == 2

        desk_item = kit["kit"].items.get(product=kit["desk"].product)
        response = client.post(
            reverse("cart:add_kit", args=["kit-oficina"]), {f"item-{desk_item.pk}": "CHAIR"}, HTTP_HX_REQUEST="true"
        )
        assert response.context["error"] is True
        assert len(lines(client)) == 2

    def test_an_unknown_kit_is_404(self, client):
        assert client.post(reverse("cart:add_kit", args=["nope"])).status_code == 404


class TestLoginMerge:
    def test_the_anonymous_cart_merges_capped_by_limit_and_stock(self, client, hoodie, warehouse):
        user = UserFactory(email="rosa@example.pe")
        scarce = VariantFactory(sku="SCARCE", product=ProductFactory(name="Gorra Inti"))
        stock(scarce, warehouse, 3)
        cart_add(cart=user_cart(user), sku="HOOD-M", quantity=4)
        cart_add(cart=user_cart(user), sku="SCARCE", quantity=1)
        add(client, "HOOD-M", "3")
        add(client, "SCARCE", "2")
        anonymous_id = session_cart(client).id

        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)

        assert response.status_code == 200
        merged = cart_store().lines(user_cart(user).id)
        assert merged == {LineKey(hoodie.pk): 5, LineKey(scarce.pk): 3}
        assert cart_store().lines(anonymous_id) == {}
        assert held(anonymous_id) == 0
        assert held(user_cart(user).id) == 8
        texts = [str(m) for m in response.context["messages"]]
        assert any("Hoodie Andino" in t for t in texts)


class TestQueryCounts:
    @ON_POSTGRESQL
    def test_add_to_cart_takes_at_most_nine_queries(self, client, hoodie, django_assert_max_num_queries):
        add(client, "HOOD-M", "1")  # the cart exists, as for every add after the first
        # Is it in a live drop (rate limit), the variant, the cart's products, and in one
        # transaction (savepoint here): the client's locks, its cart record, its holds, the hold.
        with django_assert_max_num_queries(9):
            assert add(client, "HOOD-M", "1").status_code == 302

    def test_the_cart_page_is_flat_from_1_to_20_lines(self, client, warehouse, django_assert_num_queries):
        def fill(n):
            for _ in range(n):
                variant = VariantFactory()
                ProductImageFactory(product=variant.product)
                stock(variant, warehouse, 3)
                add(client, variant.sku, "1")

        fill(1)
        client.get(reverse("cart:detail"))  # the navigation tree is cached, as in steady state
        with django_assert_num_queries(5):  # variants, option values, images, holds, availability
            client.get(reverse("cart:detail"))
        fill(19)
        client.get(reverse("cart:detail"))
        with django_assert_num_queries(5):
            response = client.get(reverse("cart:detail"))
        assert len(response.context["cart"].lines) == 20


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_concurrent_adds_to_one_cart_lose_nothing():
    warehouse = WarehouseFactory()
    variants = [VariantFactory() for _ in range(6)]
    for variant in variants:
        stock(variant, warehouse, 5)
    cart = Cart(id="concurrent-cart")
    barrier = threading.Barrier(len(variants))
    errors = []

    def shopper(variant):
        try:
            barrier.wait()
            cart_add(cart=cart, sku=variant.sku, quantity=2)
        except CartError as error:  # pragma: no cover - would fail the assertions below
            errors.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=shopper, args=(v,)) for v in variants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert cart_store().lines(cart.id) == {LineKey(v.pk): 2 for v in variants}
    assert held(cart.id) == 12
    summary = cart_view(cart)
    assert summary.units == 12 and not summary.has_problems


def test_a_signed_in_customer_adds_on_the_python_reserve_path_too(client, hoodie, monkeypatch):
    """SQLite (the embedded default) reserves in Python, which locks the customer's row:
    request.user is a lazy object there, not a User."""
    monkeypatch.setattr("inventory.services.reservations.RESERVE_IN_DATABASE", False)
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)

    assert add(client, "HOOD-M", "2").status_code == 302
    assert held(user_cart(user).id) == 2
