"""Summaries to SUNAT, faked at the HTTP boundary with SUNAT's real shapes: sendSummary answers a
ticket; getStatus answers 98 (in process) until 0 (the CDR: accepted, or observed) or 99 (rejected);
faults 0100–1999 are retried with backoff and end failed; 2000+ reject. The boletas a summary added
take its answer."""

import base64
import io
import zipfile
from datetime import timedelta

import pytest
import requests
import responses
from celery.exceptions import Retry
from django.utils import timezone
from lxml import etree

from receipts.models import SendStatus
from receipts.pending import claim_span
from receipts.sending import SendUnavailable
from sunat import services
from sunat.models import Summary, SummaryStatus
from sunat.tasks import poll_summary, send_summary

pytestmark = pytest.mark.django_db
SUNAT_URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"  # as the sunat_service fixture sets it


def _sent_envelope(call) -> etree._Element:
    return etree.fromstring(call.request.body)


@pytest.fixture
def built(by_summary, sunat_service, issue_paid):
    """A signed resumen diario of yesterday's two boletas, pending to send."""
    boletas = [issue_paid(), issue_paid()]
    summary = services.daily_summary_build(reference_date=boletas[0].issue_date)
    return summary, boletas


@responses.activate
def test_send_keeps_the_ticket_then_98_then_0_accepts_it_and_its_boletas(built, sunat_answers):
    summary, boletas = built
    responses.post(SUNAT_URL, body=sunat_answers.ticket("1502889024345"))
    sent = services.summary_send(summary_id=summary.pk)
    assert sent.status == SummaryStatus.SENT and sent.ticket == "1502889024345" and sent.send_attempts == 1

    envelope = _sent_envelope(responses.calls[0])
    assert responses.calls[0].request.headers["SOAPAction"] == "urn:sendSummary"
    assert envelope.findtext(".//{*}Username") == "20601234565MODDATOS"
    assert envelope.findtext(".//fileName") == f"{summary.file_name}.zip"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(envelope.findtext(".//contentFile")))) as archive:
        assert archive.namelist() == [f"{summary.file_name}.xml"]
        assert archive.read(f"{summary.file_name}.xml").decode() == summary.xml

    responses.replace(responses.POST, SUNAT_URL, body=sunat_answers.status("98"))
    assert services.summary_poll(summary_id=summary.pk).status == SummaryStatus.SENT
    assert "<ticket>1502889024345</ticket>" in responses.calls[1].request.body.decode()
    responses.replace(responses.POST, SUNAT_URL, body=sunat_answers.status("0", summary.file_name))
    answered = services.summary_poll(summary_id=summary.pk)
    assert answered.status == SummaryStatus.ACCEPTED and answered.cdr_code == "0" and answered.poll_attempts == 2
    assert "ApplicationResponse" in answered.cdr_xml and answered.answered_at is not None
    for boleta in boletas:
        boleta.refresh_from_db()
        assert boleta.send_status == SendStatus.ACCEPTED and summary.identifier in boleta.cdr_message
    # Answered: asking again changes nothing and calls nobody.
    assert services.summary_poll(summary_id=summary.pk).status == SummaryStatus.ACCEPTED
    assert len(responses.calls) == 3


@responses.activate
def test_observations_are_kept(built, sunat_answers):
    summary, boletas = built
    Summary.objects.filter(pk=summary.pk).update(status=SummaryStatus.SENT, ticket="77")
    responses.post(
        SUNAT_URL,
        body=sunat_answers.status("0", summary.file_name, notes=["4203 - El motivo de baja es muy corto"]),
    )
    assert services.summary_poll(summary_id=summary.pk).status == SummaryStatus.OBSERVED
    boletas[0].refresh_from_db()
    assert boletas[0].send_status == SendStatus.OBSERVED


@responses.activate
def test_99_rejects_the_summary_and_its_boletas_with_sunats_code(built, sunat_answers):
    summary, boletas = built
    Summary.objects.filter(pk=summary.pk).update(status=SummaryStatus.SENT, ticket="77")
    responses.post(
        SUNAT_URL,
        body=sunat_answers.status("99", summary.file_name, code="2282", description="El comprobante ya fue informado"),
    )
    rejected = services.summary_poll(summary_id=summary.pk)
    assert rejected.status == SummaryStatus.REJECTED and rejected.cdr_code == "2282"
    boletas[1].refresh_from_db()
    assert boletas[1].send_status == SendStatus.REJECTED and boletas[1].cdr_code == "2282"


@responses.activate
def test_a_fault_2000_rejects_at_sending(built, sunat_answers):
    summary, _boletas = built
    responses.post(
        SUNAT_URL, body=sunat_answers.fault("2220", "El ID debe coincidir con el nombre del archivo"), status=500
    )
    rejected = services.summary_send(summary_id=summary.pk)
    assert rejected.status == SummaryStatus.REJECTED and rejected.cdr_code == "2220" and not rejected.ticket


@responses.activate
def test_outages_are_retried_with_backoff_then_fail_and_staff_send_again(built, sunat_answers):
    summary, _boletas = built
    responses.post(SUNAT_URL, body=requests.ConnectionError("refused"))
    responses.post(SUNAT_URL, body=sunat_answers.fault("0109", "El sistema de envio no esta disponible"), status=500)
    responses.post(SUNAT_URL, body="<html>Bad gateway</html>", status=502)
    for attempt in range(2):
        with pytest.raises(Retry) as retry:
            send_summary.apply(args=[summary.pk], retries=attempt).get()
        assert retry.value.when == 60 * 2**attempt
        # Maybe taken (a cut connection, a gateway's page) or not (fault 0109): claimed either way
        # until its claim is abandoned (the retry comes after it), then sent again with its ID.
        claimed = Summary.objects.get(pk=summary.pk)
        assert (claimed.status, claimed.ticket) in {(SummaryStatus.SENT, ""), (SummaryStatus.PENDING, "")}
        Summary.objects.filter(pk=summary.pk).update(sent_at=timezone.now() - claim_span() - timedelta(seconds=1))
    assert send_summary.apply(args=[summary.pk], retries=send_summary.max_retries).get() == "failed"
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.FAILED and summary.send_attempts == 3 and "502" in summary.cdr_message

    responses.replace(responses.POST, SUNAT_URL, body=sunat_answers.ticket("42"))
    assert services.summaries_resend(summary_ids=[summary.pk]) == 1
    assert services.summary_send(summary_id=summary.pk).ticket == "42"
    assert services.summaries_resend(summary_ids=[summary.pk]) == 0  # sent: nothing to resend


@responses.activate
def test_a_ticket_is_asked_again_while_in_process_or_unreachable_then_fails(built, sunat_answers):
    summary, _boletas = built
    Summary.objects.filter(pk=summary.pk).update(status=SummaryStatus.SENT, ticket="77")
    responses.post(SUNAT_URL, body=sunat_answers.status("98"))
    responses.post(
        SUNAT_URL, body=sunat_answers.fault("0130", "El sistema no puede responder su solicitud"), status=500
    )
    for attempt in range(2):
        with pytest.raises(Retry):
            poll_summary.apply(args=[summary.pk], retries=attempt).get()
    responses.post(SUNAT_URL, body=sunat_answers.status("98"))
    assert poll_summary.apply(args=[summary.pk], retries=poll_summary.max_retries).get() == "failed"
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.FAILED and summary.ticket == "77"
    # Staff's resend asks about the same ticket instead of sending the summary twice.
    responses.replace(responses.POST, SUNAT_URL, body=sunat_answers.status("0", summary.file_name))
    assert services.summaries_resend(summary_ids=[summary.pk]) == 1
    assert Summary.objects.get(pk=summary.pk).status == SummaryStatus.SENT
    assert poll_summary.apply(args=[summary.pk]).get() == SummaryStatus.ACCEPTED


@responses.activate
def test_an_unreadable_answer_is_an_outage(built):
    summary, _boletas = built
    responses.post(SUNAT_URL, body="<soap-env:Envelope xmlns:soap-env='http://schemas.xmlsoap.org/soap/envelope/'/>")
    with pytest.raises(SendUnavailable):
        services.summary_send(summary_id=summary.pk)
    claimed = Summary.objects.get(pk=summary.pk)  # maybe taken: claimed, no ticket, until abandoned
    assert (claimed.status, claimed.ticket, claimed.send_attempts) == (SummaryStatus.SENT, "", 1)
    with pytest.raises(SendUnavailable, match="another attempt"):
        services.summary_send(summary_id=summary.pk)  # its claim is fresh: not sent again yet
    assert len(responses.calls) == 1


@responses.activate
def test_a_summary_sent_again_after_a_lost_ticket_and_refused_as_presented_waits_for_a_check(built, sunat_answers):
    """SUNAT took the first sending (its ticket was lost); the same ID again is refused with 2223
    'ya fue presentado': that says nothing of the boletas, so the summary waits for staff's check
    and the boletas keep their status."""
    summary, boletas = built
    Summary.objects.filter(pk=summary.pk).update(
        status=SummaryStatus.SENT, sent_at=timezone.now() - claim_span() - timedelta(seconds=1), send_attempts=1
    )
    responses.post(
        SUNAT_URL, body=sunat_answers.fault("2223", "El archivo ya fue presentado anteriormente"), status=500
    )
    checked = services.summary_send(summary_id=summary.pk)
    assert (checked.status, checked.cdr_code, checked.send_attempts) == (SummaryStatus.CHECK, "2223", 2)
    assert {r.send_status for r in type(boletas[0]).objects.filter(pk__in=[b.pk for b in boletas])} == {
        SendStatus.PENDING
    }
    # Never sent again by itself, nor by staff's resend, and it still holds its boletas.
    assert services.summary_send(summary_id=summary.pk).status == SummaryStatus.CHECK
    assert services.summaries_resend(summary_ids=[summary.pk]) == 0
    assert services.daily_summary_build(reference_date=summary.reference_date) is None
    assert len(responses.calls) == 1


@responses.activate
def test_without_configuration_nothing_is_sent(by_summary, issue_paid, settings):
    settings.SUNAT_SEND_URL = ""
    boleta = issue_paid()
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    assert not summary.is_signed  # no certificate either
    assert services.summary_send(summary_id=summary.pk).status == SummaryStatus.PENDING
    assert len(responses.calls) == 0


def test_by_summary_receipts_own_sending_leaves_boletas_to_it(by_summary, sunat_service, issue_paid):
    from receipts.services import receipt_send

    boleta = issue_paid(days_ago=0)
    with responses.RequestsMock() as mock:  # nothing may be posted
        assert receipt_send(receipt_id=boleta.pk).send_status == SendStatus.PENDING
        assert len(mock.calls) == 0


def test_the_sweep_finds_summaries_whose_task_was_lost(built):
    from datetime import timedelta

    from django.utils import timezone

    from core import jobs
    from sunat import pending

    summary, _boletas = built
    later = timezone.now() + timedelta(hours=1)
    assert list(pending.summaries_to_send(later)) == [summary]
    Summary.objects.filter(pk=summary.pk).update(
        status=SummaryStatus.SENT, ticket="77", sent_at=timezone.now() - timedelta(hours=10)
    )
    assert list(pending.summaries_to_poll(later)) == [summary]
    assert {"sunat.send", "sunat.poll"} <= {work.name for work in jobs.registered()}
