"""The payment step as Peruvian stores present it (phone first, with marks) and the test gateway's
Yape and PagoEfectivo (CIP) flows, down to the demo agent that "takes the cash" for a CIP."""

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from demo.payments import load_demo_payment_methods
from orders.emails import render_order_email
from orders.models import Order, OrderEmail, OrderEmailKind, OrderStatus, PaymentStatus
from payments.marks import PHONE_FIRST, payment_mark, phone_first
from payments.models import Payment, PaymentMethod, Provider
from payments.services.testgateway import payment_methods_ensure_test_gateway_peru
from tests.factories import add, delivery, details, place, review_key

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout"), pytest.mark.usefixtures("shop")]


def method(code, name, provider, kind, order=0):
    return PaymentMethod(code=code, name=name, provider=provider, kind=kind, order=order)


def test_methods_are_listed_phone_first_whatever_their_stored_order():
    methods = [
        method("paypal", "PayPal", Provider.PAYPAL, "wallet", 1),
        method("mercadopago", "Mercado Pago", Provider.MERCADOPAGO, "wallet", 2),
        method("culqi-tarjeta", "Tarjeta Visa / Mastercard (en cuotas)", Provider.CULQI, "card", 3),
        method("culqi-pagoefectivo", "PagoEfectivo", Provider.CULQI, "transfer", 4),
        method("culqi-yape", "Yape", Provider.CULQI, "wallet", 5),
    ]

    assert [payment_mark(m) for m in phone_first(methods)] == list(PHONE_FIRST[:5])


def test_the_delivery_step_lists_the_test_gateway_phone_first_with_marks(client):
    payment_methods_ensure_test_gateway_peru()
    add(client, "HOOD-M")
    assert details(client).status_code == 302

    page = client.get(reverse("checkout:delivery")).content.decode()

    codes = re.findall(r'name="payment_method" value="([^"]+)"', page)
    assert codes == ["yape-prueba", "pagoefectivo-prueba", "tarjeta-prueba"]
    assert "pay-mark--yape" in page and "pay-mark--pagoefectivo" in page and "pay-mark--card" in page


def test_methods_not_configured_are_not_offered(client):
    payment_methods_ensure_test_gateway_peru()
    PaymentMethod.objects.filter(code="yape-prueba").update(is_active=False)
    add(client, "HOOD-M")
    details(client)

    page = client.get(reverse("checkout:delivery")).content.decode()

    assert "yape-prueba" not in page and "pagoefectivo-prueba" in page


def test_make_runs_test_gateway_methods_are_added_once_and_keep_staffs_edits():
    load_demo_payment_methods()
    PaymentMethod.objects.filter(code="yape-prueba").update(name="Yape (demo)", order=9)

    load_demo_payment_methods()

    yape = PaymentMethod.objects.get(code="yape-prueba")
    assert (yape.name, yape.order, yape.provider) == ("Yape (demo)", 9, Provider.TEST)
    assert PaymentMethod.objects.filter(provider=Provider.TEST).count() == 3


# --- the test gateway's Yape and CIP -------------------------------------------------------


def placed_with(client, code: str) -> Order:
    payment_methods_ensure_test_gateway_peru()
    add(client, "HOOD-M")
    assert details(client).status_code == 302
    assert delivery(client, payment=code).status_code == 302
    response = place(client, review_key(client))
    assert response.status_code == 302
    return Order.objects.latest("pk")


def attempt_of(order) -> Payment:
    return order.payments.order_by("-pk").first()


def yape(client, order, **data):
    return client.post(
        reverse("testgateway:yape", args=[order.number]), {"phone": "987654321", "approval_code": "123456", **data}
    )


def test_yape_with_any_six_digits_pays_the_order(client):
    order = placed_with(client, "yape-prueba")
    assert client.get(reverse("payments:pay", args=[order.number])).status_code == 200

    response = yape(client, order)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    payment = attempt_of(order)
    assert payment.status == Payment.Status.SUCCEEDED
    assert (payment.card_brand, payment.card_last4) == ("yape", "4321")
    # Replayed: nothing more is paid, the shopper is told.
    response = yape(client, order)
    assert response.status_code == 302
    assert order.payments.filter(status=Payment.Status.SUCCEEDED).count() == 1


def test_yape_refusing_000000_leaves_the_order_waiting_for_a_retry(client):
    order = placed_with(client, "yape-prueba")

    yape(client, order, approval_code="000000")

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert attempt_of(order).status == Payment.Status.FAILED


@pytest.mark.parametrize(
    "data", [{"phone": "12345"}, {"phone": "887654321"}, {"approval_code": "12345"}, {"approval_code": "abcdef"}]
)
def test_yape_bad_input_changes_nothing(client, data):
    order = placed_with(client, "yape-prueba")

    response = yape(client, order, **data)

    assert response.status_code == 302 and response.url == reverse("payments:pay", args=[order.number])
    assert attempt_of(order).status == Payment.Status.PENDING
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_yape_on_another_shoppers_order_is_a_404(client):
    order = placed_with(client, "yape-prueba")

    response = yape(Client(), order)

    assert response.status_code == 404
    assert attempt_of(order).status == Payment.Status.PENDING


def test_yape_on_a_card_attempt_is_refused(client):
    order = placed_with(client, "tarjeta-prueba")

    yape(client, order)

    assert attempt_of(order).status == Payment.Status.PENDING


def issue_cip(client) -> tuple[Order, Payment]:
    order = placed_with(client, "pagoefectivo-prueba")
    response = client.post(reverse("testgateway:cip", args=[order.number]))
    assert response.status_code == 302
    order.refresh_from_db()
    return order, attempt_of(order)


def test_a_cip_makes_the_order_wait_with_its_code_on_the_page_the_voucher_and_the_email(client):
    order, payment = issue_cip(client)

    assert payment.status == Payment.Status.WAITING and re.fullmatch(r"\d{8}", payment.pay_code)
    assert order.payment_due_at == payment.pay_code_expires_at
    assert order.payment_deadline() > timezone.now() + timedelta(hours=23)
    email = OrderEmail.objects.get(order=order, kind=OrderEmailKind.PAYMENT_CODE)
    grouped = f"{payment.pay_code[:4]} {payment.pay_code[4:]}"
    subject, text, html = render_order_email(email)
    assert "con este código" in subject
    for body in (text, html):
        assert grouped in body and str(payment.amount) in body and "Monto a pagar" in body
    page = client.get(reverse("orders:guest_detail", args=[order.number])).content.decode()
    assert "Esperando pago" in page and grouped in page and reverse("testgateway:agent") in page
    voucher = client.get(reverse("orders:voucher", args=[order.number]))
    assert voucher.status_code == 200 and grouped in voucher.content.decode()
    assert Client().get(reverse("orders:voucher", args=[order.number])).status_code == 404  # someone else


def test_the_demo_agent_pays_a_cip_once(client):
    order, payment = issue_cip(client)
    agent = Client()  # anyone at the counter: the agent does not need the shopper's session

    looked_up = agent.post(reverse("testgateway:agent"), {"action": "lookup", "code": payment.pay_code})
    assert looked_up.status_code == 200 and looked_up.context["payment"] == payment
    paid = agent.post(
        reverse("testgateway:agent"), {"action": "pay", "code": payment.pay_code, "amount": str(payment.amount)}
    )

    assert paid.status_code == 200 and paid.context["paid"].pk == payment.pk
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED and payment.gateway_reference == f"TEST-CIP-{payment.pay_code}"
    replay = agent.post(
        reverse("testgateway:agent"), {"action": "pay", "code": payment.pay_code, "amount": str(payment.amount)}
    )
    assert replay.status_code == 409
    assert Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).count() == 1


def test_the_agent_refuses_a_tampered_amount(client):
    order, payment = issue_cip(client)

    response = Client().post(
        reverse("testgateway:agent"), {"action": "pay", "code": payment.pay_code, "amount": "1.00"}
    )

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.WAITING
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and not order.needs_attention


@pytest.mark.parametrize(("code", "status"), [("1234", 400), ("abcdefgh", 400), ("99999999", 404)])
def test_the_agent_refuses_a_malformed_or_unknown_cip(code, status):
    response = Client().post(reverse("testgateway:agent"), {"action": "lookup", "code": code})
    assert response.status_code == status
    response = Client().post(reverse("testgateway:agent"), {"action": "pay", "code": code, "amount": "10.00"})
    assert response.status_code == status


def test_the_agent_refuses_an_expired_cip(client):
    order, payment = issue_cip(client)
    Payment.objects.filter(pk=payment.pk).update(pay_code_expires_at=timezone.now() - timedelta(minutes=1))

    response = Client().post(
        reverse("testgateway:agent"), {"action": "pay", "code": payment.pay_code, "amount": str(payment.amount)}
    )

    assert response.status_code == 410
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_the_agent_refuses_the_cip_of_an_order_the_shopper_cancelled(client):
    order, payment = issue_cip(client)
    client.post(reverse("orders:guest_cancel", args=[order.number]), {"reason": ""})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED

    response = Client().post(
        reverse("testgateway:agent"), {"action": "pay", "code": payment.pay_code, "amount": str(payment.amount)}
    )

    assert response.status_code == 410
    assert not Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).exists()


@override_settings(DEBUG=False, STRIPE_SECRET_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET="whsec_x")
def test_the_demo_agent_is_not_there_when_a_real_gateway_is():
    assert Client().get(reverse("testgateway:agent")).status_code == 404


def test_a_cip_cannot_be_issued_for_another_shoppers_order(client):
    order = placed_with(client, "pagoefectivo-prueba")

    assert Client().post(reverse("testgateway:cip", args=[order.number])).status_code == 404
    assert attempt_of(order).status == Payment.Status.PENDING


def test_a_cip_is_issued_once(client):
    order, payment = issue_cip(client)

    client.post(reverse("testgateway:cip", args=[order.number]))

    assert list(order.payments.values_list("pay_code", flat=True)) == [payment.pay_code]
