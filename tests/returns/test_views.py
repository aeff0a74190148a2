import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from returns.models import ReturnLine, ReturnRequest, ReturnStatus
from shipping.models import Shipment
from tests.factories import UserFactory, deliver, line_for, many_requests, paid_order, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def form_url(order):
    return reverse("returns:create", args=[order.number])


def key_from(response) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def post_return(client, order, *, quantity=1, line=None, key=None, **extra):
    line = line or order.lines.get(sku="POLO-M")
    key = key or key_from(client.get(form_url(order)))
    data = {
        "key": key,
        f"line_{line.pk}_quantity": quantity,
        f"line_{line.pk}_reason": "wrong_size",
        f"line_{line.pk}_condition": "new",
        f"line_{line.pk}_detail": "Me queda chica",
        **extra,
    }
    return client.post(form_url(order), data)


class TestForm:
    def test_order_page_links_to_the_form(self, signed_in, delivered_order):
        body = signed_in.get(delivered_order.get_absolute_url()).content.decode()
        assert form_url(delivered_order) in body

    def test_offers_only_returnable_lines_and_quantities(self, signed_in, delivered_order):
        post_return(signed_in, delivered_order, quantity=2)
        body = signed_in.get(form_url(delivered_order)).content.decode()
        polo, casaca = delivered_order.lines.get(sku="POLO-M"), delivered_order.lines.get(sku="CASACA-L")
        assert f"line_{polo.pk}_quantity" not in body and f"line_{casaca.pk}_quantity" in body

    def test_creates_the_request_and_shows_it(self, signed_in, delivered_order):
        response = post_return(signed_in, delivered_order)
        request = ReturnRequest.objects.get()
        assert response.status_code == 302 and response.url == request.get_absolute_url()
        assert request.lines.get().reason_detail == "Me queda chica"
        detail = signed_in.get(response.url).content.decode()
        assert request.number in detail and "Me queda chica" in detail
        assert request.number in signed_in.get(reverse("returns:list")).content.decode()

    def test_replayed_form_writes_once(self, signed_in, delivered_order):
        key = key_from(signed_in.get(form_url(delivered_order)))
        first = post_return(signed_in, delivered_order, key=key)
        second = post_return(signed_in, delivered_order, key=key)
        assert first.status_code == second.status_code == 302 and first.url == second.url
        assert ReturnRequest.objects.count() == 1 and ReturnLine.objects.get().quantity == 1

    @pytest.mark.parametrize("key", ["0" * 32, "not-a-key", "a\x00b"])
    def test_tampered_key_is_refused(self, signed_in, delivered_order, key):
        signed_in.get(form_url(delivered_order))
        response = post_return(signed_in, delivered_order, key=key)
        assert response.status_code == 400 and not ReturnRequest.objects.exists()

    @pytest.mark.parametrize("quantity", ["3", "-1", "abc", "1\x00"])
    def test_quantity_above_returnable_or_garbage(self, signed_in, delivered_order, quantity):
        response = post_return(signed_in, delivered_order, quantity=quantity)
        assert response.status_code == 400 and not ReturnRequest.objects.exists()

    def test_reason_required_and_long_detail_refused(self, signed_in, delivered_order):
        line = delivered_order.lines.get(sku="POLO-M")
        assert post_return(signed_in, delivered_order, **{f"line_{line.pk}_reason": ""}).status_code == 400
        assert post_return(signed_in, delivered_order, **{f"line_{line.pk}_detail": "x" * 500}).status_code == 400
        assert post_return(signed_in, delivered_order, quantity=0).status_code == 400
        assert not ReturnRequest.objects.exists()

    def test_line_of_another_order_is_ignored_and_nothing_is_written(
        self, signed_in, delivered_order, warehouse, olva, customer
    ):
        other = deliver(
            paid_order(
                lines=[line_for(stocked_variant(warehouse, sku="GORRA"))],
                method=olva,
                customer=customer,
                email=customer.email,
            )
        )
        foreign = other.lines.get()
        response = post_return(
            signed_in,
            delivered_order,
            quantity=0,
            **{
                f"line_{foreign.pk}_quantity": 1,
                f"line_{foreign.pk}_reason": "other",
                f"line_{foreign.pk}_condition": "new",
            },
        )
        assert response.status_code == 400 and not ReturnRequest.objects.exists()

    def test_after_the_window_redirects_with_a_message(self, signed_in, delivered_order):
        Shipment.objects.filter(order=delivered_order).update(delivered_at=timezone.now() - timedelta(days=31))
        response = signed_in.get(form_url(delivered_order), follow=True)
        assert response.redirect_chain and not ReturnRequest.objects.exists()
        assert form_url(delivered_order) not in signed_in.get(delivered_order.get_absolute_url()).content.decode()

    def test_another_customers_order_and_return_are_404(self, client, delivered_order):
        post_return_client = client
        post_return_client.force_login(delivered_order.customer)
        post_return(post_return_client, delivered_order)
        number = ReturnRequest.objects.get().number
        client.force_login(UserFactory())
        assert client.get(form_url(delivered_order)).status_code == 404
        assert client.post(form_url(delivered_order), {"key": "0" * 32}).status_code == 404
        assert client.get(reverse("returns:detail", args=[number])).status_code == 404
        client.logout()
        assert client.get(reverse("returns:detail", args=[number])).status_code == 404
        assert client.get(reverse("returns:detail", args=["RMA-1-\x00"])).status_code == 400  # a NUL: bad input

    def test_list_needs_sign_in(self, client):
        assert client.get(reverse("returns:list")).status_code == 302


class TestGuest:
    @pytest.fixture
    def guest_order(self, warehouse, olva):
        variant = stocked_variant(warehouse, sku="POLO-M")
        return deliver(paid_order(lines=[line_for(variant, quantity=2)], method=olva, email="invitada@example.pe"))

    def test_guest_returns_through_the_order_lookup(self, client, guest_order):
        assert client.get(form_url(guest_order)).status_code == 404
        client.post(reverse("orders:lookup"), {"number": guest_order.number, "email": "invitada@example.pe"})
        response = post_return(client, guest_order)
        request = ReturnRequest.objects.get()
        assert response.status_code == 302 and request.customer is None
        assert client.get(response.url).status_code == 200
        assert request.status_changes.get().actor is None

    def test_other_browser_cannot_see_the_guest_return(self, client, guest_order):
        client.post(reverse("orders:lookup"), {"number": guest_order.number, "email": "invitada@example.pe"})
        post_return(client, guest_order)
        client.cookies.clear()
        assert client.get(reverse("returns:detail", args=[ReturnRequest.objects.get().number])).status_code == 404


def test_customer_returns_page_queries_are_flat(client, warehouse, olva, customer):
    client.force_login(customer)

    def count():
        client.get(reverse("returns:list"))  # warm the session and caches: count a steady page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("returns:list"))
        return len(queries), response.content.decode().count('class="card order-row"')

    many_requests(warehouse, olva, customer, 1)
    one, shown = count()
    assert shown == 1
    many_requests(warehouse, olva, customer, 9)
    ten, shown = count()
    assert shown == 10 and ten == one
    ReturnRequest.objects.filter(status=ReturnStatus.REQUESTED).update(status=ReturnStatus.APPROVED)
    many_requests(warehouse, olva, customer, 10)
    assert count()[0] == one
