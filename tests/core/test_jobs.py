"""Pending work that must not wait for ever on a lost task (core.jobs): each kind the apps register
is found overdue after its grace, re-enqueued by the sweep and done once; the backlog says so."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core import jobs
from core.heartbeats import SWEEP_PREFIX, heartbeats_read
from core.tasks import sweep_overdue
from orders.models import OrderEmail
from payments.models import Refund
from payments.services.refunds import refund_request
from receipts.models import Receipt
from tests.factories import (
    UserFactory,
    make_payment,
    pay,
)
from tests.factories import (
    make_guest_order as make_order,
)
from tests.factories import (
    make_priced_order as make_receipt_order,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(minutes=30)


def kind(name: str) -> jobs.PendingWork:
    return next(work for work in jobs.registered() if work.name == name)


def counts() -> dict[str, int]:
    return {row.name: row.count for row in jobs.backlog()}


def test_every_kind_of_pending_work_is_registered_by_its_app():
    assert {work.name for work in jobs.registered()} == {
        "payments.webhook_events",
        "payments.refunds",
        "orders.emails",
        "orders.shipments",
        "receipts.issue",
        "receipts.send",
        "receipts.email",
        "returns.emails",
        "sunat.send",
        "sunat.poll",
        "despatch.send",
    }
    assert set(counts().values()) == {0}


def test_a_lost_order_email_is_sent_once_by_the_sweep():
    order = make_order()
    email = OrderEmail.objects.get(order=order)
    mail.outbox.clear()
    OrderEmail.objects.filter(pk=email.pk).update(sent_at=None)  # recorded, its task lost
    assert jobs.sweep(kind("orders.emails")) == 0  # not overdue yet: its task may be on its way
    OrderEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - LONG_AGO)
    assert counts()["orders.emails"] == 1

    assert jobs.sweep(kind("orders.emails")) == 1
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    assert jobs.sweep(kind("orders.emails")) == 0 and len(mail.outbox) == 1
    # Very old ones are no news any more: not sent, not counted.
    OrderEmail.objects.filter(pk=email.pk).update(sent_at=None, created_at=timezone.now() - timedelta(days=4))
    assert counts()["orders.emails"] == 0


def test_a_lost_return_email_is_sent_once_by_the_sweep(delivered_order):
    from returns.models import ReturnEmail
    from returns.services import ReturnLineData, return_request_create

    request = return_request_create(
        order=delivered_order,
        actor=delivered_order.customer,
        lines=[
            ReturnLineData(
                order_line_id=delivered_order.lines.first().pk,
                quantity=1,
                reason="wrong_size",
                declared_condition="new",
            )
        ],
    )
    email = ReturnEmail.objects.get(request=request)  # its on-commit task never runs here: lost
    assert email.sent_at is None and jobs.sweep(kind("returns.emails")) == 0  # not overdue yet
    ReturnEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - LONG_AGO)
    assert counts()["returns.emails"] == 1
    mail.outbox.clear()
    assert jobs.sweep(kind("returns.emails")) == 1
    assert len(mail.outbox) == 1 and request.number in mail.outbox[0].subject
    assert jobs.sweep(kind("returns.emails")) == 0 and len(mail.outbox) == 1


def test_an_approved_refund_whose_gateway_call_never_finished_is_made_once_by_the_sweep():
    order = make_order()
    payment = make_payment(order, provider="test", reference="TEST-7")
    from payments.services import payment_complete

    payment_complete(payment=payment, amount=order.total, currency="PEN", gateway_reference="TEST-7")
    refund = refund_request(payment=payment, amount="10.00", reason="Talla", actor=UserFactory(is_staff=True))
    # The administrator's approval was committed, then the process died before the gateway answered.
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.APPROVED, approved_at=timezone.now() - LONG_AGO)
    assert counts()["payments.refunds"] == 1

    assert jobs.sweep(kind("payments.refunds")) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.gateway_reference.startswith("TEST-REFUND-")
    assert jobs.sweep(kind("payments.refunds")) == 0
    assert payment.refunds.filter(status=Refund.Status.SUCCEEDED).count() == 1


def test_receipts_lost_before_issue_or_e_mail_are_issued_and_mailed_once(django_capture_on_commit_callbacks):
    order = make_receipt_order()
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    receipt = Receipt.objects.get(order=order)
    Receipt.objects.filter(pk=receipt.pk).update(emailed_at=None, issued_at=timezone.now() - LONG_AGO)
    mail.outbox.clear()
    assert counts()["receipts.email"] == 1
    assert jobs.sweep(kind("receipts.email")) == 1
    assert len(mail.outbox) == 1 and jobs.sweep(kind("receipts.email")) == 0

    other = make_receipt_order()
    pay(other)  # its receipt task never runs (the callbacks are not executed): as if it was lost
    type(other).objects.filter(pk=other.pk).update(paid_at=timezone.now() - LONG_AGO)
    assert counts()["receipts.issue"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(kind("receipts.issue")) == 1
    assert Receipt.objects.filter(order=other).count() == 1 and counts()["receipts.issue"] == 0


def test_receipts_wait_unsent_without_a_sending_service_and_are_not_overdue(
    settings, django_capture_on_commit_callbacks
):
    settings.SUNAT_SEND_URL = ""
    order = make_receipt_order()
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    Receipt.objects.filter(order=order).update(issued_at=timezone.now() - timedelta(hours=6))
    assert counts()["receipts.send"] == 0


def test_the_sweep_task_runs_each_kind_at_its_interval_and_one_failure_stops_no_other(monkeypatch):
    calls = []

    def broken(cutoff):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "_registry", {})
    jobs.register(jobs.PendingWork(name="a.broken", label="broken", overdue=broken, since="pk", enqueue=calls.append))
    jobs.register(
        jobs.PendingWork(
            name="b.fine",
            label="fine",
            overdue=lambda cutoff: OrderEmail.objects.none(),
            since="created_at",
            sweep=lambda: calls.append("swept") or 3,
            every=600,
        )
    )
    assert sweep_overdue() == {"b.fine": 3}
    assert calls == ["swept"]
    assert f"{SWEEP_PREFIX}b.fine" in heartbeats_read()
    assert sweep_overdue() == {}  # its 10 minutes have not passed
    with pytest.raises(ValueError):
        jobs.register(jobs.PendingWork(name="c", label="c", overdue=broken, since="pk"))


def test_retry_countdowns_never_outlast_the_brokers_visibility_timeout(settings):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert jobs.retry_countdown(50, base=30, cap=10**9) == settings.TASK_RETRY_MAX_SECONDS < timeout
    assert jobs.retry_countdown(0, base=30) == 30 and jobs.retry_countdown(3, base=30) == 240
