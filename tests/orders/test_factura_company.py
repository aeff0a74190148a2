"""A factura names the company: checkout asks for its name (razón social) with the RUC, the
order keeps it, the order pages show it and the factura is issued to it, not to the person in
the billing address. And the receipt's DNI or RUC, typed in any script's digits, is stored as
ASCII digits."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkout.state import SESSION_KEY
from orders.models import Order
from receipts.models import ReceiptKind
from receipts.services import receipt_issue_for_order
from tests.factories import checkout, details, fill_cart, make_order, pay

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]

RUC = "20100070970"
COMPANY = "Comercial Andina S.A.C."
MISSING = "Ingresa la razón social de la empresa tal como figura en SUNAT."


def wide(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in text)


class TestCheckoutAsksForTheCompany:
    def test_the_details_step_has_the_field_for_the_factura_only(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        page = client.get(reverse("checkout:details")).content.decode()
        assert 'name="legal_name"' in page and 'data-receipt-kinds="ruc"' in page and "Razón social" in page
        assert 'autocomplete="organization"' in page

    @pytest.mark.parametrize("typed", ["", "   ", "SA"])
    def test_a_ruc_without_the_company_name_is_refused_in_spanish(self, client, shop, typed):
        fill_cart(client, ("HOOD-M", 1))
        response = details(client, document_type="ruc", document=RUC, legal_name=typed)
        assert response.status_code == 200
        assert response.context["contact"].errors["legal_name"] == [MISSING]
        assert MISSING in response.content.decode()
        assert client.session.get(SESSION_KEY) is None

    @pytest.mark.parametrize(
        "typed, message",
        [
            ("Comercial\nAndina", "La razón social debe ir en una sola línea, sin caracteres especiales."),
            ("Comercial\tAndina", "La razón social debe ir en una sola línea, sin caracteres especiales."),
            ("Comercial\u2028Andina", "La razón social debe ir en una sola línea, sin caracteres especiales."),
            ("A" * 201, "La razón social puede tener como máximo 200 caracteres."),
        ],
    )
    def test_a_bad_company_name_is_a_field_error(self, client, shop, typed, message):
        fill_cart(client, ("HOOD-M", 1))
        response = details(client, document_type="ruc", document=RUC, legal_name=typed)
        assert response.status_code == 200
        assert response.context["contact"].errors["legal_name"] == [message]

    def test_a_nul_in_the_company_name_is_a_400(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        assert details(client, document_type="ruc", document=RUC, legal_name="Andina\x00").status_code == 400

    def test_the_factura_goes_to_the_company_typed_with_the_ruc(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client, document_type="ruc", document=wide(RUC), legal_name="  Comercial   Andina S.A.C. ")
        assert (order.customer_document, order.customer_legal_name) == (RUC, COMPANY)
        assert order.billing_address["recipient"] == "Rosa Quispe"  # the person who receives it

        pay(order)
        receipt = receipt_issue_for_order(order_id=order.pk)
        assert (receipt.kind, receipt.buyer_document, receipt.buyer_name) == (ReceiptKind.FACTURA, RUC, COMPANY)

    def test_the_review_page_shows_the_company(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client, document_type="ruc", document=RUC, legal_name=COMPANY)
        client.post(
            reverse("checkout:delivery"), {"shipping_method": shop_method(), "payment_method": "tarjeta-prueba"}
        )
        review = client.get(reverse("checkout:review")).content.decode()
        assert COMPANY in review and RUC in review

    def test_a_company_name_left_over_from_a_factura_is_dropped_for_a_boleta(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client, document_type="dni", document="45678912", legal_name=COMPANY)
        assert (order.customer_document_type, order.customer_legal_name) == ("dni", "")

    def test_the_form_comes_back_with_the_company_name(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        details(client, document_type="ruc", document=RUC, legal_name=COMPANY)
        form = client.get(reverse("checkout:details")).context["contact"]
        assert form.initial["legal_name"] == COMPANY

    @pytest.mark.parametrize("typed", [wide("45678912"), "٤٥٦٧٨٩١٢", "4567 8912"])
    def test_a_dni_in_other_digits_reaches_the_order_as_ascii(self, client, shop, typed):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client, document_type="dni", document=typed)
        assert order.customer_document == "45678912"
        pay(order)
        assert receipt_issue_for_order(order_id=order.pk).buyer_document == "45678912"

    def test_a_non_digit_in_the_number_is_refused_in_spanish(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        response = details(client, document_type="dni", document="4567891２X")
        assert response.context["contact"].errors["document"] == ["Ingresa un DNI válido: exactamente 8 dígitos."]


def shop_method() -> int:
    from shipping.models import ShippingMethod

    return ShippingMethod.objects.get(code="olva-lima").pk


class TestOrderCreate:
    def test_a_ruc_needs_the_company_name(self, variant):
        with pytest.raises(ValidationError) as refused:
            make_order(variant=variant, customer_document=RUC, customer_document_type="ruc")
        assert refused.value.message_dict == {"customer_legal_name": [MISSING]}
        assert not Order.objects.exists()

    def test_a_company_name_needs_a_ruc(self, variant):
        with pytest.raises(ValidationError) as refused:
            make_order(variant=variant, customer_document="45678912", customer_legal_name=COMPANY)
        assert list(refused.value.message_dict) == ["customer_legal_name"]
        assert not Order.objects.exists()

    def test_the_number_and_the_name_are_stored_clean(self, variant):
        order = make_order(
            variant=variant, customer_document=wide("20100-070970"), customer_legal_name=f" {COMPANY}\u00a0"
        )
        assert (order.customer_document, order.customer_document_type, order.customer_legal_name) == (
            RUC,
            "ruc",
            COMPANY,
        )

    def test_the_database_keeps_a_company_name_off_a_boleta(self, variant):
        from django.db import IntegrityError, transaction

        order = make_order(variant=variant, customer_document="45678912")
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.filter(pk=order.pk).update(customer_legal_name=COMPANY)


class TestTheOrderPagesShowTheCompany:
    @pytest.fixture
    def factura_order(self, user, variant):
        return make_order(customer=user, variant=variant, customer_document=RUC, customer_legal_name=COMPANY)

    def test_the_customer_s_order_page(self, client, user, factura_order):
        client.force_login(user)
        page = client.get(factura_order.get_absolute_url()).content.decode()
        assert COMPANY in page and RUC in page

    def test_the_admin_s_order_page_and_search(self, admin_client, factura_order):
        page = admin_client.get(reverse("admin:orders_order_change", args=[factura_order.pk])).content.decode()
        assert COMPANY in page and "Razón social" in page
        found = admin_client.get(reverse("admin:orders_order_changelist"), {"q": "andina"})
        assert list(found.context["cl"].result_list) == [factura_order]

    def test_the_factura_names_the_company_not_the_billing_recipient(self, factura_order):
        assert factura_order.billing_address["recipient"] == "Ana Torres"
        pay(factura_order)
        receipt = receipt_issue_for_order(order_id=factura_order.pk)
        assert (receipt.kind, receipt.buyer_name) == (ReceiptKind.FACTURA, COMPANY)


def test_the_order_admin_looks_a_full_width_number_up(admin_client, variant):
    order = make_order(variant=variant, customer_document="45678912")
    found = admin_client.get(reverse("admin:orders_order_changelist"), {"q": wide("45678912")})
    assert list(found.context["cl"].result_list) == [order]
