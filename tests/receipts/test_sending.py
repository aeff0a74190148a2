"""Sending to SUNAT (or an OSE) with sendBill, faked at the HTTP boundary with SUNAT's real
shapes (tests/receipts/fake_sunat.py): each state SUNAT's answer leads to, recorded whole
(accepted; accepted with observations, their codes kept; rejected, with SUNAT's code and text;
exception, SUNAT's "not received", sent again with backoff; sent, an answer lost on the way, asked
about with getStatusCdr before anything is sent again); nothing is sent without configuration;
the admin and receipts_pending say so."""

import json
from datetime import timedelta

import pytest
import requests
import responses
from celery.exceptions import Retry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from receipts.models import Receipt, SendStatus
from receipts.pending import SEND_RETRIES_SPAN, claim_span, receipts_to_send
from receipts.sending import SendUnavailable
from receipts.services import receipt_issue_for_order, receipt_send, receipts_resend
from receipts.tasks import submit_to_sunat
from tests.factories import UserFactory, make_certificate, pay
from tests.factories import make_priced_order as make_order
from tests.receipts.fake_sunat import send_bill_answer, soap_fault, status_cdr_answer

pytestmark = pytest.mark.django_db

URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"
CONSULT_URL = "https://e-factura.sunat.gob.pe/ol-it-wsconscpegem/billConsultService"


@pytest.fixture
def configured(tmp_path, settings):
    settings.SUNAT_CERT_PATH, _cert = make_certificate(tmp_path)
    settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = (
        URL,
        "20601234565MODDATOS",
        "moddatos",
    )
    settings.SUNAT_CONSULT_URL = CONSULT_URL
    return settings


def _receipt(**order) -> Receipt:
    order = make_order(**order)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def _claim_abandoned(receipt: Receipt) -> None:
    """Time passes: the claim of a send whose answer never came is older than two timeouts."""
    Receipt.objects.filter(pk=receipt.pk).update(send_claimed_at=timezone.now() - claim_span() - timedelta(seconds=1))


def _sent(call) -> str:
    return call.request.body.decode() if isinstance(call.request.body, bytes) else call.request.body


@responses.activate
def test_an_accepted_cdr_is_recorded_whole_and_the_zip_holds_the_signed_xml(configured):
    import base64
    import io
    import zipfile

    receipt = _receipt()
    responses.post(URL, body=send_bill_answer(receipt.file_name, description="La Boleta ha sido aceptada"))
    receipt = receipt_send(receipt_id=receipt.pk)
    assert (receipt.send_status, receipt.cdr_code, receipt.send_attempts) == (SendStatus.ACCEPTED, "0", 1)
    assert "aceptada" in receipt.cdr_message and "ApplicationResponse" in receipt.cdr_xml
    assert receipt.cdr_observations == [] and receipt.sent_at and receipt.send_claimed_at
    sent = _sent(responses.calls[0])
    assert "<wsse:Username>20601234565MODDATOS</wsse:Username>" in sent
    assert f"<fileName>{receipt.file_name}.zip</fileName>" in sent
    assert responses.calls[0].request.headers["SOAPAction"] == "urn:sendBill"
    content = sent.split("<contentFile>")[1].split("</contentFile>")[0]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(content))) as archive:
        assert archive.read(f"{receipt.file_name}.xml").decode() == receipt.xml
    assert receipt_send(receipt_id=receipt.pk).send_attempts == 1  # accepted: never sent again
    assert len(responses.calls) == 1


@responses.activate
def test_observations_are_kept_with_their_codes_and_rejections_with_sunats_text(configured):
    observed, observed_by_code, rejected, rejected_in_cdr = _receipt(), _receipt(), _receipt(), _receipt()
    notes = ["4252 - El dato ingresado como atributo @listName es incorrecto", "4287 - El precio unitario no cuadra"]
    responses.post(URL, body=send_bill_answer(observed.file_name, code="0", notes=notes))
    observed = receipt_send(receipt_id=observed.pk)
    assert (observed.send_status, observed.cdr_observations) == (SendStatus.OBSERVED, notes)
    assert "4252" in observed.cdr_message and "<cbc:Note>4287" in observed.cdr_xml
    responses.replace(
        responses.POST, URL, body=send_bill_answer(observed_by_code.file_name, code="4252", notes=notes[:1])
    )
    assert receipt_send(receipt_id=observed_by_code.pk).send_status == SendStatus.OBSERVED
    responses.replace(
        responses.POST,
        URL,
        body=soap_fault("2017", "El numero de documento de identidad del receptor debe ser RUC"),
        status=500,
    )
    rejected = receipt_send(receipt_id=rejected.pk)
    assert (rejected.send_status, rejected.cdr_code) == (SendStatus.REJECTED, "2017")
    assert "RUC" in rejected.cdr_message and rejected.cdr_xml == ""
    responses.replace(
        responses.POST,
        URL,
        body=send_bill_answer(rejected_in_cdr.file_name, code="2800", description="El dato ingresado no es valido"),
    )
    rejected_in_cdr = receipt_send(receipt_id=rejected_in_cdr.pk)
    assert (rejected_in_cdr.send_status, rejected_in_cdr.cdr_code) == (SendStatus.REJECTED, "2800")
    assert "ApplicationResponse" in rejected_in_cdr.cdr_xml  # the CDR of a rejection is kept too
    for receipt in (observed, rejected, rejected_in_cdr):  # answered: never sent again
        receipt_send(receipt_id=receipt.pk)
    assert len(responses.calls) == 4


@responses.activate
def test_not_received_is_an_exception_retried_with_backoff_and_sent_again_without_asking(configured):
    receipt = _receipt()
    responses.post(URL, body=soap_fault("0109", "El sistema de envio no esta disponible"), status=500)
    responses.post(URL, body=soap_fault("0130", "El sistema no puede responder su solicitud"), status=500)
    responses.post(URL, body=send_bill_answer(receipt.file_name))
    for attempt in range(2):
        with pytest.raises(Retry) as retry:
            submit_to_sunat.apply(args=[receipt.pk], retries=attempt).get()
        assert retry.value.when == 60 * 2**attempt
        receipt.refresh_from_db()
        assert receipt.send_status == SendStatus.EXCEPTION and receipt.cdr_code in ("0109", "0130")
    assert submit_to_sunat.apply(args=[receipt.pk], retries=2).get() == SendStatus.ACCEPTED
    receipt.refresh_from_db()
    assert receipt.send_attempts == 3 and receipt.cdr_code == "0"
    assert [call.request.url for call in responses.calls] == [URL] * 3  # SUNAT said "not received": no asking


@responses.activate
def test_an_answer_lost_on_the_way_leaves_it_sent_and_sunat_is_asked_before_sending_again(configured):
    """A connection cut after the request went out, a proxy's HTML page: SUNAT may have the
    document. It stays "sent"; while the claim may still be answered nobody touches it; then
    getStatusCdr: SUNAT has it (0004 and its CDR) and nothing is sent again."""
    receipt = _receipt()
    responses.post(URL, body=requests.ConnectionError("Connection aborted: RemoteDisconnected"))
    with pytest.raises(Retry):
        submit_to_sunat.apply(args=[receipt.pk], retries=0).get()
    receipt.refresh_from_db()
    assert (receipt.send_status, receipt.send_attempts) == (SendStatus.SENT, 1)
    with pytest.raises(SendUnavailable):  # the claim is fresh: its answer may still come
        receipt_send(receipt_id=receipt.pk)
    _claim_abandoned(receipt)
    responses.post(
        CONSULT_URL,
        body=status_cdr_answer("0004", "La constancia existe", file_name=receipt.file_name, notes=["4252 - Observado"]),
    )
    receipt = receipt_send(receipt_id=receipt.pk)
    assert (receipt.send_status, receipt.cdr_observations, receipt.send_attempts) == (
        SendStatus.OBSERVED,
        ["4252 - Observado"],
        1,
    )
    asked = _sent(responses.calls[1])
    assert responses.calls[1].request.headers["SOAPAction"] == "urn:getStatusCdr"
    assert f"<rucComprobante>{receipt.issuer_ruc}</rucComprobante>" in asked
    assert f"<serieComprobante>{receipt.series}</serieComprobante>" in asked
    assert f"<numeroComprobante>{receipt.number}</numeroComprobante>" in asked
    assert [call.request.url for call in responses.calls] == [URL, CONSULT_URL]  # sent once


@responses.activate
def test_a_document_sunat_does_not_have_is_sent_again_and_an_unclear_answer_waits(configured):
    receipt = _receipt()
    responses.post(URL, body="<html>Bad gateway</html>", status=502)
    with pytest.raises(SendUnavailable, match="502"):
        receipt_send(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    assert receipt.send_status == SendStatus.SENT and "502" in receipt.cdr_message
    _claim_abandoned(receipt)
    responses.post(CONSULT_URL, body=soap_fault("0109", "El sistema no esta disponible"), status=500)
    with pytest.raises(SendUnavailable):  # SUNAT cannot say: nothing is sent
        receipt_send(receipt_id=receipt.pk)
    assert Receipt.objects.get(pk=receipt.pk).send_status == SendStatus.SENT
    responses.replace(
        responses.POST, CONSULT_URL, body=status_cdr_answer("0011", "El comprobante de pago electronico no existe")
    )
    responses.replace(responses.POST, URL, body=send_bill_answer(receipt.file_name))
    receipt = receipt_send(receipt_id=receipt.pk)
    assert (receipt.send_status, receipt.send_attempts) == (SendStatus.ACCEPTED, 2)
    assert [call.request.url for call in responses.calls] == [URL, CONSULT_URL, CONSULT_URL, URL]


@responses.activate
def test_when_the_retries_run_out_the_sweep_and_staff_send_it_again(configured):
    receipt = _receipt()
    responses.post(URL, body=soap_fault("0109", "El sistema de envio no esta disponible"), status=500)
    assert submit_to_sunat.apply(args=[receipt.pk], retries=submit_to_sunat.max_retries).get() == "exception"
    receipt.refresh_from_db()
    assert receipt.send_status == SendStatus.EXCEPTION and "0109" in receipt.cdr_message
    cutoff = timezone.now()
    assert receipt not in receipts_to_send(cutoff)  # its task's retries are still within their span
    Receipt.objects.filter(pk=receipt.pk).update(issued_at=timezone.now() - SEND_RETRIES_SPAN - timedelta(minutes=1))
    assert receipt in receipts_to_send(cutoff)
    responses.replace(responses.POST, URL, body=send_bill_answer(receipt.file_name))
    assert receipts_resend(receipt_ids=[receipt.pk]) == 1
    assert receipt_send(receipt_id=receipt.pk).send_status == SendStatus.ACCEPTED
    assert receipts_resend(receipt_ids=[receipt.pk]) == 0  # accepted: nothing to resend


def test_a_send_left_sent_by_a_dead_worker_is_swept_once_its_claim_is_abandoned(configured):
    receipt = _receipt()
    Receipt.objects.filter(pk=receipt.pk).update(
        send_status=SendStatus.SENT, send_attempts=1, send_claimed_at=timezone.now()
    )
    assert receipt not in receipts_to_send(timezone.now())
    _claim_abandoned(receipt)
    assert receipt in receipts_to_send(timezone.now())


@responses.activate
def test_without_configuration_nothing_is_sent_and_receipts_stay_pending(settings):
    settings.SUNAT_SEND_URL = ""
    receipt = _receipt()
    assert receipt_send(receipt_id=receipt.pk).send_status == SendStatus.PENDING
    settings.SUNAT_SEND_URL, settings.SUNAT_CERT_PATH = URL, ""  # a URL but no certificate: still nothing
    assert receipt_send(receipt_id=receipt.pk).send_status == SendStatus.PENDING
    assert len(responses.calls) == 0


def test_receipts_pending_lists_what_is_not_accepted(settings, capsys):
    settings.SUNAT_SEND_URL = ""
    accepted, pending = _receipt(), _receipt()
    Receipt.objects.filter(pk=accepted.pk).update(send_status=SendStatus.ACCEPTED)
    call_command("receipts_pending", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert [row["number"] for row in rows] == [pending.full_number]
    assert rows[0]["status"] == "pending" and rows[0]["order"] == pending.order.number
    call_command("receipts_pending", format="csv")
    assert capsys.readouterr().out.splitlines()[1].startswith(f"3,{pending.full_number},")  # days left first
    call_command("receipts_pending")
    out = capsys.readouterr().out
    assert pending.full_number in out and accepted.full_number not in out and "no está configurado" in out


def test_the_admin_says_when_a_receipt_is_not_signed(client, settings):
    settings.SUNAT_SEND_URL, settings.SUNAT_CERT_PATH = URL, ""
    receipt = _receipt()
    assert not receipt.is_signed
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:receipts_receipt_changelist")).content.decode()
    assert "Sin firmar: no hay certificado" in listing
    page = client.get(reverse("admin:receipts_receipt_change", args=[receipt.pk])).content.decode()
    assert "XML firmado" not in page and "Sin firmar" in page


def test_the_admin_shows_status_xml_and_cdr_and_says_when_sending_is_off(client, configured):
    configured.SUNAT_SEND_URL = ""
    receipt = _receipt()
    assert receipt.is_signed
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:receipts_receipt_changelist") + "?send_status=pending").content.decode()
    assert receipt.full_number in listing
    assert "envío no configurado" in listing or "sending not configured" in listing
    page = client.get(reverse("admin:receipts_receipt_change", args=[receipt.pk])).content.decode()
    assert "Invoice" in page and "SUNAT_SEND_URL" in page
    response = client.post(
        reverse("admin:receipts_receipt_changelist"), {"action": "resend", "_selected_action": [receipt.pk]}
    )
    assert response.status_code == 302


def test_the_former_failed_becomes_an_exception_the_sweep_sends_again(settings):
    """Migration 0005's data step: 'failed' (retries ran out) meant what 'exception' means now."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("receipts.migrations.0005_debit_notes_and_sunat_answer")
    settings.SUNAT_SEND_URL = ""
    failed, accepted = _receipt(), _receipt()
    Receipt.objects.filter(pk=failed.pk).update(send_status="failed")
    Receipt.objects.filter(pk=accepted.pk).update(send_status=SendStatus.ACCEPTED)
    migration.failed_to_exception(apps, None)
    assert Receipt.objects.get(pk=failed.pk).send_status == SendStatus.EXCEPTION
    assert Receipt.objects.get(pk=accepted.pk).send_status == SendStatus.ACCEPTED
    assert SendStatus.FAILED is SendStatus.EXCEPTION  # code written against the old name still runs


@responses.activate
def test_a_number_sunat_already_has_is_asked_about_never_sent_again(configured):
    """A send whose answer was lost, sent again by hand elsewhere: SUNAT's fault 1033 ("registrado
    previamente") keeps it "sent" (not an exception to send again); the next attempt asks."""
    receipt = _receipt()
    responses.post(
        URL, body=soap_fault("1033", "El comprobante fue registrado previamente con otros datos"), status=500
    )
    with pytest.raises(SendUnavailable, match="1033"):
        receipt_send(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    assert receipt.send_status == SendStatus.SENT and "1033" in receipt.cdr_message
    _claim_abandoned(receipt)
    responses.post(CONSULT_URL, body=status_cdr_answer("0004", "La constancia existe", file_name=receipt.file_name))
    assert receipt_send(receipt_id=receipt.pk).send_status == SendStatus.ACCEPTED
    assert [call.request.url for call in responses.calls] == [URL, CONSULT_URL]
