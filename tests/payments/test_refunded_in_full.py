"""A payment refunded in full at the gateway (its dashboard, a dispute): the order does not stay on
the warehouse's to-ship list. Unshipped, it is cancelled (legs cancelled, stock back, no second
refund requested) and its receipt gets its nota de crédito; already shipped, it is flagged."""

from decimal import Decimal

import pytest

from inventory.models import StockLevel
from orders.models import OrderStatus, PaymentStatus
from payments.models import Provider, Refund, WebhookEvent
from payments.services.mercadopago_flow import payment_mercadopago_apply
from payments.services.webhooks import webhook_event_process, webhook_event_store
from receipts.models import Receipt, ReceiptKind
from shipping import services as shipping_services
from shipping.models import ShipmentStatus
from shipping.selectors import shipments_due
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment, mercadopago_report
from tests.payments.webhook_helpers import body, capture_completed, charge_refunded, paypal_event, session_completed

pytestmark = pytest.mark.django_db


def run(provider: str, payload: dict) -> WebhookEvent:
    event_type = payload.get("type") or payload.get("event_type")
    event, _created = webhook_event_store(
        provider=provider,
        event_id=payload["id"],
        event_type=event_type,
        payload=payload,
        raw_body=body(payload).decode(),
    )
    return webhook_event_process(event_id=event.pk)


def on_hand(order) -> int:
    variant_id = order.lines.get().variant_id
    return sum(StockLevel.objects.filter(variant_id=variant_id).values_list("on_hand", flat=True))


def paid_stripe_order():
    order = make_order()
    payment = make_payment(order)
    assert run("stripe", session_completed(payment)).status == WebhookEvent.Status.PROCESSED
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and shipments_due().filter(order=order).exists()
    return order, payment


def test_a_stripe_charge_refunded_in_full_cancels_the_unshipped_order(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = paid_stripe_order()
    sold = on_hand(order)
    with django_capture_on_commit_callbacks(execute=True):
        event = run("stripe", charge_refunded(payment, [("re_all", payment.amount)]))

    assert event.status == WebhookEvent.Status.PROCESSED
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.REFUNDED
    assert not shipments_due().filter(order=order).exists()
    assert set(order.shipments.values_list("status", flat=True)) == {ShipmentStatus.CANCELLED}
    assert on_hand(order) == sold + 2  # the units are back on the shelf
    # The money is back already: no refund is requested on top of the gateway's.
    assert list(payment.refunds.values_list("status", flat=True)) == [Refund.Status.SUCCEEDED]
    # The receipt's nota de crédito follows the refund, as for any refund.
    assert Receipt.objects.filter(order=order, kind=ReceiptKind.CREDIT_NOTE, total=payment.amount).count() == 1

    # The same notification again changes nothing.
    run("stripe", charge_refunded(payment, [("re_all", payment.amount)]))
    assert payment.refunds.count() == 1 and order.status_changes.filter(to_status=OrderStatus.CANCELLED).count() == 1


def test_a_partial_refund_leaves_the_order_to_ship():
    order, payment = paid_stripe_order()
    run("stripe", charge_refunded(payment, [("re_part", Decimal("10.00"))]))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert shipments_due().filter(order=order).exists()


def test_a_paypal_capture_refunded_in_full_cancels_the_order():
    order = make_order()
    payment = make_payment(order, provider="paypal", reference="ORDER-PP-1")
    run("paypal", capture_completed(payment))
    run(
        "paypal",
        paypal_event(
            "PAYMENT.CAPTURE.REFUNDED",
            {
                "id": "PP-REFUND-1",
                "status": "COMPLETED",
                "amount": {"value": str(payment.amount), "currency_code": "PEN"},
                "links": [{"rel": "up", "href": f"https://api.paypal.com/v2/payments/captures/CAP{payment.pk}"}],
            },
        ),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.REFUNDED
    assert not shipments_due().filter(order=order).exists()


def test_a_mercadopago_payment_refunded_in_full_cancels_the_order():
    order = make_order()
    payment = make_payment(order, provider=Provider.MERCADOPAGO, reference="pref-1")

    payment_mercadopago_apply(payment=payment, mp_payment=mercadopago_report(payment, status="approved"))
    payment.refresh_from_db()
    refunded = mercadopago_report(payment, status="refunded", refunds=[("MP-R-1", payment.amount, "approved")])
    payment_mercadopago_apply(payment=payment, mp_payment=refunded)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.REFUNDED


def test_a_shipped_order_refunded_in_full_at_the_gateway_is_flagged():
    order, payment = paid_stripe_order()
    leg = order.shipments.get()
    shipping_services.shipment_ship(shipment=leg, carrier="olva", tracking_number="40061123")
    run("stripe", charge_refunded(payment, [("re_all", payment.amount)]))
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.payment_status == PaymentStatus.REFUNDED
    assert order.needs_attention and "Reembolsado por completo en la pasarela" in order.attention_note
