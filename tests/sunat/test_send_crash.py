"""A worker that dies while sending a summary sends no second summary, proved with a real process
killed: `manage.py shell -c` sends a resumen diario to a fake SUNAT that is a real local HTTP
server; the fake takes the file (it is SUNAT's from then on) and holds its ticket while the process
is SIGKILLed. The claim committed before the call leaves the summary "sent" without a ticket; no
SUNAT service finds a summary's ticket again, so the sweep's recovery sends the same ID, which
SUNAT refuses as already presented (2223): the summary waits for staff's check, SUNAT holds one."""

import re

import pytest
from django.db import connection

from receipts.models import Receipt, SendStatus
from sunat import services
from sunat.models import Summary, SummaryStatus
from tests.receipts.fake_server import FakeSunat, kill_mid_request, sweep_once_the_claim_is_abandoned
from tests.receipts.fake_sunat import soap_fault


class FakeSummarySunat(FakeSunat):
    """billService's sendSummary as SUNAT answers it: a ticket for a new ID, fault 2223 for an ID
    it already took."""

    held_action = "urn:sendSummary"

    def answer(self, action: str, body: str) -> tuple[str, int]:
        if action != "urn:sendSummary":
            return soap_fault("0100", "El sistema no puede responder su solicitud"), 500
        file_name = re.search(r"<fileName>(.+?)\.zip</fileName>", body).group(1)
        self.received.append(file_name)
        if file_name in self.cdrs:
            return soap_fault("2223", "El archivo ya fue presentado anteriormente"), 500
        self.cdrs[file_name] = "0"
        return (
            '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            '<br:sendSummaryResponse xmlns:br="http://service.sunat.gob.pe"><ticket>1502889024345</ticket>'
            "</br:sendSummaryResponse></soap-env:Body></soap-env:Envelope>"
        ), 200


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_summary_leaves_one_summary_at_sunat_and_asks_staff(
    by_summary, sunat_service, issue_paid, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database through DATABASE_URL (PostgreSQL)")
    settings.SUNAT_SEND_URL = ""  # built without sending: the subprocess sends it
    boletas = [issue_paid(), issue_paid()]
    summary = services.daily_summary_build(reference_date=boletas[0].issue_date)
    assert summary.is_signed and summary.status == SummaryStatus.PENDING

    with FakeSummarySunat() as sunat:
        kill_mid_request(
            sunat,
            code=f"from sunat.services import summary_send; summary_send(summary_id={summary.pk})",
            env={
                "SUNAT_SEND_URL": sunat.url,
                "SUNAT_SEND_USER": "20601234565MODDATOS",
                "SUNAT_SEND_PASSWORD": "moddatos",
                "SUNAT_CERT_PATH": str(settings.SUNAT_CERT_PATH),
            },
        )
        assert sunat.received == [summary.file_name]
        summary.refresh_from_db()
        assert (summary.status, summary.ticket, summary.send_attempts) == (SummaryStatus.SENT, "", 1)

        # Recovery: the sweep (core.jobs) once the claim is abandoned (two send timeouts).
        settings.SUNAT_SEND_URL = sunat.url
        settings.SUNAT_SEND_TIMEOUT, settings.JOBS_OVERDUE_GRACE_SECONDS = 1, 0
        sweep_once_the_claim_is_abandoned("sunat.send")
        summary.refresh_from_db()
        assert (summary.status, summary.cdr_code, summary.send_attempts) == (SummaryStatus.CHECK, "2223", 2)
        assert services.summaries_resend(summary_ids=[summary.pk]) == 0  # staff check it, not resend it
        # SUNAT received the ID twice and took it once: one summary of these boletas, never two.
        assert sunat.received == [summary.file_name, summary.file_name] and list(sunat.cdrs) == [summary.file_name]
        assert set(Receipt.objects.filter(pk__in=[b.pk for b in boletas]).values_list("send_status", flat=True)) == {
            SendStatus.PENDING
        }
        assert Summary.objects.count() == 1
        assert services.daily_summary_build(reference_date=summary.reference_date) is None
