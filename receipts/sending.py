"""Talking to SUNAT, or to an OSE (which exposes the same services), over SOAP with WS-Security
(username and password). This module holds the plumbing every SUNAT document shares and the
operations receipts use:

- ``soap_envelope(body)``: a SOAP 1.1 envelope with the WS-Security UsernameToken around an
  operation's body element;
- ``zip_file(name, content)``: the zip SUNAT expects around each XML (one file inside);
- ``soap_call(url, action, body)``: post one envelope, the parsed answer (``SendUnavailable`` when
  there is none: network error, HTML, no XML);
- ``read_cdr(application_response)``: a zipped, base64 ApplicationResponse (the CDR) into a
  ``SendAnswer`` (code 0 accepted, 4000+ accepted with observations, 2000–3999 rejected);
- ``read_fault(root)``: a SOAP fault into a rejection (2000+), or ``SendUnavailable`` for
  0100–1999 (not received, our side or theirs: try again).

Operations: ``send_bill`` (billService sendBill, a factura, boleta or nota sent one by one) and
``status_cdr`` (billConsultService getStatusCdr: does SUNAT already have this document, and its CDR).

Configured from the environment:

    SUNAT_SEND_URL       the billService endpoint (SUNAT beta/production or the OSE's)
    SUNAT_CONSULT_URL    the billConsultService endpoint (getStatusCdr); empty: SUNAT_SEND_URL
    SUNAT_SEND_USER      the SOL user (RUC + user) or the OSE's
    SUNAT_SEND_PASSWORD
    SUNAT_SEND_TIMEOUT   seconds (default 30)

Without a URL nothing is sent: receipts stay pending to send."""

import base64
import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

import requests
from django.conf import settings
from lxml import etree

from .models import Receipt, SendStatus

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class SendUnavailable(Exception):
    """The service did not answer, or asked to try again: retry later."""


class NotReceived(SendUnavailable):
    """SUNAT answered that it did not receive the document (a SOAP fault 0100–1999): send it again."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


class AlreadyReceived(SendUnavailable):
    """SUNAT already has a document of this number (fault 1033, "registrado previamente"): it is
    never sent again; its answer is asked for (getStatusCdr)."""


# SUNAT's faults for a number it already holds: 1033 registered before, 1032 already informed
# (voided or rejected). Sending again cannot help; asking can.
ALREADY_RECEIVED_FAULTS = {1032, 1033}
# A summary (RC/RA) sent again with an ID SUNAT already took: "El archivo ya fue presentado
# anteriormente". A rejection of this sending only; the first one's answer is on its lost ticket.
ALREADY_PRESENTED = "2223"


@dataclass(frozen=True)
class SendAnswer:
    status: str  # SendStatus: accepted, observed or rejected
    code: str
    message: str
    cdr_xml: str = ""
    observations: tuple[str, ...] = ()  # the CDR's Notes ("4252 - El dato ..."): accepted, with these


def sending_configured() -> bool:
    return bool(getattr(settings, "SUNAT_SEND_URL", ""))


def zip_file(name: str, content: bytes) -> bytes:
    """The zip SUNAT expects: one file, `name`, holding `content`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def soap_envelope(body: str) -> str:
    """A SOAP envelope with the WS-Security username and password around `body`, an operation
    element in the namespace prefix ``ser`` (http://service.sunat.gob.pe)."""
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" '
        'xmlns:ser="http://service.sunat.gob.pe" '
        'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
        "<soapenv:Header><wsse:Security><wsse:UsernameToken>"
        f"<wsse:Username>{escape(settings.SUNAT_SEND_USER)}</wsse:Username>"
        f"<wsse:Password>{escape(settings.SUNAT_SEND_PASSWORD)}</wsse:Password>"
        "</wsse:UsernameToken></wsse:Security></soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )


def send_bill_body(receipt: Receipt) -> str:
    """sendBill's operation for one receipt: its XML zipped, in base64."""
    content = base64.b64encode(zip_file(f"{receipt.file_name}.xml", receipt.xml.encode())).decode()
    return (
        f"<ser:sendBill><fileName>{receipt.file_name}.zip</fileName><contentFile>{content}</contentFile></ser:sendBill>"
    )


def envelope(receipt: Receipt) -> str:
    return soap_envelope(send_bill_body(receipt))


def status_for_code(code: int) -> str:
    if code == 0:
        return SendStatus.ACCEPTED
    if code >= 4000:
        return SendStatus.OBSERVED
    return SendStatus.REJECTED


def read_cdr(application_response: str) -> SendAnswer:
    """A CDR (base64 of a zip holding R-<file>.xml, an ApplicationResponse) into SUNAT's answer."""
    try:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(application_response))) as archive:
            name = next(n for n in archive.namelist() if n.lower().endswith(".xml"))
            cdr = archive.read(name)
        root = etree.fromstring(cdr)
    except (ValueError, zipfile.BadZipFile, StopIteration, etree.XMLSyntaxError) as error:
        raise SendUnavailable(f"unreadable CDR: {error}") from None
    code = (root.findtext(f".//{{{CBC}}}ResponseCode") or "").strip()
    description = (root.findtext(f".//{{{CBC}}}Description") or "").strip()
    notes = tuple(note.text.strip() for note in root.iter(f"{{{CBC}}}Note") if note.text and note.text.strip())
    message = " · ".join([description, *notes]) if notes else description
    if not code.isdigit():
        raise SendUnavailable("the CDR has no response code")
    status = status_for_code(int(code))
    if status == SendStatus.ACCEPTED and notes:  # code 0 with Notes: accepted with observations
        status = SendStatus.OBSERVED
    return SendAnswer(status=status, code=code, message=message, cdr_xml=cdr.decode(), observations=notes)


def fault_code(root) -> tuple[int | None, str]:
    """A SOAP fault's numeric code (None without one) and its text."""
    code_text = (root.findtext(".//faultcode") or "").strip()
    fault_string = (root.findtext(".//faultstring") or "").strip()
    digits = re.search(r"(\d{1,4})\s*$", code_text) or re.match(r"\s*(\d{1,4})\b", fault_string)
    return (int(digits.group(1)) if digits else None), fault_string or code_text


def read_fault(root) -> SendAnswer:
    """A SOAP fault: 2000+ is a rejection; 0100–1999 (or no code) raises SendUnavailable."""
    code, text = fault_code(root)
    if code is None:
        raise SendUnavailable(f"SOAP fault without a code: {text}")
    if code in ALREADY_RECEIVED_FAULTS:
        raise AlreadyReceived(f"SOAP fault {code:04d}: {text}")
    if code < 2000:  # 0100–1999: not received (our side or theirs): retry
        raise NotReceived(f"SOAP fault {code:04d}: {text}", code=f"{code:04d}")
    return SendAnswer(status=SendStatus.REJECTED, code=str(code), message=text)


def soap_fault(root):
    """The Fault element of a parsed answer, or None."""
    return root.find(f".//{{{SOAP_ENV}}}Fault")


def soap_call(url: str, action: str, body: str):
    """Post one operation (`body`, see soap_envelope); the parsed answer, which may be a fault.
    Raises SendUnavailable when nothing readable came back."""
    try:
        response = requests.post(
            url,
            data=soap_envelope(body).encode(),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f"urn:{action}"},
            timeout=settings.SUNAT_SEND_TIMEOUT,
        )
    except requests.RequestException as error:
        raise SendUnavailable(type(error).__name__) from None
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        root = None
    if root is None or root.tag != f"{{{SOAP_ENV}}}Envelope":  # a proxy's HTML page, an empty body
        raise SendUnavailable(f"HTTP {response.status_code} without a SOAP answer")
    return root


def send_bill(receipt: Receipt) -> SendAnswer:
    """Send one signed receipt; its CDR or rejection. Raises SendUnavailable to retry later."""
    root = soap_call(settings.SUNAT_SEND_URL, "sendBill", send_bill_body(receipt))
    if soap_fault(root) is not None:
        return read_fault(root)
    application_response = root.findtext(".//applicationResponse")
    if not application_response:
        raise SendUnavailable("an answer without a CDR")
    return read_cdr(application_response)


# getStatusCdr's statusCode: the CDR is there (0004; 0001–0003 also carry one when SUNAT has
# it), or SUNAT does not have the document (0011; 0125/0127: no CDR for it), so it may be sent.
STATUS_CDR_FOUND = {"0001", "0002", "0003", "0004"}
STATUS_CDR_MISSING = {"0011", "0125", "0127"}


def consult_url() -> str:
    return getattr(settings, "SUNAT_CONSULT_URL", "") or settings.SUNAT_SEND_URL


def status_cdr(*, ruc: str, kind: str, series: str, number: int) -> SendAnswer | None:
    """Ask SUNAT (billConsultService getStatusCdr) for one document's CDR: its answer, or None
    when SUNAT does not have the document (it may be sent). Raises SendUnavailable when SUNAT
    cannot say (an outage, a fault, a status code this store does not know)."""
    root = soap_call(
        consult_url(),
        "getStatusCdr",
        f"<ser:getStatusCdr><rucComprobante>{escape(ruc)}</rucComprobante>"
        f"<tipoComprobante>{escape(kind)}</tipoComprobante><serieComprobante>{escape(series)}</serieComprobante>"
        f"<numeroComprobante>{number}</numeroComprobante></ser:getStatusCdr>",
    )
    if soap_fault(root) is not None:
        code, text = fault_code(root)
        raise SendUnavailable(f"getStatusCdr fault {code if code is not None else '?'}: {text}")
    status_code = (root.findtext(".//statusCode") or "").strip()
    content = (root.findtext(".//content") or "").strip()
    if status_code in STATUS_CDR_MISSING:
        return None
    if status_code in STATUS_CDR_FOUND and content:
        return read_cdr(content)
    message = (root.findtext(".//statusMessage") or "").strip()
    raise SendUnavailable(f"getStatusCdr {status_code or '?'}: {message}")
