"""Sending a signed receipt to SUNAT, or to an OSE (which exposes the same billService), with
the SOAP operation sendBill: a zip holding the XML, WS-Security username and password. The
answer is the CDR (a zipped ApplicationResponse: code 0 accepted, 4000+ accepted with
observations, 2000–3999 rejected) or a SOAP fault (codes 0100–1999: not received, try again;
2000+ rejected). Configured from the environment:

    SUNAT_SEND_URL       the billService endpoint (SUNAT beta/production or the OSE's)
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


class SendUnavailable(Exception):
    """The service did not answer, or asked to try again: retry later."""


@dataclass(frozen=True)
class SendAnswer:
    status: str  # SendStatus: accepted, observed or rejected
    code: str
    message: str
    cdr_xml: str = ""


def sending_configured() -> bool:
    return bool(getattr(settings, "SUNAT_SEND_URL", ""))


def _zip(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def envelope(receipt: Receipt) -> str:
    content = base64.b64encode(_zip(f"{receipt.file_name}.xml", receipt.xml.encode())).decode()
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:ser="http://service.sunat.gob.pe" '
        'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
        "<soapenv:Header><wsse:Security><wsse:UsernameToken>"
        f"<wsse:Username>{escape(settings.SUNAT_SEND_USER)}</wsse:Username>"
        f"<wsse:Password>{escape(settings.SUNAT_SEND_PASSWORD)}</wsse:Password>"
        "</wsse:UsernameToken></wsse:Security></soapenv:Header>"
        f"<soapenv:Body><ser:sendBill><fileName>{receipt.file_name}.zip</fileName>"
        f"<contentFile>{content}</contentFile></ser:sendBill></soapenv:Body></soapenv:Envelope>"
    )


def status_for_code(code: int) -> str:
    if code == 0:
        return SendStatus.ACCEPTED
    if code >= 4000:
        return SendStatus.OBSERVED
    return SendStatus.REJECTED


def _cdr(application_response: str) -> SendAnswer:
    try:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(application_response))) as archive:
            name = next(n for n in archive.namelist() if n.lower().endswith(".xml"))
            cdr = archive.read(name)
        root = etree.fromstring(cdr)
    except (ValueError, zipfile.BadZipFile, StopIteration, etree.XMLSyntaxError) as error:
        raise SendUnavailable(f"unreadable CDR: {error}") from None
    code = (root.findtext(f".//{{{CBC}}}ResponseCode") or "").strip()
    description = (root.findtext(f".//{{{CBC}}}Description") or "").strip()
    notes = [note.text.strip() for note in root.iter(f"{{{CBC}}}Note") if note.text]
    message = " · ".join([description, *notes]) if notes else description
    if not code.isdigit():
        raise SendUnavailable("the CDR has no response code")
    return SendAnswer(status=status_for_code(int(code)), code=code, message=message, cdr_xml=cdr.decode())


def _fault(root) -> SendAnswer:
    fault_code = (root.findtext(".//faultcode") or "").strip()
    fault_string = (root.findtext(".//faultstring") or "").strip()
    digits = re.search(r"(\d{1,4})\s*$", fault_code) or re.match(r"\s*(\d{1,4})\b", fault_string)
    code = int(digits.group(1)) if digits else 0
    if not digits or code < 2000:  # 0100–1999: not received (our side or theirs): retry
        raise SendUnavailable(f"SOAP fault {fault_code}: {fault_string}")
    return SendAnswer(status=SendStatus.REJECTED, code=str(code), message=fault_string)


def send_bill(receipt: Receipt) -> SendAnswer:
    """Send one signed receipt; its CDR or rejection. Raises SendUnavailable to retry later."""
    try:
        response = requests.post(
            settings.SUNAT_SEND_URL,
            data=envelope(receipt).encode(),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "urn:sendBill"},
            timeout=settings.SUNAT_SEND_TIMEOUT,
        )
    except requests.RequestException as error:
        raise SendUnavailable(type(error).__name__) from None
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        raise SendUnavailable(f"HTTP {response.status_code} without a SOAP answer") from None
    if root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault") is not None:
        return _fault(root)
    application_response = root.findtext(".//applicationResponse")
    if not application_response:
        raise SendUnavailable(f"HTTP {response.status_code} without a CDR")
    return _cdr(application_response)
