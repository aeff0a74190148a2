"""SUNAT's GRE REST API, the one way a guía de remisión electrónica reaches SUNAT (no OSE, no SOAP):

1. a token from api-seguridad: POST /v1/clientessol/{client_id}/oauth2/token/ with the OAuth2
   password grant (the API client's id and secret, registered in SUNAT Operaciones en Línea,
   plus the SOL user "RUC + user" and its password), scope https://api-cpe.sunat.gob.pe. The
   token is kept in the cache until a minute before it expires (expires_in, 3600 s);
2. the zipped XML: POST /v1/contribuyente/gem/comprobantes/{RUC-09-SERIE-NUMERO} with
   {"archivo": {"nomArchivo": "<name>.zip", "arcGreZip": base64, "hashZip": SHA-256 of the zip}},
   answered with {"numTicket": ..., "fecRecepcion": ...};
3. the answer: GET /v1/contribuyente/gem/comprobantes/envios/{numTicket}: codRespuesta "98" in
   process, "0" accepted (arcCdr: the zipped CDR, indCdrGenerado "1"), "99" with
   error {numError, desError} (rejected, with a CDR when indCdrGenerado is "1").

Configured from the environment (config/settings/base.py):

    SUNAT_GRE_CLIENT_ID, SUNAT_GRE_CLIENT_SECRET   the API client's credentials
    SUNAT_GRE_USER, SUNAT_GRE_PASSWORD             the SOL user (default SUNAT_SEND_USER/PASSWORD)
    SUNAT_GRE_TOKEN_URL                            default api-seguridad's, {client_id} filled in
    SUNAT_GRE_API_URL                              default https://api-cpe.sunat.gob.pe
    SUNAT_GRE_TIMEOUT                              seconds (default 30)

Without a client id and secret nothing is sent: guías are issued and wait, as receipts do."""

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from lxml import etree
from urllib3.exceptions import NewConnectionError

from receipts.sending import ALREADY_RECEIVED_FAULTS, status_for_code

from .models import GuideStatus

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SCOPE = "https://api-cpe.sunat.gob.pe"
TOKEN_CACHE_KEY = "despatch:gre:token"
IN_PROCESS, ACCEPTED, ERROR = "98", "0", "99"


class GreUnavailable(Exception):
    """SUNAT did not answer, or answered that it could not take the request now: try again later."""


class GreNotReceived(GreUnavailable):
    """SUNAT did not take the request: the connection never opened, or SUNAT answered without a
    ticket. Sending it again is safe."""


class GreInProcess(GreUnavailable):
    """SUNAT has the guía and is still validating it (codRespuesta 98): ask again later."""


@dataclass(frozen=True)
class TicketAnswer:
    status: str  # GuideStatus: accepted, observed, rejected or exception
    code: str
    message: str
    cdr_xml: str = ""
    qr_url: str = ""


def sending_configured() -> bool:
    return bool(getattr(settings, "SUNAT_GRE_CLIENT_ID", "") and getattr(settings, "SUNAT_GRE_CLIENT_SECRET", ""))


def _zip(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _request(method: str, url: str, **kwargs) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=settings.SUNAT_GRE_TIMEOUT, **kwargs)
    except requests.RequestException as error:
        if _never_connected(error):
            raise GreNotReceived(type(error).__name__) from None
        raise GreUnavailable(type(error).__name__) from None  # cut or timed out: maybe received
    if response.status_code >= 500 or response.status_code == 429:
        raise GreNotReceived(f"HTTP {response.status_code}")
    return response


def _never_connected(error: requests.RequestException) -> bool:
    """The request never reached SUNAT (refused, or no connection in time)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        raise GreUnavailable(f"HTTP {response.status_code} without JSON") from None
    if not isinstance(body, dict):
        raise GreUnavailable(f"HTTP {response.status_code}: unexpected answer")
    return body


def token(*, renew: bool = False) -> str:
    """A bearer token, from the cache while it lasts."""
    if not renew:
        kept = cache.get(TOKEN_CACHE_KEY)
        if kept:
            return str(kept)
    client_id = settings.SUNAT_GRE_CLIENT_ID
    response = _request(
        "POST",
        settings.SUNAT_GRE_TOKEN_URL.format(client_id=client_id),
        data={
            "grant_type": "password",
            "scope": SCOPE,
            "client_id": client_id,
            "client_secret": settings.SUNAT_GRE_CLIENT_SECRET,
            "username": settings.SUNAT_GRE_USER,
            "password": settings.SUNAT_GRE_PASSWORD,
        },
    )
    body = _json(response)
    access = body.get("access_token")
    if response.status_code != 200 or not access:
        # Wrong credentials do not heal by waiting, but the guía must not be lost: staff see it.
        raise GreUnavailable(
            f"token refused: {body.get('error_description') or body.get('error') or response.status_code}"
        )
    try:
        lasts = int(body.get("expires_in") or 3600)
    except (TypeError, ValueError):
        lasts = 3600
    cache.set(TOKEN_CACHE_KEY, access, max(lasts - 60, 1))
    return str(access)


def _authorised(method: str, url: str, **kwargs) -> requests.Response:
    """The request with the kept token; once more with a new one when SUNAT says it expired."""
    response = _request(method, url, headers={"Authorization": f"Bearer {token()}"}, **kwargs)
    if response.status_code == 401:
        response = _request(method, url, headers={"Authorization": f"Bearer {token(renew=True)}"}, **kwargs)
        if response.status_code == 401:
            raise GreNotReceived("HTTP 401 with a new token")
    return response


def send(file_name: str, xml: bytes) -> str:
    """Send one guía (its signed XML); SUNAT's ticket number."""
    archive = _zip(f"{file_name}.xml", xml)
    payload = {
        "archivo": {
            "nomArchivo": f"{file_name}.zip",
            "arcGreZip": base64.b64encode(archive).decode(),
            "hashZip": hashlib.sha256(archive).hexdigest(),
        }
    }
    url = f"{settings.SUNAT_GRE_API_URL.rstrip('/')}/v1/contribuyente/gem/comprobantes/{file_name}"
    response = _authorised("POST", url, json=payload)
    try:
        body = _json(response)
    except GreUnavailable as error:
        raise GreNotReceived(str(error)) from None
    ticket = str(body.get("numTicket") or "")
    if response.status_code != 200 or not ticket:  # SUNAT answers a ticket for whatever it takes
        raise GreNotReceived(f"HTTP {response.status_code}: {body.get('msg') or body.get('errors') or body}")
    return ticket


def _cdr(encoded: str) -> tuple[str, str, str, str]:
    """(response code, message, CDR XML, the QR's address) of a zipped ApplicationResponse."""
    try:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded))) as archive:
            name = next(n for n in archive.namelist() if n.lower().endswith(".xml"))
            cdr = archive.read(name)
        root = etree.fromstring(cdr)
    except (ValueError, zipfile.BadZipFile, StopIteration, etree.XMLSyntaxError) as error:
        raise GreUnavailable(f"unreadable CDR: {error}") from None
    code = (root.findtext(f".//{{{CBC}}}ResponseCode") or "").strip()
    description = (root.findtext(f".//{{{CBC}}}Description") or "").strip()
    notes = [note.text.strip() for note in root.iter(f"{{{CBC}}}Note") if note.text]
    links = [
        (element.text or "").strip()
        for element in root.iter(f"{{{CBC}}}DocumentDescription")
        if (element.text or "").strip().startswith("https://")
    ]
    message = " · ".join([description, *notes]) if notes else description
    return code, message, cdr.decode(), links[0] if links else ""


def ticket_status(ticket: str) -> TicketAnswer:
    """SUNAT's answer for a ticket. Raises GreInProcess while it is still validating it."""
    url = f"{settings.SUNAT_GRE_API_URL.rstrip('/')}/v1/contribuyente/gem/comprobantes/envios/{ticket}"
    response = _authorised("GET", url)
    body = _json(response)
    answer = str(body.get("codRespuesta") or "")
    if response.status_code != 200 or answer == IN_PROCESS or not answer:
        raise GreInProcess(f"ticket {ticket}: {answer or response.status_code}")
    cdr = str(body.get("arcCdr") or "") if str(body.get("indCdrGenerado")) == "1" else ""
    if answer == ACCEPTED:
        if not cdr:
            raise GreInProcess(f"ticket {ticket}: accepted, CDR not generated yet")
        code, message, cdr_xml, qr_url = _cdr(cdr)
        if not code.isdigit():
            raise GreUnavailable("the CDR has no response code")
        return TicketAnswer(
            status=status_for_code(int(code)), code=code, message=message, cdr_xml=cdr_xml, qr_url=qr_url
        )
    found = body.get("error")
    error: dict = found if isinstance(found, dict) else {}
    code = str(error.get("numError") or "").strip()
    message = str(error.get("desError") or "").strip()
    cdr_xml = _cdr(cdr)[2] if cdr else ""
    if code.isdigit() and int(code) in ALREADY_RECEIVED_FAULTS:
        # The number is SUNAT's already (a sending whose ticket was lost): staff check it.
        return TicketAnswer(status=GuideStatus.CHECK, code=code, message=message, cdr_xml=cdr_xml)
    if code.isdigit() and int(code) < 2000:  # 0100–1999: not processed (SUNAT's side or ours): send again
        return TicketAnswer(status=GuideStatus.EXCEPTION, code=code, message=message, cdr_xml=cdr_xml)
    return TicketAnswer(status=GuideStatus.REJECTED, code=code, message=message, cdr_xml=cdr_xml)
