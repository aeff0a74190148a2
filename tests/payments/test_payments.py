"""Payment attempts: the test gateway's outcomes, the methods offered, the fee, and the
admin pages (read-only attempts, hidden from sellers)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from orders.models import Order, OrderStatus
from orders.services import OrderLineData, order_cancel, order_create
from payments.models import Payment, PaymentMethod, Provider
from payments.selectors import payment_methods_offered, payment_pending_attempt
from payments.services import (
    PaymentError,
    payment_method_ensure_test_gateway,
    payment_start,
    payment_test_gateway_decline,
    payment_test_gateway_pay,
)
from tests.factories import VariantFactory, WarehouseFactory, stock
from tests.harness import compiled_models

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "Rosa Quispe",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
}


@pytest.fixture
def order():
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    return order_create(
        customer=None,
        email="rosa@example.pe",
        lines=[OrderLineData.from_variant(variant, quantity=2)],
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        shipping_method_id=None,
        shipping_method_name="Olva",
        shipping_total=Decimal("10.00"),
        idempotency_key=None,
    )


def test_the_fee_is_the_commission_plus_the_fixed_fee():
    method = PaymentMethod(commission_percent=Decimal("3.99"), fixed_fee=Decimal("0.50"))
    assert method.fee_for(Decimal("100.00")) == Decimal("4.49")
    assert method.fee_for(Decimal("409.80")) == Decimal("16.85")


def test_an_attempt_records_amount_and_fee_and_a_decline_allows_another(order):
    method = payment_method_ensure_test_gateway()
    attempt = payment_start(order=order, method=method)
    assert attempt.amount == order.total and attempt.fee == method.fee_for(order.total)

    payment_test_gateway_decline(payment=attempt)
    with pytest.raises(PaymentError):
        payment_test_gateway_pay(payment=attempt)  # a closed attempt cannot be paid
    retry = payment_test_gateway_pay(payment=payment_start(order=order, method=method))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert retry.card_last4 == "4242" and not hasattr(retry, "card_number")


def test_one_order_cannot_have_two_successful_payments(order):
    method = payment_method_ensure_test_gateway()
    payment_test_gateway_pay(payment=payment_start(order=order, method=method))
    with pytest.raises(PaymentError):
        payment_start(order=order, method=method)  # no longer awaiting payment
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            order=order, method=method, provider=method.provider, amount=order.total, status=Payment.Status.SUCCEEDED
        )


def test_paying_a_cancelled_order_is_refused_and_recorded(order):
    method = payment_method_ensure_test_gateway()
    attempt = payment_start(order=order, method=method)
    order_cancel(order=order, actor=None, reason="test", by_customer=False)
    # The cancellation closed the attempt (abandoned, saying why); paying it is refused with that reason.
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.ABANDONED and order.number in attempt.failure_message
    with pytest.raises(PaymentError, match=order.number):
        payment_test_gateway_pay(payment=attempt)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_the_test_gateway_is_offered_only_without_real_gateways_or_in_debug(settings):
    payment_method_ensure_test_gateway()
    # the migrations add these (a transactional test's flush may have removed them since)
    PaymentMethod.objects.get_or_create(
        code="stripe", defaults={"name": "Tarjeta", "provider": Provider.STRIPE, "order": 10}
    )
    PaymentMethod.objects.get_or_create(
        code="paypal", defaults={"name": "PayPal", "provider": Provider.PAYPAL, "order": 20}
    )
    settings.DEBUG, settings.STRIPE_SECRET_KEY = False, ""
    settings.PAYPAL_CLIENT_ID = settings.PAYPAL_CLIENT_SECRET = ""
    assert [m.provider for m in payment_methods_offered()] == [Provider.TEST]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert [m.provider for m in payment_methods_offered()] == [Provider.STRIPE]
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-id", "client-secret"
    assert [m.provider for m in payment_methods_offered()] == [Provider.STRIPE, Provider.PAYPAL]
    settings.DEBUG = True
    assert {m.provider for m in payment_methods_offered()} == {Provider.STRIPE, Provider.PAYPAL, Provider.TEST}


def test_admin_pages(admin_client, order):
    method = payment_method_ensure_test_gateway()
    payment_start(order=order, method=method)
    assert admin_client.get(reverse("admin:payments_paymentmethod_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:payments_payment_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert page.status_code == 200 and "Tarjeta (pasarela de prueba)" in page.content.decode()
    assert admin_client.get(reverse("admin:payments_payment_add")).status_code == 403


def test_the_pending_attempt_is_read_by_a_query_compiled_once_for_each_order(order, monkeypatch):
    """The payment page and paying read the order's pending attempt up to three times a request; its
    queryset was built and compiled each time: compiled once per process now, each read binding its
    own order, and the attempt hands back the caller's order as the related manager did."""
    method = payment_method_ensure_test_gateway()
    assert payment_pending_attempt(order) is None  # this process' first read compiles it
    first = payment_start(order=order, method=method)
    payment_test_gateway_decline(payment=first)
    latest = payment_start(order=order, method=method)
    compiled = compiled_models(monkeypatch)

    found = payment_pending_attempt(order)
    assert found == latest and found.order is order and found.method == method
    assert payment_pending_attempt(Order(pk=order.pk + 1000)) is None
    assert compiled == []
