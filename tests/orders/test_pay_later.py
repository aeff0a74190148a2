"""Paying later (issue 30): after "Salir sin pagar" the order keeps its units and can be paid from
its page, the order list and every order e-mail until its payment window closes; afterwards, and
for paid, cancelled or other people's orders, paying is refused with a clear message."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inventory.models import Reservation
from orders.access import order_email_path
from orders.models import Order, OrderStatus
from orders.services import order_cancel, orders_cancel_unpaid
from payments.models import Payment
from tests.factories import PASSWORD, UserFactory, checkout, fill_cart, make_order

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def placed_ago(order, minutes: int) -> Order:
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()
    return order


def held_for(order) -> int:
    return sum(Reservation.objects.active().filter(order_id=order.pk).values_list("quantity", flat=True))


def leave_without_paying(client, order):
    return client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "abandon"}, follow=True)


def pay_from_the_order_page(client, order):
    """Pay now → the payment page → (choose the test gateway, after leaving it) → pay, as the shopper clicks."""
    page = client.get(reverse("payments:pay", args=[order.number]))
    assert page.status_code == 200
    if 'id="pay-retry"' in page.content.decode():
        client.post(
            reverse("payments:test_gateway", args=[order.number]), {"action": "retry", "method": "tarjeta-prueba"}
        )
    return client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"}, follow=True)


@pytest.fixture
def customer_client(shop):
    customer = UserFactory(email="ana@example.pe")
    client = Client()
    client.force_login(customer)
    client.customer = customer
    return client


@pytest.fixture
def mail_sent(django_capture_on_commit_callbacks):
    """The order e-mails go out when their transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class TestLeavingWithoutPaying:
    def test_the_order_keeps_its_units_and_the_page_says_so_and_offers_to_pay(self, client, shop):
        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)

        response = leave_without_paying(client, order)

        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("orders:guest_detail", args=[order.number])
        assert "Saliste sin pagar" in page and "guarda tus productos hasta las" in page
        assert held_for(order) == 2  # the holds stay with the order, not back in the cart
        assert 'id="pay-now"' in page and reverse("payments:pay", args=[order.number]) in page
        assert re.search(r"quedan (59|60) minutos", page)

    def test_it_can_be_paid_later_from_its_page(self, client, shop):
        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)
        leave_without_paying(client, order)
        placed_ago(order, 50)

        response = pay_from_the_order_page(client, order)

        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert list(order.payments.order_by("pk").values_list("status", flat=True)) == ["abandoned", "succeeded"]
        assert "¡Gracias por tu pedido!" in response.content.decode()
        assert 'id="pay-now"' not in response.content.decode()

    def test_after_the_window_the_button_is_gone_and_the_page_says_why(self, client, shop):
        fill_cart(client, ("HOOD-M", 2))
        order = checkout(client)
        leave_without_paying(client, order)
        placed_ago(order, 61)

        page = client.get(reverse("orders:guest_detail", args=[order.number])).content.decode()

        assert 'id="pay-now"' not in page
        assert "El plazo para pagar este pedido terminó" in page and "No se te cobró nada" in page
        assert held_for(order) == 0


class TestPayingIsRefusedClearly:
    def test_paying_twice_is_refused(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        pay = reverse("payments:test_gateway", args=[order.number])
        client.post(pay, {"action": "pay"})

        replay = client.post(pay, {"action": "pay"}, follow=True)
        again = client.get(reverse("payments:pay", args=[order.number]), follow=True)

        assert "ya está pagado" in replay.content.decode() and "ya está pagado" in again.content.decode()
        assert order.payments.filter(status=Payment.Status.SUCCEEDED).count() == 1
        assert client.post(pay, {"action": "retry", "method": "tarjeta-prueba"}).status_code == 302
        assert order.payments.count() == 1  # no new attempt on a paid order

    def test_an_expired_order_cannot_be_paid(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        placed_ago(order, 61)

        response = client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"}, follow=True)

        assert "venció" in response.content.decode()
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED
        assert not order.payments.filter(status=Payment.Status.SUCCEEDED).exists()

    def test_a_cancelled_order_cannot_be_paid(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        client.post(reverse("orders:guest_cancel", args=[order.number]))

        response = client.get(reverse("payments:pay", args=[order.number]), follow=True)
        pay = client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"}, follow=True)

        assert "fue cancelado, así que ya no se puede pagar" in response.content.decode()
        assert "fue cancelado" in pay.content.decode()
        assert not Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).exists()

    def test_another_customers_order_and_a_made_up_number_are_404(self, customer_client, shop):
        theirs = make_order(customer=UserFactory(), variant=shop["hoodie"])
        guest = make_order(variant=shop["hoodie"])
        for number in (theirs.number, guest.number, "PED-20260101-9999", "NO-EXISTE"):
            assert customer_client.get(reverse("payments:pay", args=[number])).status_code == 404
            assert (
                customer_client.post(reverse("payments:test_gateway", args=[number]), {"action": "pay"}).status_code
                == 404
            )
        assert Client().get(reverse("payments:pay", args=[guest.number])).status_code == 404
        assert not Payment.objects.exists()

    def test_a_guest_order_placed_before_signing_in_can_still_be_paid(self, client, shop):
        fill_cart(client, ("HOOD-M", 1))
        order = checkout(client)
        user = UserFactory(email="otra@example.pe")
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert client.get(reverse("orders:list")).status_code == 200  # signed in
        assert client.get(reverse("payments:pay", args=[order.number])).status_code == 200


class TestTheCustomersPages:
    def test_the_list_offers_to_pay_each_unpaid_order_in_its_window(
        self, customer_client, shop, django_assert_num_queries
    ):
        customer = customer_client.customer
        waiting = make_order(customer=customer, variant=shop["hoodie"])
        expired = placed_ago(make_order(customer=customer, variant=shop["hoodie"]), 61)
        customer_client.get(reverse("orders:list"))  # the expired one is cancelled as the list shows it

        with django_assert_num_queries(3):  # the page's count, its orders, what paid them (flat; the user is cached)
            page = customer_client.get(reverse("orders:list")).content.decode()

        expired.refresh_from_db()
        assert expired.status == OrderStatus.CANCELLED
        assert page.count('class="order-row-pay"') == 1
        assert reverse("payments:pay", args=[waiting.number]) in page
        assert reverse("payments:pay", args=[expired.number]) not in page
        assert re.search(r"quedan (59|60) minutos", page)

    def test_the_order_page_offers_to_pay_and_to_cancel_until_the_window_closes(self, customer_client, shop):
        order = placed_ago(make_order(customer=customer_client.customer, variant=shop["hoodie"]), 45)
        page = customer_client.get(order.get_absolute_url()).content.decode()
        assert 'id="pay-now"' in page and re.search(r"quedan 1[45] minutos", page)
        # An unpaid order can be cancelled while it can be paid (past the paid order's 30-minute window).
        assert reverse("orders:cancel", args=[order.number]) in page

        customer_client.post(reverse("orders:cancel", args=[order.number]))

        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED and held_for(order) == 0


class TestOrderEmailsLinkToTheOrder:
    def test_a_guest_opens_the_order_from_the_emails_signed_link_and_pays(self, client, shop, mail_sent):
        fill_cart(client, ("HOOD-M", 1))
        with mail_sent():
            order = checkout(client)
        [placed] = mail.outbox
        link = re.search(r"https?://[^/\s]+(/orders/link/\S+/)", placed.body).group(1)
        assert link in placed.alternatives[0][0] and "Pagar mi pedido" in placed.body

        browser = Client()  # another browser: the e-mail's phone
        response = browser.get(link, follow=True)

        assert response.redirect_chain[-1][0] == reverse("orders:guest_detail", args=[order.number])
        assert 'id="pay-now"' in response.content.decode()
        pay_from_the_order_page(browser, order)
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID

    def test_a_tampered_or_foreign_token_is_404(self, client, shop):
        first, second = make_order(variant=shop["hoodie"]), make_order(variant=shop["hoodie"])
        token = order_email_path(first).rstrip("/").rsplit("/", 1)[1]
        for number, wrong in (
            (first.number, token[:-1] + ("A" if token[-1] != "A" else "B")),
            (second.number, token),
            (first.number, "x"),
            ("PED-20260101-9999", token),
        ):
            assert client.get(reverse("orders:guest_link", args=[number, wrong])).status_code == 404
        assert client.get(reverse("orders:guest_detail", args=[second.number])).status_code == 404
        # A customer's order never opens through a guest link: its e-mails link to its page (sign in).
        theirs = make_order(customer=UserFactory(), variant=shop["hoodie"])
        assert order_email_path(theirs) == theirs.get_absolute_url()
        assert client.get(reverse("orders:guest_link", args=[theirs.number, token])).status_code == 404

    def test_every_order_email_links_to_the_order(self, customer_client, shop, mail_sent):
        with mail_sent():
            guest = make_order(variant=shop["hoodie"])
            mine = make_order(customer=customer_client.customer, variant=shop["hoodie"])
        placed_ago(guest, 61)
        with mail_sent():
            orders_cancel_unpaid(older_than_minutes=60)
            order_cancel(order=mine, actor=customer_client.customer, reason="", by_customer=True)
        guest_link = order_email_path(guest)
        for message in mail.outbox:
            expected = guest_link if guest.number in message.subject else mine.get_absolute_url()
            assert expected in message.body and expected in message.alternatives[0][0], message.subject
        assert len(mail.outbox) == 4
        assert "Pagar mi pedido" not in mail.outbox[-1].body  # a cancelled order: "Ver tu pedido"


def test_the_payment_buttons_read_the_order_s_row_alone(client, shop):
    """Paying acts on the order without showing it: its lines, history and shipments are not read
    before the payment is written (the payment page, which shows them, reads them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill_cart(client, ("HOOD-M", 1))
    order = checkout(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    assert response.status_code == 302
    before_paying = []
    for query in queries.captured_queries:
        if query["sql"].startswith("UPDATE"):
            break
        before_paying.append(query["sql"])
    for table in ("orders_orderline", "orders_orderstatuschange", "shipping_shipment"):
        assert not any(f'FROM "{table}"' in sql for sql in before_paying), table
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
