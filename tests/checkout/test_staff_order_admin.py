"""The back office's "take an order" page (checkout.admin_views): who may open it, "Calculate"
writing nothing, "Create" placing one order (a double submit too) and e-mailing its link."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from inventory.models import Reservation
from orders.models import Order, OrderChannel, OrderEmail, OrderEmailKind
from shipping.models import ShippingMethod
from tests.factories import LIMA, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]
TAKE = "/admin/orders/order/take/"


def key_of(response) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def posted(key: str, action: str, **overrides) -> dict:
    data = {
        "key": key,
        "action": action,
        "channel": "whatsapp",
        "email": "nuevo@example.pe",
        "document_type": "dni",
        "document": "45678912",
        "legal_name": "",
        "coupon_code": "",
        "shipping_method": str(ShippingMethod.objects.get(code="olva-lima").pk),
        "lines-TOTAL_FORMS": "6",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "6",
        "lines-0-sku": "HOOD-M",
        "lines-0-quantity": "2",
        "lines-1-sku": "CAP-U",
        "lines-1-quantity": "1",
        **LIMA,
    }
    data.update(overrides)
    return data


def writes():
    return (Order.objects.count(), Reservation.objects.count(), OrderEmail.objects.count())


class TestWhoMayTakeOrders:
    def test_anonymous_users_go_to_the_admin_login(self, client, shop):
        response = client.get(TAKE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_a_customer_is_sent_to_the_admin_login(self, client, shop):
        client.force_login(UserFactory())
        response = client.get(TAKE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_a_seller_is_refused(self, client, shop, sellers):
        client.force_login(sellers[0].user)
        assert client.get(TAKE).status_code == 403
        assert client.post(TAKE, {"action": "create"}).status_code == 403
        changelist = client.get("/admin/orders/order/")
        assert TAKE not in changelist.content.decode()

    def test_staff_who_may_add_orders_see_the_page_and_the_button(self, client, shop, staff_member):
        client.force_login(staff_member)
        page = client.get(TAKE)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Tomar pedido (WhatsApp o teléfono)" in content and "Crear pedido y enviar enlace" in content
        assert TAKE in client.get("/admin/orders/order/").content.decode()

    def test_a_post_without_the_csrf_token_is_refused(self, shop, staff_member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        assert client.post(TAKE, posted(key, "create")).status_code == 403
        assert Order.objects.count() == 0


class TestTakingAnOrder:
    def test_calculate_shows_the_total_and_writes_nothing(self, client, shop, staff_member):
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        before = writes()
        response = client.post(TAKE, posted(key, "calculate"))
        assert response.status_code == 200
        assert response.context["quote"].total == 357
        assert "S/ 357.00" in response.content.decode()
        assert writes() == before

    def test_a_refusal_is_shown_and_nothing_is_written(self, client, shop, staff_member):
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        response = client.post(TAKE, posted(key, "create", **{"lines-0-sku": "NO-EXISTE"}))
        assert response.status_code == 400
        assert "No hay ningún producto con el SKU NO-EXISTE" in response.content.decode()
        assert writes() == (0, 0, 0)

    def test_create_places_one_order_and_e_mails_its_link(
        self, client, shop, staff_member, django_capture_on_commit_callbacks, mailoutbox
    ):
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(TAKE, posted(key, "create"))
            again = client.post(TAKE, posted(key, "create"))  # a double submit
        order = Order.objects.get()
        change = reverse("admin:orders_order_change", args=[order.pk])
        assert first.status_code == again.status_code == 302 and first["Location"] == change
        assert order.channel == OrderChannel.WHATSAPP and order.taken_by == staff_member
        assert list(order.emails.values_list("kind", flat=True)) == [OrderEmailKind.PAYMENT_LINK]
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nuevo@example.pe"]
        shown = [str(message) for message in get_messages(first.wsgi_request)]
        assert any(order.number in message and "http://" in message for message in shown)

        page = client.get(change).content.decode()
        assert 'id="payment-link"' in page and "https://wa.me/51987654321?text=" in page
        assert "WhatsApp" in page and str(staff_member) in page

    def test_a_key_not_handed_to_this_session_is_refused(self, client, shop, staff_member):
        client.force_login(staff_member)
        client.get(TAKE)
        response = client.post(TAKE, posted("f" * 32, "create"))
        assert response.status_code == 400 and Order.objects.count() == 0


BLANK_ADDRESS = dict.fromkeys(LIMA, "")


def shown_methods(response) -> list[str]:
    """The shipping methods the page offers, by code."""
    field = response.context["form"].fields["shipping_method"]
    ids = [int(value) for value, _label in field.choices if value]
    return list(ShippingMethod.objects.filter(pk__in=ids).order_by("pk").values_list("code", flat=True))


class TestThePageHelpsStaffFillTheOrder:
    def test_the_customers_saved_addresses_are_offered_and_one_fills_the_address(self, client, shop, staff_member):
        from tests.factories import AddressFactory

        rosa = UserFactory(email="rosa@example.pe")
        home = AddressFactory(user=rosa, recipient="Rosa Quispe", street="Av. Arequipa 1234")
        stranger = AddressFactory(street="Calle Ajena 9")
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        page = client.post(TAKE, posted(key, "refresh", email="ROSA@example.pe", **BLANK_ADDRESS))
        content = page.content.decode()
        assert page.status_code == 200 and "Av. Arequipa 1234" in content and "Calle Ajena 9" not in content
        assert f'name="use_address" value="{home.pk}"' in content

        filled = client.post(
            TAKE, {**posted(key, "refresh", email="rosa@example.pe", **BLANK_ADDRESS), "use_address": str(home.pk)}
        )
        address = filled.context["address"]
        assert filled.status_code == 200 and not address.is_bound
        assert (address["recipient"].value(), address["district"].value()) == ("Rosa Quispe", home.ubigeo)
        assert shown_methods(filled) and "shalom-agencia" not in shown_methods(filled)

        refused = client.post(
            TAKE, {**posted(key, "refresh", email="rosa@example.pe", **BLANK_ADDRESS), "use_address": str(stranger.pk)}
        )
        assert refused.context["address"]["street"].value() in ("", None)
        assert "no está en la libreta de direcciones" in refused.content.decode()
        assert Order.objects.count() == 0

    def test_only_the_shipping_methods_that_reach_the_address_are_offered(self, client, shop, staff_member):
        from shipping.selectors import shipping_options

        client.force_login(staff_member)
        first = client.get(TAKE)
        assert shown_methods(first) == [] and "Elige la dirección de entrega" in first.content.decode()
        key = key_of(first)
        lima = client.post(TAKE, posted(key, "refresh"))
        expected = shipping_options(
            department="15",
            province="1501",
            weight_kg=shop["hoodie"].product.weight_kg * 2 + shop["cap"].product.weight_kg,
            subtotal=357,
        )
        assert set(shown_methods(lima)) == set(
            ShippingMethod.objects.filter(pk__in=[o.method_id for o in expected]).values_list("code", flat=True)
        )
        assert "olva-lima" in shown_methods(lima) and "shalom-agencia" not in shown_methods(lima)
        cusco = client.post(TAKE, posted(key, "refresh", department="08", province="0801", district="080101"))
        assert "olva-lima" not in shown_methods(cusco) and "shalom-agencia" in shown_methods(cusco)

        shalom = ShippingMethod.objects.get(code="shalom-agencia")
        tampered = client.post(TAKE, posted(key, "calculate", shipping_method=str(shalom.pk)))
        assert tampered.status_code == 400 and tampered.context["quote"] is None

    def test_a_product_search_lists_what_is_on_sale_by_name_or_sku(
        self, client, shop, staff_member, django_assert_max_num_queries
    ):
        from catalog.models import Product
        from tests.factories import ProductFactory, VariantFactory

        VariantFactory(sku="GORRA-OLD", product=ProductFactory(name="Gorra retirada", status=Product.Status.INACTIVE))
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        by_name = client.post(TAKE, posted(key, "search", q="gorra"))
        found = [row.variant.sku for row in by_name.context["search_results"]]
        assert found == ["CAP-U"]
        content = by_name.content.decode()
        assert 'name="add_sku" value="CAP-U"' in content and "S/ 59.00" in content
        by_sku = client.post(TAKE, posted(key, "search", q="hood-m"))
        assert [row.variant.sku for row in by_sku.context["search_results"]] == ["HOOD-M"]
        with django_assert_max_num_queries(3):
            from checkout.staff_orders import staff_order_products

            assert len(staff_order_products(term="o")) == 0  # too short: no query
            staff_order_products(term="gorra inti")

    def test_adding_a_product_from_the_search_fills_a_line(self, client, shop, staff_member):
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        added = client.post(
            TAKE, {**posted(key, "refresh", **{"lines-1-sku": "", "lines-1-quantity": ""}), "add_sku": "CAP-U"}
        )
        rows = [(line["sku"].value(), str(line["quantity"].value())) for line in added.context["lines"]]
        assert rows[:2] == [("HOOD-M", "2"), ("CAP-U", "1")] and all(sku in ("", None) for sku, _q in rows[2:])
        again = client.post(
            TAKE,
            {
                **posted(key, "refresh", **{"lines-0-sku": "hood-m", "lines-1-sku": "", "lines-1-quantity": ""}),
                "add_sku": "HOOD-M",
            },
        )
        rows = [(line["sku"].value(), str(line["quantity"].value())) for line in again.context["lines"]]
        assert rows[0] == ("hood-m", "3")
        assert Order.objects.count() == 0

    def test_a_lowercase_sku_calculates_and_creates(self, client, shop, staff_member):
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        quote = client.post(TAKE, posted(key, "calculate", **{"lines-0-sku": "hood-m", "lines-1-sku": "cap-u"}))
        assert quote.status_code == 200 and quote.context["quote"].total == 357
        created = client.post(TAKE, posted(key, "create", **{"lines-0-sku": "hood-m", "lines-1-sku": "cap-u"}))
        assert created.status_code == 302
        assert sorted(Order.objects.get().lines.values_list("sku", flat=True)) == ["CAP-U", "HOOD-M"]

    def test_calculate_shows_the_refusal_create_would_give_in_staffs_words(self, client, shop, staff_member):
        UserFactory(email="rosa@example.pe")
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        assert (
            client.post(
                TAKE,
                posted(
                    key,
                    "create",
                    email="rosa@example.pe",
                    **{"lines-0-quantity": "5", "lines-1-sku": "", "lines-1-quantity": ""},
                ),
            ).status_code
            == 302
        )
        first = Order.objects.get()
        key = key_of(client.get(TAKE))
        before = writes()
        refused = client.post(TAKE, posted(key, "calculate", email="rosa@example.pe", **{"lines-0-quantity": "1"}))
        content = refused.content.decode()
        assert refused.status_code == 400 and refused.context["quote"] is None
        assert f"El cliente ya tiene 5 unidades de Hoodie Andino reservadas en el pedido {first.number}" in content
        assert writes() == before

    def test_a_saved_address_without_its_district_asks_staff_to_type_it(self, client, shop, staff_member):
        from tests.factories import AddressFactory

        rosa = UserFactory(email="rosa@example.pe")
        old = AddressFactory(user=rosa, district="Nowhere", street="Jr. Antiguo 1")  # typed before the lists
        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        response = client.post(
            TAKE, {**posted(key, "refresh", email="rosa@example.pe", **BLANK_ADDRESS), "use_address": str(old.pk)}
        )
        assert response.status_code == 200 and response.context["address"]["street"].value() in ("", None)
        assert "le faltan la provincia y el distrito" in response.content.decode()

    def test_the_search_results_cost_the_same_queries_for_one_product_or_ten(self, client, shop, staff_member):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import OptionValueFactory, ProductFactory, VariantFactory, stock

        client.force_login(staff_member)
        key = key_of(client.get(TAKE))
        with CaptureQueriesContext(connection) as one:
            client.post(TAKE, posted(key, "search", q="gorra"))
        for n in range(9):
            stock(
                VariantFactory(
                    sku=f"GORRA-{n}", product=ProductFactory(name=f"Gorra {n}"), values=[OptionValueFactory()]
                ),
                shop["warehouse"],
                2,
            )
        client.post(TAKE, posted(key, "search", q="gorra"))  # the page's frame, kept per catalog version, again
        with CaptureQueriesContext(connection) as ten:
            response = client.post(TAKE, posted(key, "search", q="gorra"))
        assert len(response.context["search_results"]) == 10
        assert len(ten) == len(one), "\n".join(q["sql"][:200] for q in ten.captured_queries)


def test_the_page_is_valid_html_in_each_of_its_states(client, shop, staff_member, tmp_path):
    import shutil

    from tests.factories import AddressFactory
    from tests.html_checker import vnu_errors

    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (make test-deps installs it)")
    AddressFactory(user=UserFactory(email="rosa@example.pe"))
    client.force_login(staff_member)
    first = client.get(TAKE)
    key = key_of(first)
    pages = {
        "fresh": first.content.decode(),
        "helped": client.post(TAKE, posted(key, "search", q="gorra", email="rosa@example.pe")).content.decode(),
        "quote": client.post(TAKE, posted(key, "calculate")).content.decode(),
        "refused": client.post(TAKE, posted(key, "calculate", **{"lines-0-sku": "NO-EXISTE"})).content.decode(),
    }
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
