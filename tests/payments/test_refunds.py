"""Refunds: support requests, an administrator approves, the gateway is called once per
refund (even when two approvals race), and refunds never exceed what was captured."""

import threading
import time
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import responses
from django.db import connection, connections, transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_add_role
from orders.models import PaymentStatus
from orders.services import order_lock
from payments.models import Payment, Provider, Refund
from payments.services import PaymentError
from payments.services.attempts import refund_record
from payments.services.mercadopago_flow import payment_mercadopago_apply
from payments.services.refunds import refund_approve, refund_execute, refund_request
from tests.factories import PASSWORD, UserFactory, mercadopago_report, paid
from tests.threads import transaction_held_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    support, boss = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    return support, boss


def test_a_request_needs_a_reason_a_positive_amount_and_room_in_the_capture(staff):
    support, _boss = staff
    payment = paid()
    for amount, reason in [("0", "x"), ("-5", "x"), ("abc", "x"), ("10", "  ")]:
        with pytest.raises(PaymentError):
            refund_request(payment=payment, amount=amount, reason=reason, actor=support)
    refund_request(payment=payment, amount=payment.amount - Decimal("10.00"), reason="Talla equivocada", actor=support)
    with pytest.raises(PaymentError):
        refund_request(payment=payment, amount="10.01", reason="Otra", actor=support)
    assert payment.refunds.count() == 1


def test_approving_refunds_once_and_the_order_follows(staff):
    support, boss = staff
    payment = paid()
    part = refund_request(payment=payment, amount="20.00", reason="Descuento tardío", actor=support)
    refund_approve(refund=part, actor=boss)
    refund_approve(refund=part, actor=boss)  # again: nothing changes
    part.refresh_from_db()
    assert part.status == Refund.Status.SUCCEEDED and part.approved_by == boss
    assert part.gateway_reference.startswith("TEST-REFUND-")
    assert payment.order.__class__.objects.get(pk=payment.order_id).payment_status == PaymentStatus.PARTIALLY_REFUNDED

    rest = refund_request(payment=payment, amount=payment.amount - Decimal("20.00"), reason="Cancelado", actor=support)
    refund_approve(refund=rest, actor=boss)
    assert payment.order.__class__.objects.get(pk=payment.order_id).payment_status == PaymentStatus.REFUNDED


@responses.activate
def test_a_stripe_refund_is_keyed_by_the_refund_and_a_gateway_error_fails_it(staff, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_MAX_NETWORK_RETRIES = "sk_test_kallpa", 0
    support, boss = staff
    payment = paid(Provider.STRIPE, "pi_kallpa_1")
    refund = refund_request(payment=payment, amount="30.00", reason="Producto dañado", actor=support)
    responses.post(
        "https://api.stripe.com/v1/refunds",
        json={"id": "re_kallpa_1", "object": "refund", "status": "succeeded", "amount": 3000},
    )
    refund_approve(refund=refund, actor=boss)
    sent = responses.calls[0].request
    assert sent.headers["Idempotency-Key"] == f"kallpa-refund-{refund.pk}"
    assert parse_qs(sent.body)["amount"] == ["3000"] and parse_qs(sent.body)["payment_intent"] == ["pi_kallpa_1"]
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.gateway_reference == "re_kallpa_1"

    failing = refund_request(payment=payment, amount="10.00", reason="Otro", actor=support)
    responses.post("https://api.stripe.com/v1/refunds", status=500, json={"error": {"type": "api_error"}})
    with pytest.raises(PaymentError):
        refund_approve(refund=failing, actor=boss)
    failing.refresh_from_db()
    assert failing.status == Refund.Status.FAILED and failing.failure_message


def test_support_requests_in_the_admin_but_only_an_administrator_approves(client, staff):
    support, boss = staff
    payment = paid()
    client.login(username=support.email, password=PASSWORD)
    form = {"payment": payment.pk, "amount": "15.00", "reason": "Llegó tarde", "key": "form-key-1"}
    assert client.post(reverse("admin:payments_refund_add"), form).status_code == 302
    assert client.post(reverse("admin:payments_refund_add"), form).status_code == 302  # a replayed submit
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.REQUESTED and refund.requested_by == support
    too_much = client.post(
        reverse("admin:payments_refund_add"),
        {"payment": payment.pk, "amount": str(payment.amount), "reason": "Todo", "key": "k2"},
    )
    assert too_much.status_code == 200 and Refund.objects.count() == 1  # over the capture: a form error

    changelist = reverse("admin:payments_refund_changelist")
    data = {"action": "approve", "_selected_action": [refund.pk], "apply": "1"}
    client.post(changelist, data)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED  # support may not approve
    assert not support.has_perm("payments.approve_refund")

    client.login(username=boss.email, password=PASSWORD)
    confirm = client.post(changelist, {"action": "approve", "_selected_action": [refund.pk]})
    assert confirm.status_code == 200 and payment.order.number in confirm.content.decode()
    client.post(changelist, data)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.approved_by == boss


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_refund_once(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_MAX_NETWORK_RETRIES = "sk_test_kallpa", 0
    boss = UserFactory()
    payment = paid(Provider.STRIPE, "pi_kallpa_2")
    refund = refund_request(payment=payment, amount="25.00", reason="Doble cobro", actor=boss)
    barrier = threading.Barrier(2)
    with responses.RequestsMock() as gateway:
        gateway.post(
            "https://api.stripe.com/v1/refunds",
            json={"id": "re_once", "object": "refund", "status": "succeeded", "amount": 2500},
        )

        errors = []

        def approve():
            try:
                barrier.wait()
                refund_approve(refund=refund, actor=boss)
            except Exception as error:
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=approve) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(gateway.calls) == 1
    assert errors == []
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert Payment.objects.get(pk=payment.pk).refunds.filter(status=Refund.Status.SUCCEEDED).count() == 1


def _someone_waits_for_a_row():
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _beside_an_approval(*, order_id, then, work):
    """Run `work` in a thread while another transaction takes locks as an approval does: the
    order's row, then (once `work` waits for a row) `then`'s row. Returns the errors of both:
    locks taken in the opposite order deadlock, and PostgreSQL cancels one of them."""
    worker_errors = []

    def worker():
        try:
            work()
        except Exception as error:
            worker_errors.append(error)
        finally:
            connections.close_all()

    doer = threading.Thread(target=worker)
    with transaction_held_open(lambda: order_lock(order_id), then=lambda: list(then.select_for_update())) as errors:
        doer.start()
        assert _someone_waits_for_a_row()
    doer.join(30)
    return errors + worker_errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_recording_a_refund_the_gateway_made_takes_the_order_before_the_refund():
    """The gateway returned the money (an approval's call, or the sweep's) while an approval of
    the same order holds it: recording waits for the order, then the refund's row."""
    payment = paid()
    refund = refund_request(payment=payment, amount="25.00", reason="Doble cobro", actor=None)
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.APPROVED)
    errors = _beside_an_approval(
        order_id=payment.order_id,
        then=Refund.objects.filter(pk=refund.pk),
        work=lambda: refund_execute(refund_id=refund.pk),
    )
    assert errors == []
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SUCCEEDED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_refund_reported_by_the_gateway_takes_the_order_before_the_payment():
    """A refund made in the gateway's dashboard is reported while an approval of the same order
    holds it and asks for the payment's row: the report waits for the order first."""
    payment = paid()
    errors = _beside_an_approval(
        order_id=payment.order_id,
        then=Payment.objects.filter(pk=payment.pk),
        work=lambda: refund_record(payment=payment, amount=Decimal("10.00"), gateway_reference="re_dashboard"),
    )
    assert errors == []
    assert payment.refunds.get().status == Refund.Status.SUCCEEDED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_mercado_pago_report_of_a_completed_payment_and_its_refund_takes_the_order_first():
    """Mercado Pago reports the payment with its refunds, in one event: hearing again that the
    payment is completed holds nothing, so recording the refund takes the order before the payment."""
    payment = paid(Provider.MERCADOPAGO, "1319500013")
    report = mercadopago_report(
        payment, status="approved", refunds=[("MP-R-2", Decimal("10.00"), "approved")], mp_payment_id="1319500013"
    )

    def apply_the_event():
        with transaction.atomic():  # as webhook_event_process applies one
            payment_mercadopago_apply(payment=Payment.objects.get(pk=payment.pk), mp_payment=report)

    errors = _beside_an_approval(
        order_id=payment.order_id, then=Payment.objects.filter(pk=payment.pk), work=apply_the_event
    )
    assert errors == []
    assert payment.refunds.get().status == Refund.Status.SUCCEEDED


def test_a_refund_request_happens_once_per_key(staff):
    support, _boss = staff
    payment, other = paid(), paid()
    first = refund_request(payment=payment, amount="12.00", reason="Falla", actor=support, idempotency_key="k-1")
    again = refund_request(payment=payment, amount="12.00", reason="Falla", actor=support, idempotency_key="k-1")
    assert again.pk == first.pk and payment.refunds.count() == 1
    with pytest.raises(PaymentError):
        refund_request(payment=other, amount="12.00", reason="Falla", actor=support, idempotency_key="k-1")
