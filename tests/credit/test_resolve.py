"""Resolving a received return: a refund request through payments or store credit, for what was
paid for the returned units (their share of the discounts; shipping when everything comes back),
never beyond what the order still holds; each with its nota de crédito, never twice."""

from decimal import Decimal

import pytest

from credit.models import StoreCredit
from credit.services import store_credit_spend
from payments.models import Payment, Refund
from payments.services.refunds import refund_approve, refund_request
from payments.services import payment_test_gateway_pay, payment_method_ensure_test_gateway, payment_start
from receipts.models import Receipt, ReceiptKind
from returns import services
from returns.models import ReturnStatus, ReturnStatusChange
from returns.services import ReturnError
from tests.factories import deliver, line_for, make_order, received_return


pytestmark = pytest.mark.django_db
POLO_PAID = Decimal("57.49")  # 59.90 less its share (4.82 of 2 units) of the order's 10.00 off


def test_credit_resolution_issues_store_credit_for_what_the_unit_cost(gateway_order, staff, warehouse, customer,
                                                                       django_capture_on_commit_callbacks):
    request = received_return(gateway_order, staff, warehouse)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = services.return_resolve(request=request, actor=staff)
    credit = StoreCredit.objects.get(return_request=request)
    assert (resolved.status, resolved.resolution, resolved.resolved_amount) == (ReturnStatus.RESOLVED, "credit",
                                                                               POLO_PAID)
    assert (credit.customer, credit.amount, credit.balance) == (customer, POLO_PAID, POLO_PAID)
    assert not Refund.objects.filter(idempotency_key__startswith="return-").exists()
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE, source=f"return:{request.pk}")
    assert note.total == POLO_PAID and note.original.order_id == gateway_order.pk
    assert ReturnStatusChange.objects.filter(request=request, to_status=ReturnStatus.RESOLVED, actor=staff).exists()


def test_refund_resolution_opens_a_refund_request_and_its_note_comes_with_the_refund(
        gateway_order, staff, warehouse, django_capture_on_commit_callbacks):
    request = received_return(gateway_order, staff, warehouse, resolution="refund")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_resolve(request=request, actor=staff)
    refund = Refund.objects.get(payment__order=gateway_order)
    assert (refund.status, refund.amount, refund.requested_by) == (Refund.Status.REQUESTED, POLO_PAID, staff)
    assert not StoreCredit.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=refund, actor=staff)
    notes = Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE, order=gateway_order)
    assert [(note.source, note.total) for note in notes] == [(f"return:{request.pk}", POLO_PAID)]


def test_staff_may_pick_the_other_resolution(gateway_order, staff, warehouse):
    request = received_return(gateway_order, staff, warehouse, resolution="refund")
    services.return_resolve(request=request, actor=staff, resolution="credit")
    assert StoreCredit.objects.get(return_request=request).amount == POLO_PAID


def test_the_whole_order_back_includes_shipping_and_equals_what_was_paid(gateway_order, staff, warehouse):
    request = received_return(gateway_order, staff, warehouse, units={"POLO-M": 2, "CASACA-L": 1}, resolution="refund")
    assert services.return_amount(request=request) == gateway_order.total == Decimal("253.80")
    services.return_resolve(request=request, actor=staff)
    assert Refund.objects.get().amount == gateway_order.total


def test_never_more_than_the_order_still_holds(gateway_order, staff, warehouse):
    payment = Payment.objects.get(order=gateway_order)
    refund_request(payment=payment, amount="230.00", reason="Compensación", actor=staff)
    request = received_return(gateway_order, staff, warehouse, resolution="refund")
    assert services.return_amount(request=request) == Decimal("23.80")
    services.return_resolve(request=request, actor=staff)
    total = sum(Refund.objects.filter(payment=payment).values_list("amount", flat=True))
    assert total == gateway_order.total


def test_resolving_twice_or_too_early_is_refused(gateway_order, staff, warehouse):
    request = received_return(gateway_order, staff, warehouse)
    services.return_resolve(request=request, actor=staff)
    with pytest.raises(ReturnError, match="ya fue resuelta"):
        services.return_resolve(request=request, actor=staff)
    assert StoreCredit.objects.count() == 1
    early = services.return_request_create(order=gateway_order, lines=[services.ReturnLineData(
        order_line_id=gateway_order.lines.get(sku="CASACA-L").pk, quantity=1, reason="defective",
        declared_condition="damaged")], resolution="credit")
    with pytest.raises(ReturnError, match="recibida"):
        services.return_resolve(request=early, actor=staff)
    assert StoreCredit.objects.count() == 1


def test_bad_resolution_values_are_refused(gateway_order, staff, warehouse):
    request = received_return(gateway_order, staff, warehouse)
    with pytest.raises(ReturnError):
        services.return_resolve(request=request, actor=staff, resolution="cash")
    request.refresh_from_db()
    assert request.status == ReturnStatus.RECEIVED and not StoreCredit.objects.exists()


def test_a_guest_order_cannot_take_store_credit(warehouse, olva, staff):
    from tests.factories import stocked_variant

    polo = stocked_variant(warehouse, sku="POLO-G")
    order = make_order(lines=[line_for(polo)], shipping_method_id=olva.pk)
    payment_test_gateway_pay(payment=payment_start(order=order, method=payment_method_ensure_test_gateway()))
    order = deliver(order)
    with pytest.raises(ReturnError, match="invitado"):
        services.return_request_create(order=order, resolution="credit", lines=[services.ReturnLineData(
            order_line_id=order.lines.get().pk, quantity=1, reason="wrong_size", declared_condition="new")])


def test_closing_a_resolved_return(gateway_order, staff, warehouse):
    request = received_return(gateway_order, staff, warehouse)
    services.return_resolve(request=request, actor=staff)
    assert services.return_close(request=request, actor=staff).status == ReturnStatus.CLOSED
    with pytest.raises(ReturnError):
        services.return_close(request=request, actor=staff)


def test_an_order_paid_partly_with_credit_gets_that_part_back_as_credit(warehouse, olva, customer, staff):
    from credit.services import store_credit_issue
    from tests.factories import stocked_variant

    credit = store_credit_issue(customer=customer, amount="50.00")
    polo = stocked_variant(warehouse, sku="POLO-C")
    order = make_order(lines=[line_for(polo)], customer=customer, shipping_method_id=olva.pk)  # 74.90
    store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="50.00")
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    assert payment.amount == Decimal("24.90")
    payment_test_gateway_pay(payment=payment)
    order = deliver(order)
    request = received_return(order, staff, warehouse, units={"POLO-C": 1}, resolution="refund")
    services.return_resolve(request=request, actor=staff)
    refund = Refund.objects.get(payment=payment)
    back_as_credit = StoreCredit.objects.get(return_request=request)
    assert (refund.amount, back_as_credit.amount) == (Decimal("24.90"), Decimal("50.00"))
    assert refund.amount + back_as_credit.amount == order.total


def test_the_customer_is_emailed_at_resolution_with_the_credit(gateway_order, staff, warehouse, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    request = received_return(gateway_order, staff, warehouse)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_resolve(request=request, actor=staff)
    credit = StoreCredit.objects.get()
    bodies = [mail.body for mail in mailoutbox if mail.to == [gateway_order.email] and request.number in mail.body]
    assert len(bodies) == 1 and credit.number in bodies[0] and "57.49" in bodies[0]


def test_a_lost_credit_note_task_is_healed_once(gateway_order, staff, warehouse):
    from receipts.services import receipts_issue_missing

    request = received_return(gateway_order, staff, warehouse)
    services.return_resolve(request=request, actor=staff)  # on-commit tasks never run here: "lost"
    credit = StoreCredit.objects.get()
    receipts_issue_missing(notify=False)
    receipts_issue_missing(notify=False)
    notes = Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE)
    assert [(note.source, note.total) for note in notes] == [(f"return:{request.pk}", POLO_PAID)]
