"""Issuing: the receipt a paid order asked for (boleta with DNI or none, factura with RUC and
business name), once, in Lima's date; credit notes from refunds, never beyond the original;
the self-healing sweep; the e-mail, once."""

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.roles import Role
from accounts.services import user_add_role
from orders.models import Order
from payments.models import Payment
from payments.services.refunds import refund_approve, refund_request
from receipts.models import BuyerDocument, CreditReason, Receipt, ReceiptKind
from receipts.services import (
    ReceiptError,
    credit_note_issue,
    receipt_issue_for_order,
    receipts_issue_missing,
)
from tests.factories import BUYER_DNI, BUYER_RUC, UserFactory, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def test_a_dni_order_gets_a_boleta_of_series_b001():
    order = make_order(document_type="dni", document=BUYER_DNI)
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    assert (receipt.kind, receipt.series, receipt.number) == (ReceiptKind.BOLETA, "B001", 1)
    assert (receipt.buyer_document_type, receipt.buyer_document) == (BuyerDocument.DNI, BUYER_DNI)
    assert receipt.issuer_ruc == "20601234565" and receipt.issuer_name == "KALLPA STORE S.A.C."
    assert receipt.full_number == "B001-00000001"


def test_an_order_without_a_document_gets_a_boleta_without_one():
    order = make_order()
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    assert receipt.kind == ReceiptKind.BOLETA and receipt.buyer_document_type == BuyerDocument.NONE
    assert receipt.buyer_document == "" and receipt.qr_text().split("|")[8] == "-"


def test_a_ruc_order_gets_a_factura_with_the_business_name():
    order = make_order(document_type="ruc", document=BUYER_RUC)
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    assert (receipt.kind, receipt.series) == (ReceiptKind.FACTURA, "F001")
    assert (receipt.buyer_document_type, receipt.buyer_document) == (BuyerDocument.RUC, BUYER_RUC)
    assert receipt.buyer_name == "Comercial Andina S.A.C."
    assert "Miraflores" in receipt.buyer_address


def test_a_factura_needs_a_valid_ruc_and_a_business_name():
    order = make_order(document_type="ruc", document=BUYER_RUC)
    pay(order)
    Order.objects.filter(pk=order.pk).update(customer_document="20100047219")  # a wrong check digit
    with pytest.raises(ReceiptError, match="RUC"):
        receipt_issue_for_order(order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(customer_document=BUYER_RUC, customer_legal_name=" ")
    with pytest.raises(ReceiptError, match="business name|razón social"):
        receipt_issue_for_order(order_id=order.pk)
    assert not Receipt.objects.exists()


def test_unpaid_and_unknown_orders_get_no_receipt():
    order = make_order()
    with pytest.raises(ReceiptError):
        receipt_issue_for_order(order_id=order.pk)
    with pytest.raises(ReceiptError):
        receipt_issue_for_order(order_id=987654)
    assert not Receipt.objects.exists()


def test_issuing_twice_returns_the_same_receipt_and_uses_one_number():
    order = make_order()
    pay(order)
    first, second = (receipt_issue_for_order(order_id=order.pk) for _ in range(2))
    assert first.pk == second.pk
    assert Receipt.objects.count() == 1
    other = make_order()
    pay(other)
    assert receipt_issue_for_order(order_id=other.pk).number == first.number + 1


def test_the_issue_date_is_lima_s_date():
    order = make_order()
    pay(order)
    late_evening_in_lima = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # 22:30 on 1 March in Lima
    with mock.patch("receipts.services.timezone.now", return_value=late_evening_in_lima):
        receipt = receipt_issue_for_order(order_id=order.pk)
    assert receipt.issue_date.isoformat() == "2026-03-01" and receipt.issue_time == "22:30:00"


def test_paying_issues_the_receipt_after_commit_and_mails_it_once(django_capture_on_commit_callbacks):
    order = make_order(document_type="ruc", document=BUYER_RUC)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    receipt = Receipt.objects.get(order=order)
    assert receipt.kind == ReceiptKind.FACTURA and receipt.emailed_at is not None
    [message] = [m for m in mail.outbox if receipt.full_number in m.subject]
    assert message.to == ["rosa@example.pe"]
    assert [name for name, _content, _type in message.attachments] == [
        f"{receipt.file_name}.pdf",
        f"{receipt.file_name}.xml",
    ]
    assert message.attachments[0][1].startswith(b"%PDF")
    from receipts.tasks import email_receipt

    assert email_receipt(receipt.pk) is False  # a replayed task sends nothing more


def test_the_sweep_issues_what_a_lost_task_missed():
    paid, unpaid = make_order(), make_order()
    pay(paid)
    issued, problems = receipts_issue_missing()
    assert (issued, problems) == (1, [])
    assert Receipt.objects.filter(order=paid).count() == 1 and not Receipt.objects.filter(order=unpaid).exists()
    assert receipts_issue_missing() == (0, [])
    call_command("receipts_issue_missing", verbosity=0)
    assert Receipt.objects.count() == 1


def test_the_sweep_reports_an_order_that_cannot_have_its_factura():
    order = make_order(document_type="ruc", document=BUYER_RUC)
    pay(order)
    Order.objects.filter(pk=order.pk).update(customer_legal_name="")  # as an order placed before it was asked
    issued, [problem] = receipts_issue_missing()
    assert issued == 0 and order.number in problem


# --- credit notes ----------------------------------------------------------------------------------


@pytest.fixture
def staff():
    support, boss = UserFactory(is_staff=True), UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    return support, boss


def test_a_succeeded_refund_issues_a_credit_note_referencing_the_original(staff, django_capture_on_commit_callbacks):
    support, boss = staff
    order = make_order(document_type="ruc", document=BUYER_RUC)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(order)
    original = Receipt.objects.get(order=order)
    refund = refund_request(payment=payment, amount="20.00", reason="Producto con detalle", actor=support)
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=refund, actor=boss)
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    assert (note.series, note.number, note.original, note.source) == ("FC01", 1, original, f"refund:{refund.pk}")
    assert note.reason_code == CreditReason.DECREASE and note.total == Decimal("20.00")  # no goods came back
    assert note.taxable_total + note.igv_total == note.total
    rest = refund_request(
        payment=Payment.objects.get(pk=payment.pk),
        amount=str(order.total - Decimal("20.00")),
        reason="Devolución del resto",
        actor=support,
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=rest, actor=boss)
    assert sum(n.total for n in original.credit_notes.all()) == original.total


def test_a_whole_refund_of_an_unshipped_order_annuls_it_with_its_lines(staff, django_capture_on_commit_callbacks):
    """Refunded in full before it shipped, the order is cancelled: its note annuls the sale
    (code 01) with every line, once."""
    support, boss = staff
    order = make_order(prices=("59.90", "120.00"), quantities=(2, 1), document_type="dni", document=BUYER_DNI)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(order)
    refund = refund_request(payment=payment, amount=str(order.total), reason="Anulación", actor=support)
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=refund, actor=boss)
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    original = note.original
    assert note.series == "BC01" and note.reason_code == CreditReason.CANCELLATION
    assert note.source == f"cancel:{order.pk}"
    assert [(line.description, line.total) for line in note.lines.all()] == [
        (line.description, line.total) for line in original.lines.all()
    ]
    assert (note.total, note.igv_total) == (original.total, original.igv_total)
    assert receipts_issue_missing(notify=False) == (0, [])


def test_a_whole_refund_of_a_shipped_order_credits_every_line_with_reason_06(staff, django_capture_on_commit_callbacks):
    from tests.factories import ship_everything

    support, boss = staff
    order = make_order(prices=("59.90", "120.00"), quantities=(2, 1), document_type="dni", document=BUYER_DNI)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(order)
    ship_everything(Order.objects.get(pk=order.pk))
    refund = refund_request(payment=payment, amount=str(order.total), reason="Devuelto por el courier", actor=support)
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=refund, actor=boss)
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    assert (note.reason_code, note.source) == (CreditReason.TOTAL_RETURN, f"refund:{refund.pk}")
    assert [line.total for line in note.lines.all()] == [line.total for line in note.original.lines.all()]


def test_a_credit_note_never_exceeds_its_original_and_one_source_gets_one_note():
    order = make_order()
    pay(order)
    original = receipt_issue_for_order(order_id=order.pk)
    first = credit_note_issue(receipt=original, amount="10.00", reason_code="07", source="return:1")
    assert credit_note_issue(receipt=original, amount="10.00", reason_code="07", source="return:1").pk == first.pk
    with pytest.raises(ReceiptError, match="exceed|superar"):
        credit_note_issue(receipt=original, amount=str(original.total - Decimal("9.99")), reason_code="07")
    credit_note_issue(receipt=original, amount=str(original.total - Decimal("10.00")), reason_code="07")
    with pytest.raises(ReceiptError, match="exceed|superar"):
        credit_note_issue(receipt=original, amount="0.01", reason_code="07")
    assert original.credit_notes.count() == 2


@pytest.mark.parametrize(
    "amount, reason",
    [("0", "07"), ("-5", "07"), ("abc", "07"), ("1.001", "07"), ("NaN", "07"), ("5.00", "99"), ("5.00", "")],
)
def test_bad_credit_note_requests_are_refused(amount, reason):
    order = make_order()
    pay(order)
    original = receipt_issue_for_order(order_id=order.pk)
    with pytest.raises(ReceiptError):
        credit_note_issue(receipt=original, amount=amount, reason_code=reason)
    assert not original.credit_notes.exists()


def test_a_credit_note_cannot_refer_to_another_credit_note():
    order = make_order()
    pay(order)
    note = credit_note_issue(receipt=receipt_issue_for_order(order_id=order.pk), amount="5.00", reason_code="07")
    with pytest.raises(ReceiptError):
        credit_note_issue(receipt=note, amount="1.00", reason_code="07")


def test_the_sweep_issues_a_missing_credit_note(staff):
    support, boss = staff
    order = make_order()
    payment = pay(order)
    refund_approve(refund=refund_request(payment=payment, amount="5.00", reason="x", actor=support), actor=boss)
    issued, problems = receipts_issue_missing()  # the receipt and the credit note (both tasks lost)
    assert (issued, problems) == (2, [])
    assert Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE, total=Decimal("5.00")).count() == 1
    assert receipts_issue_missing() == (0, [])


def test_the_tasks_log_refusals_and_the_beat_heals_lost_receipts(settings, caplog):
    from core import jobs
    from receipts import tasks

    assert (
        next(work for work in jobs.registered() if work.name == "receipts.issue").sweep == tasks.issue_missing_receipts
    )
    unpaid = make_order()
    assert tasks.issue_receipt(unpaid.pk) == ""
    assert "not issued" in caplog.text
    paid = make_order()
    pay(paid)
    assert tasks.issue_missing_receipts() == 1
    assert tasks.issue_receipt(paid.pk) == Receipt.objects.get(order=paid).full_number
    assert tasks.issue_credit_note_for_refund(987654) == ""


def test_a_cancelled_paid_order_gets_one_note_that_annuls_it(django_capture_on_commit_callbacks):
    """Store credit goes back at once and the gateway part through a refund staff approve later:
    the sale is annulled once, with its lines, by one note (code 01) that both are covered by."""
    from credit.services import store_credit_issue, store_credit_spend
    from orders.services import order_cancel
    from payments.models import Refund
    from payments.services.refunds import refund_approve
    from receipts.services import credit_note_for_cancelled_order, credit_note_for_refund

    customer = UserFactory()
    order = make_order(customer=customer, email=customer.email, document_type="dni", document=BUYER_DNI)
    credit = store_credit_issue(customer=customer, amount="100.00")
    store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="100.00")
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)  # the rest (114.90) through the test gateway
    boleta = Receipt.objects.get(order=order, kind=ReceiptKind.BOLETA)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(
            order=Order.objects.get(pk=order.pk),
            actor=UserFactory(is_staff=True),
            reason="Sin stock",
            by_customer=False,
        )
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    assert (note.original, note.source, note.series) == (boleta, f"cancel:{order.pk}", "BC01")
    assert (note.total, note.reason_code) == (boleta.total, CreditReason.CANCELLATION)
    assert [(line.sku, line.quantity, line.total) for line in note.lines.all()] == [
        (line.sku, line.quantity, line.total) for line in boleta.lines.all()
    ]
    assert order.number in note.reason
    assert credit_note_for_cancelled_order(order_id=order.pk) == note  # replayed: the same note
    refund = Refund.objects.get(payment__order=order)
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=refund, actor=UserFactory(is_staff=True, is_superuser=True))
    assert credit_note_for_refund(refund_id=refund.pk) == note
    assert Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE).count() == 1
    assert receipts_issue_missing(notify=False) == (0, [])


def test_the_sweep_issues_a_lost_cancellation_note_and_an_unpaid_cancel_gets_none():
    from credit.services import store_credit_issue, store_credit_spend
    from orders.services import order_cancel
    from receipts.services import credit_note_for_cancelled_order

    customer = UserFactory()
    paid, unpaid = (make_order(customer=customer, email=customer.email) for _ in range(2))
    credit = store_credit_issue(customer=customer, amount="300.00")
    for order in (paid, unpaid):
        store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="50.00")
    pay(paid)
    for order in (paid, unpaid):  # no on-commit callbacks run here: the tasks are lost
        order_cancel(order=Order.objects.get(pk=order.pk), actor=customer, reason="", by_customer=True)
    assert credit_note_for_cancelled_order(order_id=unpaid.pk) is None
    assert not Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE).exists()
    issued, problems = receipts_issue_missing(notify=False)
    assert (issued, problems) == (2, [])  # the paid order's boleta, then its note
    note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    assert (note.order_id, note.total, note.source) == (paid.pk, paid.total, f"cancel:{paid.pk}")
    assert receipts_issue_missing(notify=False) == (0, [])


def test_the_sweep_leaves_causes_noted_the_old_way_alone(gateway_order, warehouse):
    """Store credit for a return noted on its own ("credit:<id>"), before notes were issued per
    return, is not credited a second time by the return's note."""
    from credit.models import StoreCredit
    from receipts.services import credit_note_issue
    from returns.services import return_resolve
    from tests.factories import received_return

    staff = UserFactory(is_staff=True, is_superuser=True)
    boleta = receipt_issue_for_order(order_id=gateway_order.pk)
    request = received_return(gateway_order, staff, warehouse)
    return_resolve(request=request, actor=staff)  # its on-commit note task never runs here
    credit = StoreCredit.objects.get(return_request=request)
    credit_note_issue(
        receipt=boleta, amount=credit.amount, reason_code=CreditReason.ITEM_RETURN, source=f"credit:{credit.pk}"
    )
    assert receipts_issue_missing(notify=False) == (0, [])
    assert Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE).count() == 1
