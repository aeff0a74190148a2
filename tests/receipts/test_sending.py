"""Sending to SUNAT (or an OSE) with sendBill, faked at the HTTP boundary: the CDR's answer is
recorded (accepted, observed, rejected), outages are retried with backoff and end failed,
nothing is sent without configuration; the admin and receipts_pending say so."""

import base64
import io
import json
import zipfile

import pytest
import requests
import responses
from celery.exceptions import Retry
from django.core.management import call_command
from django.urls import reverse

from receipts.models import Receipt, SendStatus
from receipts.services import receipt_issue_for_order, receipt_send, receipts_resend
from receipts.tasks import submit_to_sunat
from tests.factories import UserFactory, make_certificate, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def cdr_response(file_name: str, *, code: str = "0", description: str = "La Factura ha sido aceptada", notes=()) -> str:
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    cdr = (
        '<?xml version="1.0" encoding="UTF-8"?><ar:ApplicationResponse '
        'xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"{notes_xml}<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{file_name}</cbc:ReferenceID>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode><cbc:Description>{description}</cbc:Description>"
        "</cac:Response></cac:DocumentResponse></ar:ApplicationResponse>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"R-{file_name}.xml", cdr)
    content = base64.b64encode(buffer.getvalue()).decode()
    return (
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
        '<br:sendBillResponse xmlns:br="http://service.sunat.gob.pe">'
        f"<applicationResponse>{content}</applicationResponse></br:sendBillResponse></soap-env:Body>"
        "</soap-env:Envelope>"
    )


def soap_fault(code: str, message: str) -> str:
    return (
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
        f"<soap-env:Fault><faultcode>soap-env:Client.{code}</faultcode><faultstring>{message}</faultstring>"
        "</soap-env:Fault></soap-env:Body></soap-env:Envelope>"
    )


URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"


@pytest.fixture
def configured(tmp_path, settings):
    settings.SUNAT_CERT_PATH, _cert = make_certificate(tmp_path)
    settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = (
        URL,
        "20601234565MODDATOS",
        "moddatos",
    )
    return settings


def _receipt() -> Receipt:
    order = make_order()
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


@responses.activate
def test_an_accepted_cdr_is_recorded_and_the_zip_holds_the_signed_xml(configured):
    receipt = _receipt()
    responses.post(URL, body=cdr_response(receipt.file_name, description="La Boleta ha sido aceptada"))
    receipt = receipt_send(receipt_id=receipt.pk)
    assert (receipt.send_status, receipt.cdr_code, receipt.send_attempts) == (SendStatus.ACCEPTED, "0", 1)
    assert "aceptada" in receipt.cdr_message and "ApplicationResponse" in receipt.cdr_xml
    sent = responses.calls[0].request.body.decode()
    assert "<wsse:Username>20601234565MODDATOS</wsse:Username>" in sent
    assert f"<fileName>{receipt.file_name}.zip</fileName>" in sent
    content = sent.split("<contentFile>")[1].split("</contentFile>")[0]
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(content))) as archive:
        assert archive.read(f"{receipt.file_name}.xml").decode() == receipt.xml
    assert receipt_send(receipt_id=receipt.pk).send_attempts == 1  # accepted: never sent again
    assert len(responses.calls) == 1


@responses.activate
def test_observations_and_rejections_are_recorded(configured):
    observed, rejected = _receipt(), _receipt()
    responses.post(
        URL,
        body=cdr_response(
            observed.file_name,
            code="4252",
            description="Aceptada con observaciones",
            notes=["4252 - El dato ingresado como atributo @listName es incorrecto"],
        ),
    )
    assert receipt_send(receipt_id=observed.pk).send_status == SendStatus.OBSERVED
    responses.replace(
        responses.POST,
        URL,
        body=soap_fault("2017", "El numero de documento de identidad del receptor debe ser RUC"),
        status=500,
    )
    rejected = receipt_send(receipt_id=rejected.pk)
    assert (rejected.send_status, rejected.cdr_code) == (SendStatus.REJECTED, "2017")
    assert "RUC" in rejected.cdr_message


@responses.activate
def test_outages_are_retried_with_backoff_then_marked_failed_and_staff_can_resend(configured):
    receipt = _receipt()
    responses.post(URL, body=requests.ConnectionError("down"))
    responses.post(URL, body=soap_fault("0109", "El sistema de envio no esta disponible"), status=500)
    responses.post(URL, body="<html>Bad gateway</html>", status=502)
    for attempt in range(2):  # a connection error, then SUNAT's "not available" (0109): retried later
        with pytest.raises(Retry) as retry:
            submit_to_sunat.apply(args=[receipt.pk], retries=attempt).get()
        assert retry.value.when == 60 * 2**attempt
        assert Receipt.objects.get(pk=receipt.pk).send_status == SendStatus.PENDING
    assert submit_to_sunat.apply(args=[receipt.pk], retries=submit_to_sunat.max_retries).get() == "failed"  # a 502
    receipt.refresh_from_db()
    assert receipt.send_status == SendStatus.FAILED and receipt.send_attempts == 3 and "502" in receipt.cdr_message
    responses.replace(responses.POST, URL, body=cdr_response(receipt.file_name))
    assert receipts_resend(receipt_ids=[receipt.pk]) == 1
    assert receipt_send(receipt_id=receipt.pk).send_status == SendStatus.ACCEPTED


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
    assert capsys.readouterr().out.splitlines()[1].startswith(pending.full_number)
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
