import pytest
from django.core import mail

from returns import services
from returns.models import ReturnEmail
from returns.services import ReceiveLineData, ReturnLineData

pytestmark = pytest.mark.django_db


def test_one_email_per_step_after_commit_in_spanish(
    delivered_order, staff, warehouse, django_capture_on_commit_callbacks
):
    polo = delivered_order.lines.get(sku="POLO-M")
    data = [ReturnLineData(order_line_id=polo.pk, quantity=1, reason="wrong_size", declared_condition="new")]
    with django_capture_on_commit_callbacks(execute=True):
        request = services.return_request_create(order=delivered_order, lines=data, idempotency_key="k-mail")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_request_create(order=delivered_order, lines=data, idempotency_key="k-mail")  # replay
    with django_capture_on_commit_callbacks(execute=True):
        services.return_approve(request=request, actor=staff, message="Envíalo por Olva")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_receive(
            request=request,
            actor=staff,
            lines=[
                ReceiveLineData(
                    return_line_id=request.lines.get().pk, found_condition="resellable", warehouse_id=warehouse.pk
                )
            ],
        )
    assert len(mail.outbox) == 3
    requested, approved, received = mail.outbox
    assert all(m.to == [delivered_order.email] and request.number in m.subject for m in mail.outbox)
    assert "Solicitada" in requested.subject and "Aprobada" in approved.subject and "Recibida" in received.subject
    assert "Envíalo por Olva" in approved.body and delivered_order.number in approved.body
    assert ReturnEmail.objects.filter(sent_at__isnull=False).count() == 3


def test_a_redelivered_task_sends_nothing(delivered_order, django_capture_on_commit_callbacks):
    from returns.tasks import send_return_email

    polo = delivered_order.lines.get(sku="POLO-M")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_request_create(
            order=delivered_order,
            lines=[ReturnLineData(order_line_id=polo.pk, quantity=1, reason="other", declared_condition="new")],
        )
    email = ReturnEmail.objects.get()
    assert send_return_email(email.pk) is False and len(mail.outbox) == 1
