"""Checkout end to end through its pages: details, delivery and payment, review, place, pay
with the test gateway. Prices, shipping and stock always come from the database."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cart.store import cart_store
from catalog.models import Product
from checkout.state import SESSION_KEY
from inventory.models import Movement, Reservation, StockLevel
from orders.models import Order, OrderStatus
from payments.models import Payment
from shipping.models import ShippingMethod
from tests.factories import (
    BUYER_DNI,
    LIMA,
    PASSWORD,
    AddressFactory,
    KitFactory,
    KitItemFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    checkout,
    delivery,
    details,
    fill_cart,
    place,
    review_key,
    stock,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def held_for(order) -> int:
    return sum(Reservation.objects.active().filter(order_id=order.pk).values_list("quantity", flat=True))


class TestHappyPath:
    def test_a_guest_buys_and_pays(self, client, shop, mailoutbox, django_capture_on_commit_callbacks):
        fill_cart(client, ("HOOD-M", 2), ("CAP-U", 1))
        with django_capture_on_commit_callbacks(execute=True):
            order = checkout(client)

        assert order.status == OrderStatus.PENDING_PAYMENT and order.customer is None
        assert order.email == "rosa@example.pe"
        assert order.subtotal == Decimal("357.00")
        assert order.shipping_total == Decimal("0.00")  # Olva Lima is free from S/ 199
        assert order.total == Decimal("357.00")
        assert order.shipping_address["ubigeo"] == "150122" and order.shipping_address["district"] == "Miraflores"
        assert sorted(order.lines.values_list("sku", "quantity", "unit_price")) == [
            ("CAP-U", 1, Decimal("59.00")),
            ("HOOD-M", 2, Decimal("149.00")),
        ]
        assert held_for(order) == 3
        assert not Reservation.objects.active().filter(cart_key__startswith="anon-").exists()
        assert cart_store().lines(client.session.get("cart_id", "none")) == {}
        assert len(mailoutbox) == 1 and order.number in mailoutbox[0].subject
        assert client.session.get(SESSION_KEY) is None

        page = client.get(reverse("payments:pay", args=[order.number]))
        assert page.status_code == 200 and "S/ 357.00" in page.content.decode()
        response = client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.payment_status == "paid"
        assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
        assert StockLevel.objects.get(variant=shop["hoodie"]).on_hand == 8
        assert Movement.objects.filter(reference_type="order", reference_id=order.pk, kind="sale").count() == 2
        assert client.get(response["Location"]).status_code == 200  # the guest sees the order
        call_command("inventory_verify", verbosity=0)

    def test_a_declined_card_keeps_the_order_pending_and_a_retry_pays(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "decline"})
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT and held_for(order) == 1

        page = client.get(reverse("payments:pay", args=[order.number]))
        assert "declined" in page.content.decode() or "rechaz" in page.content.decode()
        client.post(
            reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "tarjeta-prueba"}
        )
        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert list(order.payments.order_by("pk").values_list("status", flat=True)) == ["declined", "succeeded"]

    def test_a_signed_in_customer_uses_a_saved_address_and_provinces_cost_shipping(self, client, shop):
        user = UserFactory(email="ana@example.pe")
        address = AddressFactory(user=user, department="04", province="Arequipa", district="Cayma")
        client.login(username=user.email, password=PASSWORD)
        fill_cart(client, ("CAP-U", 1))

        assert client.post(reverse("checkout:details"), {"address": address.pk, "billing_same": "1"}).status_code == 302
        options = client.get(reverse("checkout:delivery")).context["options"]
        assert options and all(option.price > 0 for option in options)
        cheapest = options[0]
        client.post(
            reverse("checkout:delivery"), {"shipping_method": cheapest.method_id, "payment_method": "tarjeta-prueba"}
        )
        place(client, review_key(client))

        order = Order.objects.get(customer=user)
        assert order.email == "ana@example.pe"
        assert order.shipping_total == cheapest.price
        assert order.total == Decimal("59.00") + cheapest.price
        assert order.shipping_address["district"] == "Cayma"

    def test_a_kit_keeps_its_discount_on_the_order(self, client, shop):
        desk = VariantFactory(sku="DESK", product=ProductFactory(base_price=Decimal("500.00")))
        stock(desk, shop["warehouse"], 3)
        kit = KitFactory(slug="kit-oficina", discount_percent=Decimal("10"))
        KitItemFactory(kit=kit, product=desk.product)
        KitItemFactory(kit=kit, product=shop["cap"].product)
        client.post(reverse("cart:add_kit", args=["kit-oficina"]))

        order = checkout(client)
        assert order.subtotal == Decimal("559.00")
        assert order.discount_total == Decimal("55.90")
        assert set(order.lines.values_list("kit_name", flat=True)) == {kit.name}


class TestBadInput:
    def test_an_empty_cart_or_a_lost_session_go_back(self, client, shop):
        assert client.get(reverse("checkout:details"))["Location"] == reverse("cart:detail")
        fill_cart(client, ("HOOD-M", 1))
        for step in ("checkout:delivery", "checkout:review"):
            assert client.get(reverse(step))["Location"] == reverse("checkout:details")
        assert place(client, "made-up-key").status_code == 302
        assert not Order.objects.exists()

    @pytest.mark.parametrize(
        "field,value",
        [
            ("shipping-district", "040101"),  # a district of another province
            ("shipping-province", "9999"),
            ("shipping-department", "99"),
            ("shipping-recipient", ""),
            ("email", "not-an-email"),
        ],
    )
    def test_bad_details_are_refused(self, client, shop, field, value):
        fill_cart(client, ("HOOD-M", 1))
        data = {"email": "rosa@example.pe", "billing_same": "1", **{f"shipping-{k}": v for k, v in LIMA.items()}}
        data[field] = value
        response = client.post(reverse("checkout:details"), data)
        assert response.status_code == 200
        assert client.session.get(SESSION_KEY) is None

    @pytest.mark.parametrize(
        "kind,number,ok",
        [
            ("dni", "12345678", True),
            ("dni", "1234", False),
            ("ruc", "20100070970", True),
            ("ruc", "20100070971", False),
            ("", "12345678", False),
        ],
    )
    def test_receipt_documents_are_validated(self, client, shop, kind, number, ok):
        fill_cart(client, ("HOOD-M", 1))
        response = details(client, document_type=kind, document=number, legal_name="Comercial Andina S.A.C.")
        assert (response.status_code == 302) is ok

    def test_another_customers_address_is_refused_on_the_form(self, client, shop):
        stranger = AddressFactory()
        user = UserFactory()
        AddressFactory(user=user)
        client.login(username=user.email, password=PASSWORD)
        fill_cart(client, ("HOOD-M", 1))
        for choice in (stranger.pk, "abc"):
            response = client.post(reverse("checkout:details"), {"address": choice, "billing_same": "1"})
            assert response.status_code == 200 and response.context["contact"].errors["address"]
            assert client.session.get(SESSION_KEY) is None
        # The other customer's address is not shown either (tests/checkout/test_saved_addresses.py has more).
        assert stranger.street not in response.content.decode()

    def test_tampered_shipping_and_payment_choices_are_refused(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        pickup_elsewhere = ShippingMethod.objects.filter(code="shalom").first()
        for data in (
            {"shipping_method": "999999", "payment_method": "tarjeta-prueba"},
            {"shipping_method": "abc", "payment_method": "tarjeta-prueba"},
            {"shipping_method": ShippingMethod.objects.get(code="olva-lima").pk, "payment_method": "bitcoin"},
        ):
            assert client.post(reverse("checkout:delivery"), data).status_code == 200
        if pickup_elsewhere is not None:  # a method that does not serve Lima, posted anyway
            response = client.post(
                reverse("checkout:delivery"),
                {"shipping_method": pickup_elsewhere.pk, "payment_method": "tarjeta-prueba"},
            )
            assert response.status_code == 200

    def test_a_method_that_stops_serving_is_caught_at_review(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        delivery(client)
        ShippingMethod.objects.filter(code="olva-lima").update(is_active=False)
        assert client.get(reverse("checkout:review"))["Location"] == reverse("checkout:delivery")

    def test_an_address_no_method_serves_says_so(self, client, shop):
        ShippingMethod.objects.update(is_active=False)
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        response = client.get(reverse("checkout:delivery"))
        assert response.context["no_method"]
        assert response.context["options"] == []

    def test_posted_prices_and_totals_are_ignored(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client, total="1.00", price="0.01")
        delivery(client)
        key = review_key(client)
        client.post(reverse("checkout:place"), {"key": key, "total": "1.00", "shipping_total": "0"})
        order = Order.objects.get()
        assert order.subtotal == Decimal("149.00") and order.shipping_total > 0  # under the free threshold
        assert order.total == order.subtotal + order.shipping_total

    def test_a_double_submit_and_a_replay_give_one_order(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        delivery(client)
        key = review_key(client)
        first, second = place(client, key), place(client, key)
        assert first["Location"] == second["Location"]
        assert Order.objects.count() == 1
        assert place(client, key)["Location"] == first["Location"]  # later, a refresh of the POST

    def test_a_resubmit_after_a_lost_answer_goes_to_the_placed_order(self, client, shop):
        """The first submit placed the order but its answer never arrived; the browser's session
        is still the one it had before (the first answer's cookie was lost with it). Submitting
        again goes to the order, not back to review, and places nothing twice."""
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        delivery(client)
        key = review_key(client)
        before = dict(client.session.items())
        first = place(client, key)
        session = client.session
        session.clear()
        session.update(before)  # as the resubmitting browser still sees it
        session.save()

        again = place(client, key)

        order = Order.objects.get()
        assert first["Location"] == again["Location"] == reverse("payments:pay", args=[order.number])
        assert client.get(again["Location"]).status_code == 200

    def test_a_resubmit_racing_the_first_submit_goes_to_its_order(self, client, shop):
        """The first submit commits while the second runs: the second finds the cart already
        emptied and answers with the order the key placed instead of an empty-cart error."""
        from checkout import services as checkout_services

        fill_cart(client, ("HOOD-M", 1))
        details(client)
        delivery(client)
        key = review_key(client)
        real_place = checkout_services._place
        calls = []

        def first_submit_lands_meanwhile(**kwargs):
            if not calls:
                calls.append(True)
                real_place(**kwargs)  # the first submit, committed before the second reads the cart
                cart_store().clear(kwargs["cart"].id)
            return real_place(**kwargs)

        checkout_services._place = first_submit_lands_meanwhile
        try:
            response = place(client, key)
        finally:
            checkout_services._place = real_place
        order = Order.objects.get()
        assert response["Location"] == reverse("payments:pay", args=[order.number])

    def test_a_key_from_another_session_is_refused(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        other = Client()
        fill_cart(other, ("CAP-U", 1))
        details(other)
        delivery(other)
        response = place(other, order.idempotency_key)
        assert response.status_code == 302 and Order.objects.count() == 1

    def test_a_lapsed_hold_is_taken_again_or_the_short_line_is_named(self, client, shop):
        from django.utils import timezone

        fill_cart(client, ("CAP-U", 3))
        details(client)
        delivery(client)
        key = review_key(client)
        Reservation.objects.update(expires_at=timezone.now())  # the cart's hold lapsed
        stranger = Client()
        fill_cart(stranger, ("CAP-U", 2))  # and someone took two of the four caps

        response = place(client, key)
        assert response["Location"] == reverse("checkout:review")
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("Gorra Inti" in m and "2" in m for m in messages)
        assert not Order.objects.exists()

    def test_a_product_withdrawn_during_checkout_is_refused(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client)
        delivery(client)
        key = review_key(client)
        Product.objects.filter(pk=shop["hoodie"].product_id).update(status=Product.Status.INACTIVE)
        place(client, key)
        assert not Order.objects.exists()

    def test_paying_someone_elses_order_is_404(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        stranger = Client()
        assert stranger.get(reverse("payments:pay", args=[order.number])).status_code == 404
        assert (
            stranger.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"}).status_code == 404
        )
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT

    @pytest.mark.parametrize("action", ["", "refund", "pay-twice"])
    def test_unknown_gateway_actions_change_nothing(self, client, shop, action):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": action})
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT

    def test_csrf_protects_placing(self, shop):
        strict = Client(enforce_csrf_checks=True)
        assert strict.post(reverse("checkout:place"), {"key": "x"}).status_code == 403


class TestAfterwards:
    def test_a_customer_cancels_within_the_window_and_the_stock_comes_back(self, client, shop):
        user = UserFactory()
        client.login(username=user.email, password=PASSWORD)
        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)
        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
        assert StockLevel.objects.get(variant=shop["hoodie"]).on_hand == 8

        response = client.post(reverse("orders:cancel", args=[order.number]), {"reason": "Me equivoqué de talla"})
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED
        assert order.needs_attention and "S/ 298.00" in order.attention_note  # the refund staff must make
        assert StockLevel.objects.get(variant=shop["hoodie"]).on_hand == 10
        call_command("inventory_verify", verbosity=0)

    def test_unpaid_orders_are_cancelled_and_release_their_holds(self, client, shop):
        from orders.services import orders_cancel_unpaid

        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)
        Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
        assert orders_cancel_unpaid(older_than_minutes=60) == 1
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED and held_for(order) == 0

    def test_a_payment_after_the_hold_lapsed_still_sells_when_stock_allows(self, client, shop):
        from django.utils import timezone

        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        Reservation.objects.filter(order_id=order.pk).update(expires_at=timezone.now())
        client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and not order.needs_attention
        assert StockLevel.objects.get(variant=shop["hoodie"]).on_hand == 9
        call_command("inventory_verify", verbosity=0)


def _at_the_review(shop, *, lines: int, email: str) -> Client:
    """A guest whose cart holds `lines` new variants, one unit each, past the details and delivery steps."""
    client = Client()
    variants = [VariantFactory() for _ in range(lines)]
    for variant in variants:
        stock(variant, shop["warehouse"], 3)
    fill_cart(client, *[(v.sku, 1) for v in variants])
    details(client, email=email, document_type="dni", document=BUYER_DNI)
    delivery(client)
    return client


def test_placing_an_order_is_flat_from_1_to_20_lines_and_under_40_queries(shop, django_assert_max_num_queries):
    counts = []
    for lines in (1, 20):
        client = _at_the_review(shop, lines=lines, email=f"flat{lines}@example.pe")
        key = review_key(client)
        with django_assert_max_num_queries(40) as captured:
            assert place(client, key).status_code == 302
        assert Order.objects.get(email=f"flat{lines}@example.pe").lines.count() == lines
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_review_is_flat_from_1_to_20_lines_and_prices_the_cart_once(shop, django_assert_max_num_queries):
    """The review shows the cart its step priced (cart_view(priced=...)): pricing it again read the
    variants, their option values and pictures a second time."""
    counts = []
    for lines in (1, 20):
        client = _at_the_review(shop, lines=lines, email=f"review{lines}@example.pe")
        client.get(reverse("checkout:review"))  # what a first request reads once (the site's settings)
        with django_assert_max_num_queries(12) as captured:  # 13 when it priced the cart twice
            response = client.get(reverse("checkout:review"))
        assert response.status_code == 200 and len(response.context["cart"].lines) == lines
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


class TestDocumentAboveTheAnonymousReceiptLimit:
    """The details step asks for the buyer's document as soon as the cart passes S/ 700 (SUNAT)."""

    def test_a_cart_above_the_limit_needs_a_dni_or_ruc(self, client, shop):
        fill_cart(client, ("HOOD-M", 5))  # 5 × 149.00 = 745.00
        response = details(client)
        assert response.status_code == 200
        errors = response.context["contact"].errors
        assert "document" in errors and "document_type" in errors
        assert "S/ 700" in response.content.decode() or "S/ 700" in str(errors)

    def test_the_anonymous_choice_is_not_offered_above_the_limit(self, client, shop):
        fill_cart(client, ("HOOD-M", 5))
        form = client.get(reverse("checkout:details")).context["contact"]
        assert "" not in dict(form.fields["document_type"].choices)

    def test_tampering_the_anonymous_choice_back_is_refused(self, client, shop):
        fill_cart(client, ("HOOD-M", 5))
        response = details(client, document_type="", document="")
        assert response.status_code == 200 and not Order.objects.exists()

    def test_a_dni_lets_the_order_through(self, client, shop):
        fill_cart(client, ("HOOD-M", 5))
        order = checkout(client, document_type="dni", document=BUYER_DNI)
        assert order.customer_document == BUYER_DNI and order.total > Decimal("700")

    def test_up_to_the_limit_the_receipt_may_go_without_a_document(self, client, shop):
        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)
        assert order.customer_document == ""
