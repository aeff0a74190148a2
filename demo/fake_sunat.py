"""SUNAT's answers in their real shapes, and a simulated SUNAT that gives them over HTTP.

The shapes are shared by the tests (which fake SUNAT at the HTTP boundary with `responses`, or a
real local server) and the demo: sendBill's answer (a zipped ApplicationResponse, the CDR, with
its observation Notes), billConsultService getStatusCdr's (statusCode, statusMessage, content),
sendSummary's ticket, getStatus' answer on a ticket, and SOAP faults (soap-env:Client.<code>).

SimulatedSunat is a local billService for `demo_data`: the store's own sending services post to
it over HTTP as they would to SUNAT. Every answer it gives says it comes from "SUNAT simulado
(demo)", so nobody takes the demo's CDRs for SUNAT's."""

import base64
import io
import re
import threading
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SUNAT_RUC = "20131312955"  # SUNAT's own RUC: the sender of every CDR


def cdr_xml(file_name: str, *, code: str = "0", description: str = "", notes=(), issue_date: str = "2026-11-25") -> str:
    """The ApplicationResponse SUNAT signs and zips as R-<file_name>.xml."""
    description = description or f"El comprobante {file_name} ha sido aceptado"
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ar:ApplicationResponse '
        'xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>1.0</cbc:CustomizationID>"
        f"<cbc:ID>{sum(map(ord, file_name))}</cbc:ID><cbc:IssueDate>{issue_date}</cbc:IssueDate>"
        f"<cbc:IssueTime>10:00:00</cbc:IssueTime>{notes_xml}"
        f"<cac:SenderParty><cac:PartyIdentification><cbc:ID>{SUNAT_RUC}</cbc:ID></cac:PartyIdentification></cac:SenderParty>"
        f"<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{file_name.split('-', 2)[2]}</cbc:ReferenceID>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode><cbc:Description>{description}</cbc:Description>"
        "</cac:Response></cac:DocumentResponse></ar:ApplicationResponse>"
    )


def cdr_zip_base64(file_name: str, **cdr) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dummy/", b"")  # SUNAT's zips carry an empty folder entry before the CDR
        archive.writestr(f"R-{file_name}.xml", cdr_xml(file_name, **cdr))
    return base64.b64encode(buffer.getvalue()).decode()


def send_bill_answer(file_name: str, **cdr) -> str:
    """sendBill's answer: the zipped CDR in applicationResponse."""
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Header/><soap-env:Body>'
        '<br:sendBillResponse xmlns:br="http://service.sunat.gob.pe">'
        f"<applicationResponse>{cdr_zip_base64(file_name, **cdr)}</applicationResponse></br:sendBillResponse>"
        "</soap-env:Body></soap-env:Envelope>"
    )


def status_cdr_answer(status_code: str, message: str, *, file_name: str = "", **cdr) -> str:
    """getStatusCdr's answer: 0004 "La constancia existe" with the zipped CDR in content; 0011
    "El comprobante de pago electrónico no existe" (and 0127 "El ticket no existe") without it."""
    content = f"<content>{cdr_zip_base64(file_name, **cdr)}</content>" if file_name else ""
    return (
        f'<S:Envelope xmlns:S="{SOAP}"><S:Body><ns2:getStatusCdrResponse xmlns:ns2="http://service.sunat.gob.pe">'
        f"<statusCdr>{content}<statusCode>{status_code}</statusCode><statusMessage>{message}</statusMessage>"
        "</statusCdr></ns2:getStatusCdrResponse></S:Body></S:Envelope>"
    )


def ticket_answer(ticket: str) -> str:
    """sendSummary's answer: the ticket to ask getStatus about."""
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Header/><soap-env:Body>'
        f'<br:sendSummaryResponse xmlns:br="http://service.sunat.gob.pe"><ticket>{ticket}</ticket>'
        "</br:sendSummaryResponse></soap-env:Body></soap-env:Envelope>"
    )


def summary_status_answer(status_code: str, *, file_name: str = "", **cdr) -> str:
    """getStatus' answer on a ticket: 98 in process; 0 processed (the CDR in content); 99 with errors."""
    content = f"<content>{cdr_zip_base64(file_name, **cdr)}</content>" if file_name else ""
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Header/><soap-env:Body>'
        '<br:getStatusResponse xmlns:br="http://service.sunat.gob.pe"><status>'
        f"<statusCode>{status_code}</statusCode>{content}</status></br:getStatusResponse>"
        "</soap-env:Body></soap-env:Envelope>"
    )


def soap_fault(code: str, message: str) -> str:
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Body>'
        f"<soap-env:Fault><faultcode>soap-env:Client.{code}</faultcode><faultstring>{message}</faultstring>"
        "</soap-env:Fault></soap-env:Body></soap-env:Envelope>"
    )


# --- the demo's simulated SUNAT ----------------------------------------------------------------

LABEL = "SUNAT simulado (demo)"


@dataclass(frozen=True)
class Verdict:
    """What the simulated SUNAT answers about one document: its CDR's code and text, and any
    observations (accepted with them)."""

    code: str = "0"
    text: str = ""
    notes: tuple[str, ...] = ()


# How SUNAT words an acceptance, by the document's type in its file name (RUC-TYPE-...).
ACCEPTED_WORDS = {
    "01": "La Factura numero {id}, ha sido aceptada",
    "03": "La Boleta numero {id}, ha sido aceptada",
    "07": "La Nota de Credito numero {id}, ha sido aceptada",
    "08": "La Nota de Debito numero {id}, ha sido aceptada",
    "RC": "El Resumen diario {id}, ha sido aceptado",
    "RA": "La Comunicacion de baja {id}, ha sido aceptada",
}


def accepted_text(file_name: str) -> str:
    _ruc, kind, identifier = file_name.split("-", 2)
    if kind in ("RC", "RA"):
        identifier = f"{kind}-{identifier}"
    return ACCEPTED_WORDS.get(kind, "El comprobante {id} ha sido aceptado").format(id=identifier)


class SimulatedSunat:
    """A billService on 127.0.0.1 (a thread of this process) for the demo: sendBill answers each
    document with its verdict (accepted unless `verdicts` names its file), getStatusCdr finds what
    it received, sendSummary gives a ticket and getStatus answers it accepted. Use as a context
    manager; `url` is the endpoint while it runs."""

    def __init__(self, verdicts: Mapping[str, Verdict] | None = None):
        self.verdicts = dict(verdicts or {})
        self.received: dict[str, str] = {}  # file name -> sendBill's answer (getStatusCdr reads it)
        self.tickets: dict[str, str] = {}  # ticket -> summary file name
        self.calls: list[tuple[str, str]] = []  # (operation, file name or ticket)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the simulated SUNAT is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/ol-ti-itcpfegem/billService"

    def __enter__(self) -> "SimulatedSunat":
        simulated = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                answer = simulated.answer(self.headers.get("SOAPAction", ""), body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:  # quiet on make run's console
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _cdr(self, file_name: str, verdict: Verdict) -> dict:
        text = verdict.text or accepted_text(file_name)
        return {
            "code": verdict.code,
            "description": f"{LABEL}: {text}",
            "notes": verdict.notes,
            "issue_date": date.today().isoformat(),
        }

    def answer(self, action: str, body: str) -> str:
        """The SOAP answer to one operation's envelope."""
        operation = action.removeprefix("urn:").strip('"')
        field = re.search(r"<(fileName|ticket|serieComprobante)>([^<]*)<", body)
        key = field.group(2) if field else ""
        with self._lock:
            self.calls.append((operation, key))
            if operation == "sendBill":
                file_name = key.removesuffix(".zip")
                self.received[file_name] = send_bill_answer(
                    file_name, **self._cdr(file_name, self.verdicts.get(file_name, Verdict()))
                )
                return self.received[file_name]
            if operation == "getStatusCdr":
                return self._status_cdr(body)
            if operation == "sendSummary":
                ticket = f"{time.time_ns() // 1_000_000 + len(self.tickets)}"  # SUNAT's: 13 digits
                self.tickets[ticket] = key.removesuffix(".zip")
                return ticket_answer(ticket)
            if operation == "getStatus" and key in self.tickets:
                file_name = self.tickets[key]
                verdict = self.verdicts.get(file_name, Verdict())
                return summary_status_answer("0", file_name=file_name, **self._cdr(file_name, verdict))
            if operation == "getStatus":
                return soap_fault("0127", f"{LABEL}: El ticket no existe")
        return soap_fault("0151", f"{LABEL}: operación desconocida {operation}")

    def _status_cdr(self, body: str) -> str:
        wanted = "-".join(re.findall(r"<(?:tipo|serie|numero)Comprobante>([^<]*)<", body))
        for file_name, answer in self.received.items():
            if file_name.endswith(f"-{wanted}"):
                content = re.search(r"<applicationResponse>([^<]*)<", answer)
                assert content is not None
                return (
                    f'<S:Envelope xmlns:S="{SOAP}"><S:Body><ns2:getStatusCdrResponse '
                    'xmlns:ns2="http://service.sunat.gob.pe"><statusCdr>'
                    f"<content>{content.group(1)}</content><statusCode>0004</statusCode>"
                    f"<statusMessage>{LABEL}: La constancia existe</statusMessage>"
                    "</statusCdr></ns2:getStatusCdrResponse></S:Body></S:Envelope>"
                )
        return status_cdr_answer("0011", f"{LABEL}: El comprobante de pago electrónico no existe")
