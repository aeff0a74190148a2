"""Orders staff take on WhatsApp or the phone (checkout.staff_orders): checkout's own pricing,
holds and one-time key, the channel and who took it recorded, a clear refusal writing nothing."""

from decimal import Decimal

import pytest

from cart.services import Cart, cart_add
from checkout.forms import CheckoutAddressForm
from checkout.services import CheckoutError, checkout_place_order
from checkout.staff_orders import (
    staff_order_payment_link,
    staff_order_place,
    staff_order_quote,
    staff_order_whatsapp_link,
)
from checkout.state import CheckoutState
from inventory.models import Reservation
from orders.models import Order, OrderChannel, OrderEmail, OrderEmailKind, OrderStatus
from payments.services import TEST_GATEWAY_METHOD_CODE
from shipping.models import ShippingMethod
from tests.factories import LIMA, UserFactory, coupon

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def olva_lima() -> ShippingMethod:
    return ShippingMethod.objects.get(code="olva-lima")


def answers(**overrides) -> dict:
    data = {
        "email": "nuevo@example.pe",
        "phone": "987654321",
        "lines": [("HOOD-M", "2"), ("CAP-U", "1"), ("", "")],
        "address_data": dict(LIMA),
        "shipping_method_id": olva_lima().pk,
        "document_type": "dni",
        "document": "45678912",
        "legal_name": "",
        "coupon_code": "",
    }
    data.update(overrides)
    return data


def take(staff, key="a" * 32, channel=OrderChannel.WHATSAPP, **overrides) -> Order:
    return staff_order_place(taken_by=staff, channel=channel, key=key, **answers(**overrides))


def held_for(order) -> int:
    return sum(Reservation.objects.active().filter(order_id=order.pk).values_list("quantity", flat=True))


def nothing_written():
    return (Order.objects.count(), Reservation.objects.active().count(), OrderEmail.objects.count())


def shopper_order(*, email, lines, coupon_code="", key="shopper-key", customer=None) -> Order:
    """The same cart placed by a shopper at checkout."""
    form = CheckoutAddressForm(data=dict(LIMA))
    assert form.is_valid()
    cart = Cart(id=f"shopper-{key}", customer=customer, coupon_code=coupon_code)
    for sku, quantity in lines:
        cart_add(cart=cart, sku=sku, quantity=quantity)
    state = CheckoutState(
        email=email,
        shipping=form.snapshot(),
        document_type="dni",
        document="45678912",
        shipping_method_id=olva_lima().pk,
        payment_method=TEST_GATEWAY_METHOD_CODE,
    )
    return checkout_place_order(cart=cart, state=state, key=key, key_handed=True, customer=customer)


class TestPlacing:
    def test_a_guest_order_costs_what_checkout_charges_and_holds_its_units(
        self, shop, staff_member, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            order = take(staff_member)
        shopper = shopper_order(email="otra@example.pe", lines=[("HOOD-M", 2), ("CAP-U", 1)])

        assert order.replayed is False and order.status == OrderStatus.PENDING_PAYMENT
        assert order.customer is None and order.email == "nuevo@example.pe"
        assert order.channel == OrderChannel.WHATSAPP and order.taken_by == staff_member
        assert (order.subtotal, order.discount_total, order.shipping_total, order.total) == (
            shopper.subtotal,
            shopper.discount_total,
            shopper.shipping_total,
            shopper.total,
        )
        assert order.total == Decimal("357.00")
        assert shopper.channel == OrderChannel.WEB and shopper.taken_by is None
        assert held_for(order) == 3
        assert not Reservation.objects.active().filter(cart_key__startswith="staff-").exists()
        assert order.shipping_address["ubigeo"] == "150122" and order.customer_document == "45678912"
        assert list(order.emails.values_list("kind", flat=True)) == [OrderEmailKind.PAYMENT_LINK]
        message = mailoutbox[0]
        assert order.number in message.subject and "listo para pagar" in message.subject
        assert staff_order_payment_link(order) in message.body and "S/ 357.00" in message.body
        assert order.status_changes.get().actor == staff_member

    def test_an_existing_customer_is_found_by_e_mail(self, shop, staff_member):
        customer = UserFactory(email="rosa@example.pe")
        order = take(staff_member, email="ROSA@example.pe", channel=OrderChannel.PHONE)
        assert order.customer == customer and order.channel == OrderChannel.PHONE
        assert staff_order_payment_link(order).endswith(order.get_absolute_url())

    def test_a_coupon_is_priced_as_at_checkout(self, shop, staff_member):
        coupon(code="PROMO10")
        order = take(staff_member, coupon_code="promo10")
        shopper = shopper_order(email="otra@example.pe", lines=[("HOOD-M", 2), ("CAP-U", 1)], coupon_code="PROMO10")
        assert order.coupon_code == "PROMO10" and order.discount_total > 0
        assert (order.discount_total, order.total) == (shopper.discount_total, shopper.total)

    def test_the_quote_matches_the_order_and_writes_nothing(self, shop, staff_member):
        before = nothing_written()
        quote = staff_order_quote(**answers())
        assert nothing_written() == before
        order = take(staff_member)
        assert quote.total == order.total and quote.shipping_total == order.shipping_total
        assert sorted((line.sku, line.quantity) for line in quote.lines) == [("CAP-U", 1), ("HOOD-M", 2)]

    def test_the_same_key_gives_back_the_same_order(self, shop, staff_member):
        first = take(staff_member)
        again = take(staff_member)
        assert again.pk == first.pk and again.replayed is True
        assert Order.objects.count() == 1 and held_for(first) == 3
        assert OrderEmail.objects.count() == 1

    def test_the_key_of_another_order_is_refused(self, shop, staff_member):
        take(staff_member)
        with pytest.raises(CheckoutError):
            take(staff_member, email="otro@example.pe")
        assert Order.objects.count() == 1

    def test_the_whatsapp_link_goes_to_the_customers_phone(self, shop, staff_member):
        order = take(staff_member)
        link = staff_order_whatsapp_link(order)
        assert link.startswith("https://wa.me/51987654321?text=")
        assert order.number in link and "%2F" in link


class TestRefusals:
    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"lines": [("NO-EXISTE", "1")]}, "NO-EXISTE"),
            ({"lines": [("HOOD-M", "0")]}, "HOOD-M"),
            ({"lines": [("HOOD-M", "-2")]}, "HOOD-M"),
            ({"lines": [("HOOD-M", "abc")]}, "HOOD-M"),
            ({"lines": [("HOOD-M", "100")]}, "99"),
            ({"lines": [("", "")]}, ""),
            ({"lines": [("CAP-U", "5")]}, ""),  # 4 in stock
            ({"address_data": {**LIMA, "district": "999999"}}, ""),
            ({"address_data": {**LIMA, "province": "0401", "district": "040101"}}, ""),
            ({"shipping_method_id": 999999}, ""),
            ({"shipping_method_id": "x"}, ""),
            ({"document": "1234"}, ""),
            ({"document_type": "ruc", "document": "20123456789", "legal_name": ""}, ""),
            ({"document_type": "ruc", "document": "20000000000", "legal_name": "Andina SAC"}, ""),
            ({"coupon_code": "NOEXISTE"}, ""),
            ({"email": "no-es-un-correo"}, ""),
        ],
    )
    def test_bad_answers_are_refused_and_nothing_is_written(self, shop, staff_member, overrides, message):
        before = nothing_written()
        with pytest.raises(CheckoutError) as refusal:
            take(staff_member, **overrides)
        assert str(refusal.value) and message in str(refusal.value)
        with pytest.raises(CheckoutError):
            staff_order_quote(**answers(**overrides))
        assert nothing_written() == before
        assert not Reservation.objects.filter(cart_key__startswith="staff-").exists()

    def test_a_tampered_method_for_another_region_is_refused(self, shop, staff_member):
        shalom = ShippingMethod.objects.get(code="shalom-agencia")  # provinces only
        with pytest.raises(CheckoutError):
            take(staff_member, shipping_method_id=shalom.pk)
        assert Order.objects.count() == 0

    def test_the_products_purchase_limit_holds(self, shop, staff_member):
        product = shop["hoodie"].product
        product.max_per_customer = 1
        product.save(update_fields=["max_per_customer"])
        before = nothing_written()
        with pytest.raises(CheckoutError) as refusal:
            take(staff_member, lines=[("HOOD-M", "2")])
        assert "Hoodie Andino" in str(refusal.value)
        assert nothing_written() == before

    def test_the_web_channel_is_the_shoppers_own(self, shop, staff_member):
        with pytest.raises(CheckoutError):
            take(staff_member, channel=OrderChannel.WEB)
        assert Order.objects.count() == 0

    def test_messages_are_in_spanish(self, shop, staff_member):
        with pytest.raises(CheckoutError) as refusal:
            take(staff_member, lines=[("NO-EXISTE", "1")])
        assert "No hay ningún producto con el SKU NO-EXISTE" in str(refusal.value)


class TestSkusInAnyCase:
    def test_a_sku_typed_in_lowercase_is_the_products_sku(self, shop, staff_member):
        order = take(staff_member, lines=[("hood-m", "2"), (" Cap-u ", "1")])
        assert sorted(order.lines.values_list("sku", "quantity")) == [("CAP-U", 1), ("HOOD-M", 2)]
        quote = staff_order_quote(**answers(lines=[("hood-m", "1"), ("HOOD-M", "1")]))
        assert [(line.sku, line.quantity) for line in quote.lines] == [("HOOD-M", 2)]

    def test_an_exact_sku_wins_over_one_that_differs_in_case(self, shop, staff_member):
        from tests.factories import ProductFactory, VariantFactory, stock

        lower = VariantFactory(sku="hood-m", product=ProductFactory(name="Otra prenda"))
        stock(lower, shop["warehouse"], 3)
        quote = staff_order_quote(**answers(lines=[("hood-m", "1")]))
        assert [line.sku for line in quote.lines] == ["hood-m"]
        with pytest.raises(CheckoutError) as refusal:
            staff_order_quote(**answers(lines=[("Hood-M", "1")]))
        assert "HOOD-M" in str(refusal.value) and "hood-m" in str(refusal.value)


class TestCalculateRefusesWhatCreateRefuses:
    """ "Calcular" runs the placement "Crear" runs, rolled back: every refusal shows there first,
    worded for the staff member (the customer is "el cliente", never "tú")."""

    def refused(self, staff_member, **overrides) -> str:
        before = nothing_written()
        with pytest.raises(CheckoutError) as at_quote:
            staff_order_quote(**answers(**overrides))
        with pytest.raises(CheckoutError) as at_create:
            take(staff_member, key="z" * 32, **overrides)
        assert nothing_written() == before
        assert str(at_quote.value) == str(at_create.value)
        message = str(at_quote.value)
        for shopper_voice in ("ya tienes", "tu carrito", "Ya usaste", "págalo", "Puedes comprar", "tu DNI"):
            assert shopper_voice not in message
        return message

    def test_the_units_an_unpaid_order_holds_count_toward_the_customers_limit(self, shop, staff_member):
        UserFactory(email="rosa@example.pe")
        first = take(staff_member, email="rosa@example.pe", lines=[("HOOD-M", "5")])
        message = self.refused(staff_member, email="rosa@example.pe", lines=[("HOOD-M", "1")])
        assert message == (
            f"El cliente ya tiene 5 unidades de Hoodie Andino reservadas en el pedido {first.number}, "
            "que espera su pago; como máximo 5 por cliente."
        )

    def test_the_limit_within_the_order_is_checked_at_calculate(self, shop, staff_member):
        product = shop["hoodie"].product
        product.max_per_customer = 1
        product.save(update_fields=["max_per_customer"])
        message = self.refused(staff_member, lines=[("HOOD-M", "2")])
        assert message == "Un cliente puede comprar como máximo 1 unidad de Hoodie Andino; este pedido pide 2."

    def test_a_coupon_the_customer_already_used_is_refused_at_calculate(self, shop, staff_member):
        coupon(code="UNAVEZ", max_uses_per_customer=1)
        take(staff_member, email="rosa@example.pe", coupon_code="unavez")
        message = self.refused(staff_member, email="rosa@example.pe", coupon_code="UNAVEZ")
        assert message == "El cliente ya usó el código UNAVEZ."

    def test_a_shortage_names_the_product_and_its_sku(self, shop, staff_member):
        message = self.refused(staff_member, lines=[("cap-u", "5")])
        assert message == "Solo hay 4 unidades disponibles de Gorra Inti (CAP-U)."

    def test_the_quote_is_what_create_makes_and_leaves_no_trace(self, shop, staff_member, monkeypatch):
        from cart import services as cart_services
        from cart.store import cart_store

        coupon(code="PROMO10")
        carts = []
        real_add = cart_services.cart_add
        monkeypatch.setattr(
            "checkout.staff_orders.cart_add",
            lambda *, cart, **kwargs: carts.append(cart.id) or real_add(cart=cart, **kwargs),
        )
        before = nothing_written()
        quote = staff_order_quote(**answers(coupon_code="promo10"))
        assert nothing_written() == before and not Reservation.objects.exists()
        assert carts and all(not cart_store().lines(cart_id) for cart_id in carts)
        order = take(staff_member, coupon_code="promo10")
        assert order.number.endswith("-0001")  # the quote's number went back with it: no gap
        assert (quote.subtotal, quote.discount_total, quote.shipping_total, quote.total) == (
            order.subtotal,
            order.discount_total,
            order.shipping_total,
            order.total,
        )
        assert [source.amount for source in quote.discount_sources] != []

    def test_a_receipt_above_the_anonymous_limit_asks_for_the_customers_document(self, shop, staff_member):
        message = self.refused(staff_member, lines=[("HOOD-M", "5")], document_type="", document="")
        assert message == (
            "Para compras de más de S/ 700, la SUNAT pide el documento del comprador en el "
            "comprobante: agrega el DNI del cliente (o un RUC para factura)."
        )

    def test_a_coupon_for_other_products_says_so_about_this_order(self, shop, staff_member):
        from promotions.models import Scope
        from tests.factories import ProductFactory

        coupon(code="SOLOSILLAS", scope=Scope.PRODUCTS, products=[ProductFactory(name="Silla")])
        message = self.refused(staff_member, coupon_code="solosillas")
        assert message == "El código SOLOSILLAS no se aplica a ningún producto de este pedido."

    @pytest.mark.parametrize(
        ("overrides", "expected"),
        [
            ({"lines": [("HOOD-M", "100")]}, "HOOD-M: como máximo 99 unidades por línea."),
            ({"document_type": "dni", "document": ""}, "DNI o RUC: Ingresa el número para el comprobante del cliente."),
        ],
    )
    def test_the_form_speaks_to_staff_too(self, shop, staff_member, overrides, expected):
        assert self.refused(staff_member, **overrides) == expected
