"""A worker that dies mid-send loses nothing and sends nothing twice, proved with a real process
killed: `manage.py shell -c` sends a receipt to a fake SUNAT that is a real local HTTP server
(answering SUNAT's real SOAP and CDR shapes); the fake holds the request (SUNAT has the document,
its answer is on the way) while the process is SIGKILLed. The claim the process committed before
its HTTP call leaves the receipt "sent"; the sweep's recovery asks SUNAT (getStatusCdr), records
the CDR SUNAT already has, and never sends the document again."""

import pytest
from django.conf import settings as django_settings
from django.db import connection

from receipts.models import Receipt, SendStatus
from receipts.services import receipt_issue_for_order
from tests.factories import make_priced_order, pay
from tests.receipts.fake_server import FakeSunat, kill_mid_request, sweep_once_the_claim_is_abandoned


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(certificate, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database through DATABASE_URL (PostgreSQL)")
    settings.SUNAT_SEND_URL = ""  # issued without sending: the subprocess sends it
    order = make_priced_order()
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    assert receipt.is_signed and receipt.send_status == SendStatus.PENDING

    with FakeSunat() as sunat:
        kill_mid_request(
            sunat,
            code=f"from receipts.services import receipt_send; receipt_send(receipt_id={receipt.pk})",
            env={
                "SUNAT_SEND_URL": sunat.url,
                "SUNAT_SEND_USER": "20601234565MODDATOS",
                "SUNAT_SEND_PASSWORD": "moddatos",
                "SUNAT_CERT_PATH": str(django_settings.SUNAT_CERT_PATH),
            },
        )
        assert sunat.received == [receipt.file_name]
        receipt.refresh_from_db()
        assert (receipt.send_status, receipt.send_attempts, receipt.cdr_xml) == (SendStatus.SENT, 1, "")

        # Recovery: the sweep (core.jobs) once the claim is abandoned (two send timeouts).
        settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = sunat.url, "u", "p"
        settings.SUNAT_SEND_TIMEOUT, settings.JOBS_OVERDUE_GRACE_SECONDS = 1, 0
        sweep_once_the_claim_is_abandoned("receipts.send")
        receipt.refresh_from_db()
        assert receipt.send_status == SendStatus.ACCEPTED and receipt.cdr_code == "0"
        assert f"<cbc:ReferenceID>{receipt.series}-{receipt.number}</cbc:ReferenceID>" in receipt.cdr_xml
        assert sunat.received == [receipt.file_name]  # SUNAT received the document exactly once
        assert sunat.asked == [receipt.file_name]  # recovery asked before anything else
        assert Receipt.objects.get(pk=receipt.pk).send_attempts == 1
