from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Order, OrderStatus
from tests.factories import make_order, ship_everything

pytestmark = pytest.mark.django_db


def age(order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


class TestCustomerPages:
    def test_list_shows_own_orders_only(self, signed_in, user, other_user, variant):
        mine = make_order(customer=user, variant=variant)
        theirs = make_order(customer=other_user, variant=variant)

        response = signed_in.get(reverse("orders:list"))

        page = response.content.decode()
        assert response.status_code == 200
        assert mine.number in page and theirs.number not in page
        assert "S/ 414.80" in page
        assert reverse("orders:list") in page  # "My orders" in the account navigation

    def test_list_query_count_is_flat(self, signed_in, user, variant, django_assert_num_queries):
        make_order(customer=user, variant=variant)
        signed_in.get(reverse("orders:list"))  # warm the session and the category cache
        # The page's count, the page's orders with their item counts and what paid them (the user is cached).
        with django_assert_num_queries(3):
            signed_in.get(reverse("orders:list"))
        for _ in range(19):
            make_order(customer=user, variant=variant)
        with django_assert_num_queries(3):
            response = signed_in.get(reverse("orders:list"))
        assert response.content.decode().count('class="card order-row"') == 10  # paginated

    def test_empty_list(self, signed_in):
        response = signed_in.get(reverse("orders:list"))
        assert response.status_code == 200 and "empty-state" in response.content.decode()

    def test_list_needs_sign_in(self, client):
        response = client.get(reverse("orders:list"))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]

    def test_detail(self, signed_in, order):
        services.order_payment_record(order=order)
        response = signed_in.get(order.get_absolute_url())

        page = response.content.decode()
        assert response.status_code == 200
        line = order.lines.get()
        assert line.sku in page and line.product_name in page
        assert "S/ 399.80" in page and "S/ 15.00" in page and "S/ 414.80" in page
        assert "S/ 63.27" in page  # IGV included
        assert page.count('class="timeline-item') == 3  # two order changes, and its package's "pending"
        assert reverse("orders:cancel", args=[order.number]) in page
        assert 'name="csrfmiddlewaretoken"' in page

    def test_no_cancel_button_after_the_window(self, signed_in, order):
        services.order_payment_record(order=order)  # an unpaid order: cancellable while it can be paid
        age(order, 31)
        page = signed_in.get(order.get_absolute_url()).content.decode()
        assert reverse("orders:cancel", args=[order.number]) not in page

    def test_another_customers_order_is_404(self, signed_in, other_user, variant):
        theirs = make_order(customer=other_user, variant=variant)
        assert signed_in.get(reverse("orders:detail", args=[theirs.number])).status_code == 404
        assert signed_in.get(reverse("orders:detail", args=["PED-20260101-9999"])).status_code == 404

    def test_cancel(self, signed_in, order):
        response = signed_in.post(reverse("orders:cancel", args=[order.number]), {"reason": "Me equivoqué de talla"})

        assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "Me equivoqué de talla"

    def test_cancel_after_the_window_is_refused_with_a_message(self, signed_in, order):
        services.order_payment_record(order=order)  # an unpaid order: cancellable while it can be paid
        age(order, 45)
        response = signed_in.post(reverse("orders:cancel", args=[order.number]), follow=True)

        assert response.status_code == 200
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert "alert--error" in response.content.decode()

    def test_cancel_after_shipping_is_refused(self, signed_in, order):
        services.order_payment_record(order=order)
        ship_everything(order)
        signed_in.post(reverse("orders:cancel", args=[order.number]))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED

    def test_tampered_cancel_of_another_customers_order_is_404(self, signed_in, other_user, variant):
        theirs = make_order(customer=other_user, variant=variant)
        response = signed_in.post(reverse("orders:cancel", args=[theirs.number]))
        assert response.status_code == 404
        assert Order.objects.get(pk=theirs.pk).status == OrderStatus.PENDING_PAYMENT

    def test_cancel_is_post_only(self, signed_in, order):
        assert signed_in.get(reverse("orders:cancel", args=[order.number])).status_code == 405

    def test_cancel_needs_csrf(self, user, order):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(reverse("orders:cancel", args=[order.number])).status_code == 403
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


class TestGuestLookup:
    @pytest.fixture
    def guest_order(self, variant):
        return make_order(email="Invitada@Example.pe", variant=variant)

    def test_lookup_then_detail_survives_a_refresh(self, client, guest_order):
        response = client.post(
            reverse("orders:lookup"), {"number": guest_order.number.lower(), "email": "INVITADA@example.pe"}
        )

        detail_url = reverse("orders:guest_detail", args=[guest_order.number])
        assert response.status_code == 302 and response["Location"] == detail_url
        for _ in range(2):
            page = client.get(detail_url)
            assert page.status_code == 200 and guest_order.number in page.content.decode()

    @pytest.mark.parametrize("field", ["number", "email"])
    def test_a_wrong_part_is_404_without_saying_which(self, client, guest_order, field):
        data = {"number": guest_order.number, "email": "invitada@example.pe"}
        data[field] = "PED-20200101-0001" if field == "number" else "otra@example.pe"

        response = client.post(reverse("orders:lookup"), data)

        assert response.status_code == 404
        page = response.content.decode()
        assert "We could not find an order with that number and e-mail" in page or "No encontramos" in page

    def test_detail_without_lookup_is_404(self, client, guest_order):
        assert client.get(reverse("orders:guest_detail", args=[guest_order.number])).status_code == 404

    def test_registered_customers_orders_are_not_found_by_lookup(self, client, order):
        response = client.post(reverse("orders:lookup"), {"number": order.number, "email": order.email})
        assert response.status_code == 404

    def test_malformed_number_is_a_form_error(self, client):
        response = client.post(reverse("orders:lookup"), {"number": "123", "email": "a@example.pe"})
        assert response.status_code == 200 and "field--invalid" in response.content.decode()

    def test_failed_lookups_are_rate_limited(self, client, guest_order, settings):
        settings.ORDER_LOOKUP_RATE_LIMIT = "3/m/ip"
        for _ in range(3):
            assert (
                client.post(
                    reverse("orders:lookup"), {"number": guest_order.number, "email": "x@example.pe"}
                ).status_code
                == 404
            )
        right = {"number": guest_order.number, "email": "invitada@example.pe"}
        assert client.post(reverse("orders:lookup"), right).status_code == 429

    def test_a_stranger_cannot_lock_the_guest_out(self, client, guest_order, settings):
        """The limit is per client (IP and device cookie), not per order number: a stranger who
        guesses wrong locks only themselves out."""
        settings.ORDER_LOOKUP_RATE_LIMIT = "10/m/ip,3/5m/key"
        stranger = Client(REMOTE_ADDR="203.0.113.9")
        wrong = {"number": guest_order.number, "email": "x@example.pe"}
        for _ in range(3):
            assert stranger.post(reverse("orders:lookup"), wrong).status_code == 404
        right = {"number": guest_order.number, "email": "invitada@example.pe"}
        assert stranger.post(reverse("orders:lookup"), right).status_code == 429

        response = client.post(reverse("orders:lookup"), right)

        assert response.status_code == 302
        assert response["Location"] == reverse("orders:guest_detail", args=[guest_order.number])

    def test_guest_cancel(self, client, guest_order):
        client.post(reverse("orders:lookup"), {"number": guest_order.number, "email": "invitada@example.pe"})
        detail_url = reverse("orders:guest_detail", args=[guest_order.number])
        assert reverse("orders:guest_cancel", args=[guest_order.number]) in client.get(detail_url).content.decode()

        response = client.post(reverse("orders:guest_cancel", args=[guest_order.number]))

        assert response.status_code == 302 and response["Location"] == detail_url
        assert Order.objects.get(pk=guest_order.pk).status == OrderStatus.CANCELLED

    def test_guest_cancel_without_lookup_is_404(self, client, guest_order):
        assert client.post(reverse("orders:guest_cancel", args=[guest_order.number])).status_code == 404
        assert Order.objects.get(pk=guest_order.pk).status == OrderStatus.PENDING_PAYMENT

    def test_guest_cancel_after_the_window_is_refused(self, client, guest_order):
        services.order_payment_record(order=guest_order)  # an unpaid order: cancellable while it can be paid
        client.post(reverse("orders:lookup"), {"number": guest_order.number, "email": "invitada@example.pe"})
        age(guest_order, 31)
        client.post(reverse("orders:guest_cancel", args=[guest_order.number]))
        assert Order.objects.get(pk=guest_order.pk).status == OrderStatus.PAID

    def test_a_guest_cancels_an_unpaid_order_while_it_can_still_be_paid(self, client, guest_order):
        client.post(reverse("orders:lookup"), {"number": guest_order.number, "email": "invitada@example.pe"})
        age(guest_order, 45)
        client.post(reverse("orders:guest_cancel", args=[guest_order.number]))
        assert Order.objects.get(pk=guest_order.pk).status == OrderStatus.CANCELLED
