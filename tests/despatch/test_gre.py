"""SUNAT's GRE REST API faked at the HTTP boundary (responses) with its real shapes: the token from
api-seguridad, the zipped XML with its hash, the ticket answered 98 (in process), 0 (with the CDR)
or 99 (with the error)."""

import base64
import hashlib
import io
import json
import zipfile

import pytest
import requests
import responses
from django.core.cache import cache

from despatch import gre, services
from despatch.gre import GreInProcess, GreUnavailable
from despatch.models import DespatchAdvice, GuideStatus

TOKEN_URL = "https://api-seguridad.sunat.gob.pe/v1/clientessol/gre-client-id/oauth2/token/"
API = "https://api-cpe.sunat.gob.pe/v1/contribuyente/gem/comprobantes"
QR = "https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr=abc123"


def _cdr(name: str, code: str = "0", description: str = "La Guia ha sido aceptada", notes=()) -> str:
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ar:ApplicationResponse xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"<cbc:ID>1732000000000</cbc:ID>{notes_xml}"
        "<cac:DocumentResponse><cac:Response>"
        f"<cbc:ReferenceID>T001-1</cbc:ReferenceID><cbc:ResponseCode>{code}</cbc:ResponseCode>"
        f"<cbc:Description>{description}</cbc:Description></cac:Response>"
        f"<cac:DocumentReference><cbc:ID>T001-1</cbc:ID><cbc:DocumentDescription>{QR}</cbc:DocumentDescription>"
        "</cac:DocumentReference></cac:DocumentResponse></ar:ApplicationResponse>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"R-{name}.xml", xml)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def gre_configured(settings, gre_certificate):
    settings.SUNAT_GRE_CLIENT_ID, settings.SUNAT_GRE_CLIENT_SECRET = "gre-client-id", "gre-secret"
    settings.SUNAT_GRE_USER, settings.SUNAT_GRE_PASSWORD = "20601234565MODDATOS", "moddatos"
    cache.delete(gre.TOKEN_CACHE_KEY)


def _token(rsps, token="eyJhbGciOiJSUzI1NiJ9.token-1", expires=3600):
    return rsps.add(responses.POST, TOKEN_URL, json={"access_token": token, "token_type": "JWT", "expires_in": expires})


def _issue(gre_store, by_carrier):
    # On commit the task would send it at once: issued outside the send, sent by hand below.
    return services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)


@pytest.mark.django_db
@responses.activate
def test_sent_with_its_zip_and_hash_then_accepted_with_the_cdr_and_qr(gre_store, by_carrier, gre_configured):
    guia = _issue(gre_store, by_carrier)
    token = _token(responses)
    sent = responses.add(
        responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "9a8b7c", "fecRecepcion": "2026-11-25T10:00:00"}
    )
    responses.add(responses.GET, f"{API}/envios/9a8b7c", json={"codRespuesta": "98"})
    responses.add(
        responses.GET,
        f"{API}/envios/9a8b7c",
        json={"codRespuesta": "0", "arcCdr": _cdr(guia.file_name), "indCdrGenerado": "1"},
    )
    with pytest.raises(GreInProcess):
        services.guia_send(advice_id=guia.pk)
    guia.refresh_from_db()
    assert (guia.status, guia.ticket) == (GuideStatus.SENT, "9a8b7c")
    body = json.loads(sent.calls[0].request.body)["archivo"]
    archive = base64.b64decode(body["arcGreZip"])
    assert body["nomArchivo"] == f"{guia.file_name}.zip"
    assert body["hashZip"] == hashlib.sha256(archive).hexdigest()
    assert zipfile.ZipFile(io.BytesIO(archive)).read(f"{guia.file_name}.xml").decode() == guia.xml
    assert sent.calls[0].request.headers["Authorization"] == "Bearer eyJhbGciOiJSUzI1NiJ9.token-1"
    grant = dict(pair.split("=") for pair in token.calls[0].request.body.split("&"))
    assert (grant["grant_type"], grant["username"]) == ("password", "20601234565MODDATOS")
    guia = services.guia_send(advice_id=guia.pk)  # the task's retry: asks the same ticket, sends nothing again
    assert (guia.status, guia.cdr_code, guia.qr_url) == (GuideStatus.ACCEPTED, "0", QR)
    assert "ApplicationResponse" in guia.cdr_xml
    assert sent.call_count == 1 and token.call_count == 1  # the token was kept


@pytest.mark.django_db
@responses.activate
def test_a_rejection_keeps_sunats_code_and_text(gre_store, by_carrier, gre_configured):
    guia = _issue(gre_store, by_carrier)
    _token(responses)
    responses.add(responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "t-99"})
    responses.add(
        responses.GET,
        f"{API}/envios/t-99",
        json={
            "codRespuesta": "99",
            "error": {"numError": "2776", "desError": "El ubigeo del punto de llegada no es válido"},
            "indCdrGenerado": "1",
            "arcCdr": _cdr(guia.file_name, code="2776", description="El ubigeo no es válido"),
        },
    )
    guia = services.guia_send(advice_id=guia.pk)
    assert (guia.status, guia.cdr_code) == (GuideStatus.REJECTED, "2776")
    assert "ubigeo" in guia.cdr_message and guia.cdr_xml


@pytest.mark.django_db
@responses.activate
def test_an_observed_guia_is_accepted_with_its_notes(gre_store, by_carrier, gre_configured):
    guia = _issue(gre_store, by_carrier)
    _token(responses)
    responses.add(responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "t-obs"})
    cdr = _cdr(guia.file_name, code="4409", notes=["4409 - El nombre del conductor es corto"])
    responses.add(
        responses.GET, f"{API}/envios/t-obs", json={"codRespuesta": "0", "arcCdr": cdr, "indCdrGenerado": "1"}
    )
    guia = services.guia_send(advice_id=guia.pk)
    assert guia.status == GuideStatus.OBSERVED and "4409" in guia.cdr_message


@pytest.mark.django_db
@responses.activate
def test_an_expired_token_is_renewed_once(gre_store, by_carrier, gre_configured):
    guia = _issue(gre_store, by_carrier)
    cache.set(gre.TOKEN_CACHE_KEY, "old-token", 60)
    token = _token(responses, token="new-token")
    responses.add(responses.POST, f"{API}/{guia.file_name}", status=401, json={"msg": "token expirado"})
    sent = responses.add(responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "t-1"})
    responses.add(responses.GET, f"{API}/envios/t-1", json={"codRespuesta": "98"})
    with pytest.raises(GreInProcess):
        services.guia_send(advice_id=guia.pk)
    assert token.call_count == 1 and sent.calls[-1].request.headers["Authorization"] == "Bearer new-token"
    assert cache.get(gre.TOKEN_CACHE_KEY) == "new-token"


@pytest.mark.django_db
@responses.activate
@pytest.mark.parametrize("status", [500, 503, 429])
def test_http_errors_are_retried_later_and_nothing_is_recorded(gre_store, by_carrier, gre_configured, status):
    guia = _issue(gre_store, by_carrier)
    _token(responses)
    responses.add(responses.POST, f"{API}/{guia.file_name}", status=status, body="<html>error</html>")
    with pytest.raises(GreUnavailable):
        services.guia_send(advice_id=guia.pk)
    guia.refresh_from_db()
    assert (guia.status, guia.ticket, guia.send_attempts) == (GuideStatus.PENDING, "", 1)


@pytest.mark.django_db
@responses.activate
def test_wrong_credentials_are_not_lost_silently(gre_store, by_carrier, gre_configured):
    guia = _issue(gre_store, by_carrier)
    responses.add(
        responses.POST, TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "Usuario no válido"}
    )
    with pytest.raises(GreUnavailable, match="Usuario no válido"):
        services.guia_send(advice_id=guia.pk)
    services.guia_send_give_up(advice_id=guia.pk, error="token refused: Usuario no válido")
    guia.refresh_from_db()
    assert guia.status == GuideStatus.EXCEPTION
    assert services.guias_resend(advice_ids=[guia.pk]) == 1


@pytest.mark.django_db
def test_without_configuration_a_guia_waits_pending(gre_store, by_carrier):
    guia = _issue(gre_store, by_carrier)
    assert services.guia_send(advice_id=guia.pk).status == GuideStatus.PENDING
    assert DespatchAdvice.objects.get(pk=guia.pk).send_attempts == 0


@pytest.mark.django_db
@responses.activate
def test_the_task_asks_again_then_gives_up_to_an_exception_staff_resend(gre_store, by_carrier, gre_configured):
    from despatch import tasks

    guia = _issue(gre_store, by_carrier)
    _token(responses)
    sent = responses.add(responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "t-slow"})
    asked = responses.add(responses.GET, f"{API}/envios/t-slow", json={"codRespuesta": "98"})
    from celery.exceptions import Retry

    for attempt, wait in ((0, 20), (1, 40)):
        with pytest.raises(Retry) as retry:
            tasks.send_guia.apply(args=[guia.pk], retries=attempt).get()
        assert retry.value.when == wait  # still in process: asked again soon
    assert tasks.send_guia.apply(args=[guia.pk], retries=tasks.SEND_MAX_RETRIES).get() == "exception"
    guia.refresh_from_db()
    assert guia.status == GuideStatus.EXCEPTION
    assert sent.call_count == 1 and asked.call_count == 3  # one send; then the ticket, asked again each time
    assert guia.ticket == "t-slow"  # kept: a resend asks SUNAT about it, never sends the guía twice


def _abandon_claim(guia):
    """Its worker's claim, aged past two GRE timeouts (the worker died or was cut off)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    aged = timezone.now() - timedelta(seconds=2 * settings.SUNAT_GRE_TIMEOUT + 1)
    DespatchAdvice.objects.filter(pk=guia.pk).update(sent_at=aged)


@pytest.mark.django_db
@responses.activate
@pytest.mark.parametrize(
    "cut",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError(ConnectionError("Connection aborted.", "RemoteDisconnected")),
    ],
)
def test_a_send_cut_after_the_request_left_is_never_sent_again_by_itself(gre_store, by_carrier, gre_configured, cut):
    """SUNAT may have taken it and has no way to find its ticket again: it waits for a check."""
    guia = _issue(gre_store, by_carrier)
    _token(responses)
    sent = responses.add(responses.POST, f"{API}/{guia.file_name}", body=cut)
    with pytest.raises(GreUnavailable):
        services.guia_send(advice_id=guia.pk)
    guia.refresh_from_db()
    assert (guia.status, guia.ticket, guia.send_attempts) == (GuideStatus.SENT, "", 1)  # the claim stays
    with pytest.raises(GreUnavailable, match="another attempt"):
        services.guia_send(advice_id=guia.pk)  # a fresh claim: maybe its answer is still coming
    _abandon_claim(guia)
    checked = services.guia_send(advice_id=guia.pk)
    assert checked.status == GuideStatus.CHECK and "portal" in checked.cdr_message
    assert services.guia_send(advice_id=guia.pk).status == GuideStatus.CHECK
    assert sent.call_count == 1  # never sent a second time by the store itself
    assert services.live_guia(gre_store.leg) == checked  # no second guía for the leg meanwhile


@pytest.mark.django_db
@responses.activate
def test_staff_resend_after_a_check_and_sunat_holding_the_number_waits_for_a_check_again(
    gre_store, by_carrier, gre_configured, django_capture_on_commit_callbacks
):
    guia = _issue(gre_store, by_carrier)
    DespatchAdvice.objects.filter(pk=guia.pk).update(status=GuideStatus.CHECK)
    _token(responses)
    sent = responses.add(responses.POST, f"{API}/{guia.file_name}", json={"numTicket": "t-again"})
    responses.add(
        responses.GET,
        f"{API}/envios/t-again",
        json={
            "codRespuesta": "99",
            "error": {"numError": "1033", "desError": "El comprobante fue registrado previamente con otros datos"},
            "indCdrGenerado": "0",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.guias_resend(advice_ids=[guia.pk]) == 1  # sent inline (eager), after commit
    guia.refresh_from_db()
    assert (guia.status, guia.cdr_code, guia.ticket) == (GuideStatus.CHECK, "1033", "")
    assert sent.call_count == 1


@pytest.mark.django_db
@responses.activate
def test_a_refused_connection_sent_nothing_so_it_is_sent_again(gre_store, by_carrier, gre_configured):
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    guia = _issue(gre_store, by_carrier)
    _token(responses)
    refused = requests.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, "Connection refused")))
    responses.add(responses.POST, f"{API}/{guia.file_name}", body=refused)
    with pytest.raises(GreUnavailable):
        services.guia_send(advice_id=guia.pk)
    guia.refresh_from_db()
    assert (guia.status, guia.ticket, guia.send_attempts) == (GuideStatus.PENDING, "", 1)
