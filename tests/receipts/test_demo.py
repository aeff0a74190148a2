"""The demo step: every paid order gets its receipt, through the issuing service; a second run
changes nothing; nobody is e-mailed."""

import pytest
from django.core import mail

from demo.management.commands.demo_data import DEMO_STEPS, ensure_demo_receipts
from receipts.models import Receipt
from tests.receipts.helpers import BUYER_RUC, make_order, pay

pytestmark = pytest.mark.django_db


def test_every_paid_order_gets_its_receipt_and_a_second_run_changes_nothing(django_capture_on_commit_callbacks):
    paid = [make_order(), make_order(document_type="ruc", document=BUYER_RUC)]
    for order in paid:
        pay(order)
    unpaid = make_order()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ensure_demo_receipts()
    assert len(callbacks) == 2  # each receipt's sending is enqueued; no e-mail
    assert sorted(Receipt.objects.values_list("order_id", flat=True)) == sorted(order.pk for order in paid)
    assert not Receipt.objects.filter(order=unpaid).exists()
    assert {r.series for r in Receipt.objects.all()} == {"B001", "F001"}
    snapshot = list(Receipt.objects.order_by("pk").values_list("pk", "series", "number", "total"))
    ensure_demo_receipts()
    assert list(Receipt.objects.order_by("pk").values_list("pk", "series", "number", "total")) == snapshot
    assert mail.outbox == []
    assert DEMO_STEPS[-1] is ensure_demo_receipts
