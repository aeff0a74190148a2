"""An order that expires or is cancelled leaves no attempt pending for ever (each ends abandoned, saying
why), a capture the gateway reports afterwards is still kept and its refund proposed, and a paid
order cancelled shows the shopper and staff what happens to the money and when, in Spanish."""

from datetime import timedelta

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus, PaymentStatus
from orders.services import order_cancel, orders_cancel_unpaid
from payments.models import Payment, Refund
from payments.services import PaymentError, payment_complete, payment_start
from payments.services.attempts import payment_method_ensure_test_gateway, payment_test_gateway_pay
from payments.services.refunds import refund_approve
from tests.factories import (
    PASSWORD,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    make_guest_order,
    make_order,
    make_payment,
    pay,
    stock,
)

pytestmark = pytest.mark.django_db


def test_the_attempts_of_an_order_that_expires_end_abandoned():
    order = make_guest_order()
    test_attempt = payment_start(order=order, method=payment_method_ensure_test_gateway())
    stripe_attempt = make_payment(order, reference="cs_test_expired")
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at - timedelta(hours=3))

    assert orders_cancel_unpaid(older_than_minutes=60) == 1

    for attempt in (test_attempt, stripe_attempt):
        attempt.refresh_from_db()
        assert attempt.status == Payment.Status.ABANDONED and attempt.completed_at
        assert "venció" in attempt.failure_message
    # The shopper who comes back to the test page is told the attempt is closed: nothing is charged.
    with pytest.raises(PaymentError):
        payment_test_gateway_pay(payment=test_attempt)


def test_a_capture_reported_after_the_attempt_was_closed_is_kept_and_its_refund_proposed():
    order = make_guest_order()
    attempt = make_payment(order, reference="cs_test_late")
    order_cancel(order=order, actor=None, reason="", by_customer=False)
    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.ABANDONED

    payment_complete(payment=attempt, amount=order.total, currency="PEN", gateway_reference="cs_test_late")

    attempt.refresh_from_db()
    assert attempt.status == Payment.Status.SUCCEEDED
    assert attempt.refunds.get().status == Refund.Status.REQUESTED


@pytest.fixture
def cancelled_paid_order():
    customer = UserFactory(email="rosa@example.pe")
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(customer=customer, variant=variant)
    pay(order)
    order_cancel(order=order, actor=customer, reason="", by_customer=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.PAID
    return customer, order


def test_the_shopper_sees_the_refund_is_pending_approval_and_when_it_arrives(client, cancelled_paid_order):
    customer, order = cancelled_paid_order
    client.login(username=customer.email, password=PASSWORD)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert "Pago: pagado" not in page
    assert "Reembolso pendiente" in page
    amount = f"S/ {order.total:,.2f}"
    assert amount in page and "tarjeta Visa terminada en 4242" in page
    assert "2 días hábiles" in page and "10 días hábiles" in page

    refund = Refund.objects.get(payment__order=order)
    refund_approve(refund=refund, actor=UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Reembolso pendiente" not in page and f"Reembolso {amount}" in page  # the timeline says it is made


def test_staff_see_the_refund_awaits_their_approval(client, cancelled_paid_order):
    _customer, order = cancelled_paid_order
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.login(username=boss.email, password=PASSWORD)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    refund = Refund.objects.get(payment__order=order)
    assert "pendiente de aprobación" in page
    assert reverse("admin:payments_refund_change", args=[refund.pk]) in page
    assert f"S/ {refund.amount:,.2f}" in page


def test_the_cancellation_message_and_e_mail_say_when_the_refund_comes(client, db):
    from orders.emails import render_order_email
    from orders.models import OrderEmail, OrderEmailKind

    customer = UserFactory(email="rosa@example.pe")
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(customer=customer, variant=variant)
    pay(order)
    client.login(username=customer.email, password=PASSWORD)
    page = client.post(reverse("orders:cancel", args=[order.number]), follow=True).content.decode()
    assert "cuando nuestro equipo lo apruebe, en un plazo de 2 días hábiles" in page

    _subject, text, html = render_order_email(
        OrderEmail.objects.get(order=order, kind=OrderEmailKind.CANCELLED_BY_CUSTOMER)
    )
    for body in (text, html):
        assert "Te devolveremos el pago a la misma tarjeta o cuenta" in body
        assert "en un plazo de 2 días hábiles" in body and "en un plazo de 10 días hábiles" in body
