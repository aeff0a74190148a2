"""One e-mail per order event, in Spanish, plain text and HTML, sent after commit and once
even when the task is retried or an event is replayed."""

from decimal import Decimal

import pytest
from django.core import mail

from orders import services
from orders.models import OrderEmail, OrderEmailKind
from orders.tasks import send_order_email
from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_decline
from shipping import services as shipping_services
from tests.factories import UserFactory, WarehouseFactory, age, line_for, make_order, paid_order, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the e-mail tasks, eager in tests) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subjects():
    return [m.subject for m in mail.outbox]


def test_every_event_once_in_spanish(commit, olva, user):
    variant = stocked_variant(WarehouseFactory(), units=10)
    with commit():
        order = make_order(customer=user, lines=[line_for(variant, quantity=2)], shipping_method_id=olva.pk)
    with commit():
        services.order_payment_record(order=order)
        services.order_payment_record(order=order)  # a replayed webhook
    leg = order.shipments.get()
    with commit():
        shipping_services.shipment_ship(shipment=leg, tracking_number="40061123")
    with commit():
        shipping_services.shipment_deliver(shipment=leg)
    with commit():
        services.order_record_refunds(order=order, refunded=Decimal("50.00"))
        services.order_record_refunds(order=order, refunded=Decimal("50.00"))  # replayed

    assert [m.subject.split("] ", 1)[1].split(" PED-")[0] for m in mail.outbox] == [
        "Recibimos tu pedido",
        "Pago confirmado: pedido",
        "Tu Boleta B001-00000001 del pedido",
        "Tu pedido",
        "Tu pedido",
        "Reembolso de tu pedido",
    ]
    placed, paid, receipt, shipped, delivered, refunded = mail.outbox  # the boleta comes with payment
    order_emails = [placed, paid, shipped, delivered, refunded]
    assert "pendiente de pago" in placed.subject and "pendiente de pago" in placed.body
    assert "Confirmamos tu pago" in paid.body
    assert "en camino" in shipped.subject and "40061123" in shipped.body and leg.refresh_from_db() is None
    assert leg.tracking_url in shipped.body and leg.tracking_url in shipped.alternatives[0][0]
    assert "entregado" in delivered.subject
    assert "S/ 50.00" in refunded.body
    for message in order_emails:
        html = message.alternatives[0][0]
        assert message.to == [user.email] and order.number in message.subject
        assert 'name="viewport"' in html and "max-width:600px" in html and "<script" not in html
    assert OrderEmail.objects.filter(order=order, sent_at__isnull=False).count() == 5


@pytest.mark.parametrize(
    ("how", "kind", "words"),
    [
        ("customer", OrderEmailKind.CANCELLED_BY_CUSTOMER, "Anulaste"),
        ("staff", OrderEmailKind.CANCELLED_BY_STAFF, "Anulamos"),
        ("unpaid", OrderEmailKind.CANCELLED_UNPAID, "no se recibió el pago"),
    ],
)
def test_cancellations(commit, user, variant, how, kind, words):
    order = make_order(customer=user, variant=variant)
    mail.outbox.clear()
    with commit():
        if how == "unpaid":
            age(order, 120)
            services.orders_cancel_unpaid(older_than_minutes=60)
        else:
            services.order_cancel(order=order, actor=user, reason="Me equivoqué", by_customer=how == "customer")
    assert len(mail.outbox) == 1 and order.emails.filter(kind=kind, sent_at__isnull=False).exists()
    assert words.lower() in mail.outbox[0].subject.lower()


def test_a_declined_card_never_gets_a_confirmation(commit, user, variant):
    with commit():
        order = make_order(customer=user, variant=variant)
        payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
        payment_test_gateway_decline(payment=payment)
    assert len(mail.outbox) == 1 and "pendiente de pago" in mail.outbox[0].subject
    assert not order.emails.filter(kind=OrderEmailKind.PAID).exists()
    assert not any("Pago confirmado" in s or "Confirmamos" in s for s in subjects())


def test_a_retried_task_sends_once_and_a_failed_send_is_retried(commit, user, variant, monkeypatch):
    from orders import emails

    calls = []

    def flaky(*, email_id):
        calls.append(email_id)
        if len(calls) == 1:
            raise OSError("SMTP down")
        return original(email_id=email_id)

    original = emails.deliver_order_email
    monkeypatch.setattr(emails, "deliver_order_email", flaky)
    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)  # run it by hand below
    order = make_order(customer=user, variant=variant)
    email = order.emails.get()
    with pytest.raises(OSError):
        send_order_email.run(email.pk)  # first attempt fails: the claim is given back
    email.refresh_from_db()
    assert email.sent_at is None and mail.outbox == []
    assert send_order_email.run(email.pk) is True  # the retry sends it
    assert send_order_email.run(email.pk) is False  # a redelivered task sends nothing
    assert len(mail.outbox) == 1 and len(calls) == 2


def test_shipped_email_of_a_split_order_names_the_package(commit, split_order):
    leg = split_order.shipments.order_by("pk").first()
    mail.outbox.clear()
    with commit():
        shipping_services.shipment_ship(shipment=leg, tracking_number="40061123", actor=UserFactory(is_staff=True))
    (message,) = mail.outbox
    assert leg.reference in message.body and "POLO-M" not in message.subject
    assert "El resto" in message.body


def test_pickup_emails_give_the_store_address(commit, pickup):
    order = paid_order(lines=[line_for(stocked_variant(WarehouseFactory()))], method=pickup)
    mail.outbox.clear()
    with commit():
        shipping_services.shipment_ready_for_pickup(shipment=order.shipments.get())
    (message,) = mail.outbox
    assert "listo para recoger" in message.subject and "Av. Larco 345" in message.body
