"""Resolving a received return: a refund request through payments or store credit, for what was
paid for the returned units (their share of the discounts; shipping when everything comes back),
never beyond what the order still holds; each with its nota de crédito, never twice."""

from decimal import Decimal

import pytest

from credit.models import StoreCredit
from credit.services import store_credit_spend
from payments.models import Payment, Refund
from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
from payments.services.refunds import refund_approve, refund_request
from receipts.models import Receipt, ReceiptKind
from returns import services
from returns.models import ReturnStatus, ReturnStatusChange
from returns.services import ReturnError
from tests.factories import deliver, line_for, make_order, received_return

pytestmark = [pytest.mark.django_db, pytest.mark.shared_rows("gateway_order", "staff")]
POLO_PAID = Decimal("57.49")  # 59.90 less its share (4.82 of 2 units) of the order's 10.00 off


def test_credit_resolution_issues_store_credit_for_what_the_unit_cost(
    gateway_order, staff, warehouse, customer, django_capture_on_commit_callbacks
):
    request = received_return(gateway_order, staff, warehouse)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = services.return_resolve(request=request, actor=staff)
    credit = StoreCredit.objects.get(return_request=request)
    assert (resolved.status, resolved.resolution, resolved.resolved_amount) == (
        ReturnStatus.RESOLVED,
        "credit",
        POLO_PAID,
    )
    assert (credit.customer, credit.amount, credit.balance) == (customer, POLO_PAID, POLO_PAID)
    assert not Refund.objects.filter(idempotency_key__startswith="return-").exists()
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE, source=f"return:{request.pk}")
    assert note.total == POLO_PAID and note.original.order_id == gateway_order.pk
    assert ReturnStatusChange.objects.filter(request=request, to_status=ReturnStatus.RESOLVED, actor=staff).exists()


def test_refund_resolution_opens_a_refund_request_and_its_note_comes_with_the_refund(
    gateway_order, staff, warehouse, django_capture_on_commit_callbacks
):
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
    early = services.return_request_create(
        order=gateway_order,
        lines=[
            services.ReturnLineData(
                order_line_id=gateway_order.lines.get(sku="CASACA-L").pk,
                quantity=1,
                reason="defective",
                declared_condition="damaged",
            )
        ],
        resolution="credit",
    )
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
        services.return_request_create(
            order=order,
            resolution="credit",
            lines=[
                services.ReturnLineData(
                    order_line_id=order.lines.get().pk, quantity=1, reason="wrong_size", declared_condition="new"
                )
            ],
        )


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


def test_an_order_paid_partly_with_a_gift_card_gets_that_part_back_as_credit(warehouse, olva, customer, staff):
    from credit.services.gift_cards import gift_card_issue, gift_card_spend
    from tests.factories import stocked_variant

    card = gift_card_issue(
        actor=staff,
        amount="50",
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Kallpa",
        reason="Cortesía",
    )
    polo = stocked_variant(warehouse, sku="POLO-G")
    order = make_order(lines=[line_for(polo)], customer=customer, shipping_method_id=olva.pk)  # 74.90
    gift_card_spend(code=card.code, order=order, amount="50.00")
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    assert payment.amount == Decimal("24.90")
    payment_test_gateway_pay(payment=payment)
    order = deliver(order)
    request = received_return(order, staff, warehouse, units={"POLO-G": 1}, resolution="refund")
    resolved = services.return_resolve(request=request, actor=staff)
    refund = Refund.objects.get(payment=payment)
    back_as_credit = StoreCredit.objects.get(return_request=request)
    assert (refund.amount, back_as_credit.amount) == (Decimal("24.90"), Decimal("50.00"))
    assert resolved.resolved_amount == refund.amount + back_as_credit.amount == order.total


@pytest.mark.parametrize("card_pays", ["50.00", "74.90"], ids=["part", "all"])
def test_a_guest_s_gift_card_part_comes_back_on_a_new_card_to_the_order_s_e_mail(
    warehouse, olva, staff, card_pays, mailoutbox, django_capture_on_commit_callbacks
):
    from credit.models import GiftCard
    from credit.services.gift_cards import gift_card_issue, gift_card_spend
    from tests.factories import stocked_variant

    card = gift_card_issue(
        actor=staff,
        amount="100",
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Kallpa",
        reason="Cortesía",
    )
    polo = stocked_variant(warehouse, sku="POLO-G")
    order = make_order(lines=[line_for(polo)], shipping_method_id=olva.pk)  # a guest's, 74.90
    gift_card_spend(code=card.code, order=order, amount=card_pays)
    gateway_part = order.total - Decimal(card_pays)
    if gateway_part:
        payment_test_gateway_pay(payment=payment_start(order=order, method=payment_method_ensure_test_gateway()))
    else:  # the card paid it all, as checkout records it
        from orders.services import order_payment_record

        order_payment_record(order=order)
    order.refresh_from_db()
    order = deliver(order)
    request = received_return(order, staff, warehouse, units={"POLO-G": 1}, resolution="refund")

    with django_capture_on_commit_callbacks(execute=True):
        resolved = services.return_resolve(request=request, actor=staff)

    back = GiftCard.objects.get(return_request=request)
    refunded = sum((refund.amount for refund in Refund.objects.filter(payment__order=order)), Decimal("0.00"))
    assert (refunded, back.amount, back.balance) == (gateway_part, Decimal(card_pays), Decimal(card_pays))
    assert resolved.resolved_amount == refunded + back.amount == order.total
    assert back.recipient_email == order.email and back.status == "active" and back.code != card.code
    assert any(back.code in message.body and order.email in message.to for message in mailoutbox)
    # The sale is reduced by all of it: the return's nota de crédito credits what came back.
    note = Receipt.objects.get(order=order, kind=ReceiptKind.CREDIT_NOTE)
    assert note.total == resolved.resolved_amount
    # Counted in what the order gave back, as store credit is: nothing is left to give twice.
    from payments.selectors import order_given_back

    assert order_given_back(order_id=order.pk) == order.total


def test_the_customer_is_emailed_at_resolution_with_the_credit(
    gateway_order, staff, warehouse, mailoutbox, django_capture_on_commit_callbacks
):
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
    StoreCredit.objects.get()
    receipts_issue_missing(notify=False)
    receipts_issue_missing(notify=False)
    notes = Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE)
    assert [(note.source, note.total) for note in notes] == [(f"return:{request.pk}", POLO_PAID)]
