"""Processing stored webhook events: what each event does to payments, orders and refunds,
amounts that do not match, late payments, refunds that arrive before the payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core import jobs
from inventory.services import stock_reserve
from orders.models import OrderStatus, PaymentStatus
from orders.services import OrderLineData, order_cancel, order_create
from payments.models import Payment, Refund, WebhookEvent
from payments.services import PaymentError, payment_complete, refund_record
from payments.services.webhooks import (
    WEBHOOK_MAX_ATTEMPTS,
    RetryableWebhookError,
    webhook_event_process,
    webhook_event_store,
)
from payments.tasks import process_webhook_event
from tests.factories import GUEST_ADDRESS as ADDRESS
from tests.factories import UserFactory, make_payment
from tests.factories import make_guest_order as make_order
from tests.payments.webhook_helpers import (
    body,
    capture_completed,
    charge_refunded,
    paypal_event,
    session_completed,
    stripe_event,
)

pytestmark = pytest.mark.django_db


def store(provider: str, payload: dict) -> WebhookEvent:
    event_type = payload.get("type") or payload.get("event_type")
    event, _created = webhook_event_store(
        provider=provider,
        event_id=payload["id"],
        event_type=event_type,
        payload=payload,
        raw_body=body(payload).decode(),
    )
    return event


def run(provider: str, payload: dict) -> WebhookEvent:
    return webhook_event_process(event_id=store(provider, payload).pk)


def reload(obj):
    obj.refresh_from_db()
    return obj


# --- Stripe --------------------------------------------------------------------------------


def test_checkout_completed_pays_the_order_once():
    order = make_order()
    payment = make_payment(order)
    event = run("stripe", session_completed(payment))
    assert event.status == WebhookEvent.Status.PROCESSED and event.attempts == 1 and event.processed_at
    assert reload(payment).status == Payment.Status.SUCCEEDED
    order = reload(order)
    assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID
    changes = order.status_changes.count()

    assert webhook_event_process(event_id=event.pk).attempts == 1  # processed: left alone
    again = run("stripe", session_completed(payment))  # another event for the same session
    assert again.status == WebhookEvent.Status.PROCESSED
    assert reload(order).status_changes.count() == changes


def test_the_payment_is_found_by_its_id_when_the_session_id_is_unknown():
    payment = make_payment(make_order(), reference="")
    payload = session_completed(payment)
    payload["data"]["object"]["id"] = "cs_unknown"
    assert run("stripe", payload).status == WebhookEvent.Status.PROCESSED
    assert reload(payment).status == Payment.Status.SUCCEEDED


@pytest.mark.parametrize("amount, currency", [(Decimal("1.00"), "pen"), (None, "usd")])
def test_a_mismatched_amount_or_currency_is_flagged_not_accepted(amount, currency):
    order = make_order()
    payment = make_payment(order)
    event = run("stripe", session_completed(payment, amount=amount, currency=currency))
    assert event.status == WebhookEvent.Status.PROCESSED
    payment = reload(payment)
    order = reload(order)
    assert payment.status == Payment.Status.FAILED
    assert order.number in payment.failure_message and f"{order.total} PEN" in payment.failure_message
    assert order.status == OrderStatus.PENDING_PAYMENT and order.payment_status == PaymentStatus.UNPAID
    assert order.needs_attention and order.number in order.attention_note


def test_payment_complete_is_idempotent_and_checks_the_amount_in_the_service():
    order = make_order()
    payment = make_payment(order)
    done = payment_complete(
        payment=payment,
        amount=order.total,
        currency="PEN",
        gateway_reference="pi_1",
        card_brand="visa",
        card_last4="4242",
    )
    assert done.status == Payment.Status.SUCCEEDED and done.card_last4 == "4242"
    assert payment_complete(payment=payment, amount=Decimal("1"), currency="USD", gateway_reference="x").status == (
        Payment.Status.SUCCEEDED
    )
    assert reload(order).status_changes.filter(to_status=OrderStatus.PAID).count() == 1


def test_a_late_payment_on_a_cancelled_order_is_kept_flagged_and_a_refund_proposed():
    order = make_order()
    payment = make_payment(order)
    order_cancel(order=order, actor=None, reason="timeout", by_customer=False)
    run("stripe", session_completed(payment))
    payment = reload(payment)
    assert payment.status == Payment.Status.SUCCEEDED  # the money is never lost
    order = reload(order)
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.PAID
    assert order.needs_attention
    refund = payment.refunds.get()
    assert refund.status == Refund.Status.REQUESTED and refund.amount == payment.amount
    assert refund.gateway_reference is None


def test_a_second_payment_for_a_paid_order_is_flagged_and_a_refund_proposed():
    order = make_order()
    first, second = make_payment(order, reference="cs_a"), None
    run("stripe", session_completed(first))
    second = Payment.objects.create(
        order=order, method=first.method, provider="stripe", amount=order.total, gateway_reference="cs_b"
    )
    run("stripe", session_completed(second))
    second = reload(second)
    assert second.status == Payment.Status.FAILED and second.refunds.get().status == Refund.Status.REQUESTED
    assert reload(order).needs_attention


def test_an_expired_session_or_failed_intent_fails_the_attempt_and_the_order_keeps_waiting():
    order = make_order()
    payment = make_payment(order)
    run(
        "stripe",
        stripe_event(
            "checkout.session.expired", {"id": payment.gateway_reference, "client_reference_id": str(payment.pk)}
        ),
    )
    assert reload(payment).status == Payment.Status.FAILED
    assert reload(order).status == OrderStatus.PENDING_PAYMENT

    retry = make_payment(order, reference="pi_retry")
    run(
        "stripe",
        stripe_event(
            "payment_intent.payment_failed",
            {"id": "pi_retry", "last_payment_error": {"message": "Your card was declined."}},
        ),
    )
    retry = reload(retry)
    assert retry.status == Payment.Status.FAILED and retry.failure_message == "Your card was declined."


def test_partial_then_full_refunds_follow_the_order_payment_status():
    order = make_order()
    payment = make_payment(order)
    run("stripe", session_completed(payment))
    part = Decimal("10.00")
    assert run("stripe", charge_refunded(payment, [("re_1", part)])).status == WebhookEvent.Status.PROCESSED
    assert reload(order).payment_status == PaymentStatus.PARTIALLY_REFUNDED
    run("stripe", charge_refunded(payment, [("re_1", part), ("re_2", order.total - part)]))
    assert reload(order).payment_status == PaymentStatus.REFUNDED
    assert sorted(payment.refunds.values_list("gateway_reference", flat=True)) == ["re_1", "re_2"]
    assert sum(r.amount for r in payment.refunds.all()) == order.total


def test_a_charge_without_its_refund_list_records_the_new_refunded_total():
    order = make_order()
    payment = make_payment(order)
    run("stripe", session_completed(payment))
    payload = charge_refunded(payment, [("re_1", Decimal("5.00"))])
    del payload["data"]["object"]["refunds"]
    run("stripe", payload)
    run("stripe", dict(payload, id="evt_again"))
    assert payment.refunds.get().amount == Decimal("5.00")


def test_refunds_never_exceed_what_was_captured():
    order = make_order()
    payment = make_payment(order)
    run("stripe", session_completed(payment))
    event = run("stripe", charge_refunded(payment, [("re_big", order.total + 1)]))
    assert event.status == WebhookEvent.Status.FAILED and event.last_error.startswith("PaymentError")
    assert not payment.refunds.exists()
    with pytest.raises(PaymentError):
        refund_record(payment=payment, amount=order.total + Decimal("0.01"), gateway_reference="re_x")


def test_a_refund_before_its_completion_waits_and_is_applied_after_it():
    order = make_order()
    payment = make_payment(order)
    refund_event = store("stripe", charge_refunded(payment, [("re_1", Decimal("10.00"))]))
    with pytest.raises(RetryableWebhookError):
        webhook_event_process(event_id=refund_event.pk)
    refund_event = reload(refund_event)
    assert refund_event.status == WebhookEvent.Status.RECEIVED and refund_event.attempts == 1
    assert refund_event.last_error and not Refund.objects.exists()

    run("stripe", session_completed(payment))
    assert webhook_event_process(event_id=refund_event.pk).status == WebhookEvent.Status.PROCESSED
    assert reload(order).payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_the_task_gives_up_after_its_retries_and_staff_can_reprocess(client, django_capture_on_commit_callbacks):
    payment = make_payment(make_order())
    event = store("stripe", charge_refunded(payment, [("re_1", Decimal("10.00"))]))
    before = timezone.now()
    with pytest.raises(Retry):  # too early: retried later with backoff
        process_webhook_event.apply(args=[event.pk]).get()
    event = reload(event)
    assert event.status == WebhookEvent.Status.RECEIVED
    # When it is due again is on the event (the sweep reads it if the retry is lost): 30 s, then doubling.
    assert before + timedelta(seconds=29) < event.next_attempt_at < timezone.now() + timedelta(seconds=31)
    WebhookEvent.objects.filter(pk=event.pk).update(attempts=WEBHOOK_MAX_ATTEMPTS - 1)
    assert process_webhook_event.apply(args=[event.pk]).get() == "failed"
    event = reload(event)
    assert event.status == WebhookEvent.Status.FAILED and event.attempts == WEBHOOK_MAX_ATTEMPTS

    run("stripe", session_completed(payment))
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_webhookevent", "change_webhookevent"]))
    client.force_login(staff)
    url = reverse("admin:payments_webhookevent_changelist")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "reprocess", "_selected_action": [event.pk]})
    assert response.status_code == 302
    assert reload(event).status == WebhookEvent.Status.PROCESSED


def test_unknown_event_types_are_ignored():
    event = run("stripe", stripe_event("customer.created", {"id": "cus_1"}))
    assert event.status == WebhookEvent.Status.IGNORED


def test_a_completion_for_no_known_payment_fails_for_staff():
    event = run(
        "stripe",
        stripe_event("checkout.session.completed", {"id": "cs_nobody", "amount_total": 100, "currency": "pen"}),
    )
    assert event.status == WebhookEvent.Status.FAILED and "no payment" in event.last_error


# --- PayPal --------------------------------------------------------------------------------


def test_paypal_capture_completed_denied_and_refunded():
    order = make_order()
    payment = make_payment(order, provider="paypal", reference="5O190127TN364715T")
    assert run("paypal", capture_completed(payment)).status == WebhookEvent.Status.PROCESSED
    assert reload(payment).status == Payment.Status.SUCCEEDED and reload(order).status == OrderStatus.PAID

    run(
        "paypal",
        paypal_event(
            "PAYMENT.CAPTURE.REFUNDED",
            {
                "id": "1JU08902781691411",
                "status": "COMPLETED",
                "amount": {"value": "10.00", "currency_code": "PEN"},
                "links": [{"rel": "up", "href": f"https://api.paypal.com/v2/payments/captures/CAP{payment.pk}"}],
            },
        ),
    )
    assert reload(order).payment_status == PaymentStatus.PARTIALLY_REFUNDED

    other = make_order()
    denied = make_payment(other, provider="paypal", reference="ORDER-2")
    run(
        "paypal",
        paypal_event(
            "PAYMENT.CAPTURE.DENIED", {"id": "CAP-D", "supplementary_data": {"related_ids": {"order_id": "ORDER-2"}}}
        ),
    )
    assert reload(denied).status == Payment.Status.FAILED
    assert reload(other).status == OrderStatus.PENDING_PAYMENT


def test_paypal_capture_found_by_custom_id_with_a_wrong_amount_is_flagged():
    order = make_order()
    payment = make_payment(order, provider="paypal", reference="")
    payload = capture_completed(payment, value="1.00")
    payload["resource"]["supplementary_data"] = {}
    payload["resource"]["custom_id"] = str(payment.pk)
    run("paypal", payload)
    assert reload(payment).status == Payment.Status.FAILED
    assert reload(order).needs_attention and reload(order).status == OrderStatus.PENDING_PAYMENT


def sweep_webhooks() -> int:
    return jobs.sweep(next(work for work in jobs.registered() if work.name == "payments.webhook_events"))


def test_events_whose_enqueue_was_lost_are_picked_up_by_the_sweep():
    payment = make_payment(make_order())
    event = store("stripe", session_completed(payment))  # stored; its on_commit enqueue never ran
    assert sweep_webhooks() == 0  # too recent: its own task may still be on its way
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=3))
    assert sweep_webhooks() == 1
    assert reload(event).status == WebhookEvent.Status.PROCESSED
    assert sweep_webhooks() == 0


def test_events_whose_retry_was_lost_are_picked_up_by_the_sweep_whatever_their_attempts():
    order = make_order()
    payment = make_payment(order)
    event = store("stripe", charge_refunded(payment, [("re_1", Decimal("10.00"))]))
    for _attempt in range(3):
        with pytest.raises(RetryableWebhookError):
            webhook_event_process(event_id=event.pk)
    run("stripe", session_completed(payment))
    assert sweep_webhooks() == 0  # its retry is not due yet
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=3))
    assert [row.count for row in jobs.backlog() if row.name == "payments.webhook_events"] == [1]
    assert sweep_webhooks() == 1
    event = reload(event)
    assert event.status == WebhookEvent.Status.PROCESSED and event.attempts == 4
    assert reload(order).payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert sweep_webhooks() == 0


def test_a_late_payment_whose_stock_is_gone_is_kept_flagged_and_a_refund_proposed():
    order = make_order(quantity=2, on_hand=2)
    payment = make_payment(order)
    line = order.lines.get()
    other = order_create(
        customer=None,
        email="otra@example.pe",
        lines=[OrderLineData.from_variant(line.variant, quantity=2)],
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        shipping_method_id=None,
        shipping_method_name="Olva",
        shipping_total=Decimal("10.00"),
        idempotency_key=None,
    )
    stock_reserve(lines={line.variant_id: 2}, order_id=other.pk)  # another buyer holds the last units
    run("stripe", session_completed(payment))
    assert reload(payment).status == Payment.Status.SUCCEEDED
    order = reload(order)
    assert order.status == OrderStatus.PAID and order.needs_attention
    assert payment.refunds.get().status == Refund.Status.REQUESTED
