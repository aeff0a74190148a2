"""The back office writes money as the shop does (S/ 1,799.90), fits its order list in a
1280 px screen (see tests/e2e/test_newcomer_journey.py), and answers /favicon.ico."""

import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders

from payments.models import Payment, PaymentMethod
from tests.factories import ProductFactory, UserFactory, VariantFactory, make_order

pytestmark = pytest.mark.django_db

LOCALIZED_MONEY = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d])")  # the admin's 1.799,90 / 58,90


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def order():
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("1799.90")))
    return make_order(variant=variant)


def test_order_lines_read_like_the_shop(staff_client, order):
    page = staff_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "S/ 1,799.90" in page  # unit price
    assert "S/ 3,599.80" in page  # line total
    assert not LOCALIZED_MONEY.search(page)


def test_payment_list_and_page_read_like_the_shop(staff_client, order):
    method = PaymentMethod.objects.create(name="Tarjeta", code="tarjeta", provider="test", fixed_fee=Decimal("0.50"))
    payment = Payment.objects.create(order=order, method=method, amount=Decimal("58.90"), fee=Decimal("2.10"))

    listing = staff_client.get("/admin/payments/payment/").content.decode()
    assert "S/ 58.90" in listing and "S/ 2.10" in listing
    assert not LOCALIZED_MONEY.search(listing)
    page = staff_client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert "S/ 58.90" in page
    assert not LOCALIZED_MONEY.search(page)
    methods = staff_client.get("/admin/payments/paymentmethod/").content.decode()
    assert "S/ 0.50" in methods


def test_editable_money_stays_an_input(staff_client):
    variant = VariantFactory(price_modifier=Decimal("10.00"))

    assert "S/ 10.00" in staff_client.get("/admin/catalog/variant/").content.decode()
    page = staff_client.get(f"/admin/catalog/variant/{variant.pk}/change/").content.decode()
    assert 'name="price_modifier" value="10.00"' in page


def test_favicon_answers(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")
    icon = finders.find("img/favicon.ico")
    assert icon and open(icon, "rb").read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize(("selected", "expected"), [(1, "1 producto activado."), (3, "3 productos activados.")])
def test_counts_in_admin_messages_agree_with_the_number(staff_client, selected, expected):
    ids = [str(ProductFactory(status="draft").pk) for _ in range(selected)]
    response = staff_client.post(
        "/admin/catalog/product/", {"action": "activate", "_selected_action": ids}, follow=True
    )

    assert expected in response.content.decode()


def test_a_view_only_refund_reads_like_the_shop(staff_client, order):
    from payments.models import Refund

    method = PaymentMethod.objects.create(name="Tarjeta", code="tarjeta", provider="test")
    payment = Payment.objects.create(order=order, method=method, amount=Decimal("1799.90"))
    refund = Refund.objects.create(payment=payment, amount=Decimal("58.90"), reason="Talla equivocada")

    page = staff_client.get(f"/admin/payments/refund/{refund.pk}/change/").content.decode()
    assert "S/ 58.90" in page
    assert not LOCALIZED_MONEY.search(page)
    assert 'name="amount"' not in page
    assert "S/ 58.90" in staff_client.get("/admin/payments/refund/").content.decode()


def _money_fields_shown_raw():
    """Every money field (two decimals, ten digits or more; a receipt's ten-decimal unit value) a
    back-office list or read-only page shows without the shop's format."""
    from django.contrib import admin
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import DecimalField

    from core.admin import ReadOnlyAdminMixin

    raw = []
    for model, model_admin in admin.site._registry.items():
        for shown_by in [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]:
            names = set(getattr(shown_by, "list_display", ())) if shown_by is model_admin else set()
            names |= set(shown_by.readonly_fields or ())
            if isinstance(shown_by, ReadOnlyAdminMixin):
                names |= set(shown_by.fields or ())
            for name in filter(lambda n: isinstance(n, str), names):
                try:
                    field = shown_by.model._meta.get_field(name)
                except (FieldDoesNotExist, AttributeError):  # a display method; a constance-style fake model
                    continue
                money = isinstance(field, DecimalField) and field.max_digits >= 10
                if money and name not in getattr(shown_by, "money_fields", ()):
                    raw.append(f"{type(shown_by).__name__}.{name}")
    return sorted(raw)


def test_every_money_column_and_read_only_field_reads_like_the_shop():
    assert _money_fields_shown_raw() == []


def test_a_cart_reminder_lists_its_lines_in_soles(staff_client):
    from alerts.models import CartReminder

    reminder = CartReminder.objects.create(
        cart_key="k",
        email="ana@example.pe",
        units=3,
        lines=[
            {"name": "Polera Andes", "quantity": 2, "total": "1799.90", "url": "/p/polera/"},
            {"name": "Gorra Inti", "quantity": 1, "total": "", "url": "/p/gorra/"},
        ],
    )

    page = staff_client.get(f"/admin/alerts/cartreminder/{reminder.pk}/change/").content.decode()
    assert "2 × Polera Andes: S/ 1,799.90" in page and '"total"' not in page and "&quot;total&quot;" not in page


def test_a_computed_money_column_is_labelled_in_the_shops_words():
    # A property in money_fields was labelled by its Python name ("LINE TOTAL" on a purchase order).
    from django.contrib import admin
    from django.utils import translation

    from inventory.models import PurchaseOrder

    inline = next(i for i in admin.site._registry[PurchaseOrder].inlines if "line_total" in i.money_fields)
    with translation.override("es-pe"):
        assert str(inline(PurchaseOrder, admin.site).line_total_money.short_description) == "total de la línea"


def test_a_money_property_without_a_label_is_refused_at_start_up():
    from django.contrib import admin
    from django.core.exceptions import ImproperlyConfigured

    from core.admin import MoneyAdminMixin
    from inventory.models import PurchaseOrder, PurchaseOrderLine

    class Unlabelled(MoneyAdminMixin, admin.TabularInline):
        model = PurchaseOrderLine
        money_fields = ("line_total",)

    with pytest.raises(ImproperlyConfigured):
        Unlabelled(PurchaseOrder, admin.site)
