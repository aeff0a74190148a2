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
    data = {"key": key, "action": action, "channel": "whatsapp", "email": "nuevo@example.pe", "document_type": "dni",
            "document": "45678912", "legal_name": "", "coupon_code": "",
            "shipping_method": str(ShippingMethod.objects.get(code="olva-lima").pk),
            "lines-TOTAL_FORMS": "6", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "6", "lines-0-sku": "HOOD-M", "lines-0-quantity": "2",
            "lines-1-sku": "CAP-U", "lines-1-quantity": "1", **LIMA}
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

    def test_create_places_one_order_and_e_mails_its_link(self, client, shop, staff_member,
                                                          django_capture_on_commit_callbacks, mailoutbox):
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
