"""Real threads on PostgreSQL: correlatives without gaps or repeats under concurrent payments,
one receipt per order however many issue it at once, credit and debit notes never beyond the
original, one send of a receipt however many workers send or recover it at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import responses
from django.db import connection, transaction
from django.utils import timezone

from receipts import tasks
from receipts.models import Receipt, ReceiptKind
from receipts.services import ReceiptError, credit_note_issue, receipt_issue_for_order
from tests.factories import BUYER_DNI, BUYER_RUC, pay
from tests.factories import make_priced_order as make_order
from tests.threads import run_in_threads

THREADS = 12

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _issue_inline(monkeypatch):
    """The receipt task runs the service right in the paying thread's on_commit (eager Celery
    from many threads at once trips its process-wide flags); sending and e-mail are not the point."""
    monkeypatch.setattr(tasks.issue_receipt, "delay", lambda order_id: receipt_issue_for_order(order_id=order_id))
    monkeypatch.setattr(tasks.submit_to_sunat, "delay", lambda *a: None)
    monkeypatch.setattr(tasks.email_receipt, "delay", lambda *a: None)


def test_concurrent_payments_get_gapless_unique_numbers_per_series():
    orders = [
        make_order(document_type="ruc", document=BUYER_RUC)
        if i % 3 == 0
        else make_order(document_type="dni", document=BUYER_DNI)
        for i in range(THREADS)
    ]
    _results, errors = run_in_threads(lambda i: pay(orders[i]), THREADS)
    assert errors == []
    for series, kind in (("F001", ReceiptKind.FACTURA), ("B001", ReceiptKind.BOLETA)):
        numbers = sorted(Receipt.objects.filter(series=series).values_list("number", flat=True))
        expected = sum(1 for i in range(THREADS) if (i % 3 == 0) == (kind == ReceiptKind.FACTURA))
        assert numbers == list(range(1, expected + 1))
    assert Receipt.objects.count() == THREADS == len({r.order_id for r in Receipt.objects.all()})


def test_many_issuers_of_one_order_make_one_receipt():
    order = make_order()
    pay(order)  # issues it (inline) once
    Receipt.objects.all().delete()  # as if the task had been lost
    results, errors = run_in_threads(lambda i: receipt_issue_for_order(order_id=order.pk).pk, THREADS)
    assert errors == [] and len(set(results)) == 1
    assert Receipt.objects.filter(order=order).count() == 1


def test_a_rolled_back_issue_gives_its_number_back():
    first, second = make_order(), make_order()
    for order in (first, second):
        pay(order)
    Receipt.objects.all().delete()
    from core.models import Counter

    Counter.objects.filter(scope="receipt").delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        receipt_issue_for_order(order_id=first.pk)
        raise RuntimeError("the transaction fails after the insert")
    assert receipt_issue_for_order(order_id=second.pk).number == 1
    assert receipt_issue_for_order(order_id=first.pk).number == 2


def test_concurrent_credit_notes_never_exceed_the_original():
    order = make_order(prices=("100.00",), shipping="0.00")
    pay(order)
    original = Receipt.objects.get(order=order)

    def credit(index):
        try:
            return credit_note_issue(receipt=original, amount="30.00", reason_code="07").total
        except ReceiptError:
            return Decimal("0")

    results, errors = run_in_threads(credit, THREADS)
    assert errors == []
    credited = sum(original.credit_notes.values_list("total", flat=True))
    assert credited == sum(results) == Decimal("90.00")
    numbers = sorted(original.credit_notes.values_list("number", flat=True))
    assert numbers == [1, 2, 3]


@responses.activate
def test_many_senders_of_one_receipt_send_it_once_and_many_recoveries_too(tmp_path, settings):
    """Twelve workers send the same receipt at once: one claim, one sendBill. Then the same after a
    lost answer: every recovery asks SUNAT (it does not have it), one claim, one sendBill again."""
    from receipts.pending import claim_span
    from receipts.sending import SendUnavailable
    from receipts.services import receipt_send
    from tests.factories import make_certificate
    from tests.receipts.fake_sunat import send_bill_answer, status_cdr_answer

    settings.SUNAT_CERT_PATH, _cert = make_certificate(tmp_path)
    url = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"
    settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = url, "u", "p"
    settings.SUNAT_CONSULT_URL = url.replace("billService", "billConsultService")
    first, second = make_order(), make_order()
    for order in (first, second):
        pay(order)
    receipt, lost = (Receipt.objects.get(order=order) for order in (first, second))

    def send(_index):
        try:
            return receipt_send(receipt_id=receipt.pk).send_status
        except SendUnavailable:
            return "in flight"

    responses.post(url, body=send_bill_answer(receipt.file_name))
    results, errors = run_in_threads(send, THREADS)
    assert errors == [] and "accepted" in results
    assert [call.request.url for call in responses.calls] == [url]
    receipt.refresh_from_db()
    assert (receipt.send_status, receipt.send_attempts) == ("accepted", 1)

    Receipt.objects.filter(pk=lost.pk).update(
        send_status="sent", send_attempts=1, send_claimed_at=timezone.now() - claim_span() - timedelta(seconds=1)
    )
    receipt = lost
    responses.post(settings.SUNAT_CONSULT_URL, body=status_cdr_answer("0011", "El comprobante no existe"))
    responses.replace(responses.POST, url, body=send_bill_answer(lost.file_name))
    results, errors = run_in_threads(send, THREADS)
    assert errors == []
    sends = [call for call in responses.calls[1:] if call.request.url == url]
    assert len(sends) == 1
    lost.refresh_from_db()
    assert (lost.send_status, lost.send_attempts) == ("accepted", 2)


def test_concurrent_debit_notes_never_exceed_the_original():
    from receipts.services import debit_note_issue

    order = make_order()
    pay(order)
    original = Receipt.objects.get(order=order)
    share = (original.total / 5).quantize(Decimal("0.01"))

    def issue(_index):
        try:
            return debit_note_issue(
                original_id=original.pk, amount=share, reason_code="02", reason="Ajuste", actor=None
            )
        except ReceiptError:
            return None

    results, errors = run_in_threads(issue, THREADS)
    assert errors == []
    notes = Receipt.objects.filter(original=original, kind=ReceiptKind.DEBIT_NOTE)
    assert notes.count() == 5 and sum(notes.values_list("total", flat=True)) <= original.total
    assert sorted(notes.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
