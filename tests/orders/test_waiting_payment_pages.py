"""The order page and the voucher of an order waiting for a CIP: what they show, to whom, and in
a number of queries that does not grow with the order's lines."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from payments.models import Provider
from payments.services.attempts import payment_wait
from tests.factories import VariantFactory, WarehouseFactory, line_for, make_order, make_payment, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def waiting_order_of(user, lines: int) -> Order:
    warehouse = WarehouseFactory()
    variants = [VariantFactory() for _ in range(lines)]
    for variant in variants:
        stock(variant, warehouse, 5)
    order = make_order(customer=user, lines=[line_for(variant) for variant in variants])
    payment = make_payment(order, provider=Provider.CULQI, reference="ord_live_1")
    payment_wait(
        payment=payment,
        code="12345678",
        expires_at=timezone.now() + timedelta(hours=24),
        instructions_url="https://pagoefectivo.pe/cip/12345678",
    )
    return order


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_order_page_shows_the_code_the_amount_the_expiry_and_where_to_pay(signed_in, user):
    order = waiting_order_of(user, 1)

    page = signed_in.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert "Esperando pago" in page and "1234 5678" in page
    assert "https://pagoefectivo.pe/cip/12345678" in page and "Monto a pagar" in page
    assert reverse("orders:voucher", args=[order.number]) in page
    assert 'id="pay-now"' not in page  # the code is how it is paid now
    assert "Pagar de otra forma" in page  # or switch to Yape or a card
    assert "Puedes anular este pedido hasta el " in page  # a date: the wait runs past today


def test_the_order_page_and_the_voucher_read_flat(signed_in, user):
    small, large = waiting_order_of(user, 1), waiting_order_of(user, 4)
    for name in ("orders:detail", "orders:voucher"):
        signed_in.get(reverse(name, args=[small.number]))  # warm the session and the caches
        assert queries(signed_in, reverse(name, args=[small.number])) == queries(
            signed_in, reverse(name, args=[large.number])
        )


def test_the_voucher_is_the_owners_only(client, signed_in, user):
    order = waiting_order_of(user, 1)

    assert client.get(reverse("orders:voucher", args=[order.number])).status_code in (302, 404)
    voucher = signed_in.get(reverse("orders:voucher", args=[order.number])).content.decode()
    assert "Voucher de pago" in voucher and "1234 5678" in voucher


def test_the_voucher_of_a_paid_order_sends_back_to_the_order(signed_in, user):
    order = waiting_order_of(user, 1)
    Order.objects.filter(pk=order.pk).update(status="paid", payment_status="paid")

    response = signed_in.get(reverse("orders:voucher", args=[order.number]))

    assert response.status_code == 302 and response.url == order.get_absolute_url()


def test_my_orders_points_a_waiting_order_to_its_code_with_its_date(signed_in, user):
    order = waiting_order_of(user, 1)

    page = signed_in.get(reverse("orders:list")).content.decode()

    assert "Ver el código de pago" in page and f"{order.get_absolute_url()}#order-waiting" in page
    assert "minutos restantes" not in page  # a day-long wait is not counted in minutes


def test_the_admin_shows_until_when_the_order_waits_read_only(client, user):
    from tests.factories import UserFactory

    order = waiting_order_of(user, 1)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "Pago vence el" in page and 'name="payment_due_at"' not in page
