"""SUNAT's answers in their real shapes, for tests that fake SUNAT at the HTTP boundary (with
`responses`, or the real local server of test_send_crash.py): sendBill's answer (a zipped
ApplicationResponse, the CDR, with its observation Notes), billConsultService getStatusCdr's
(statusCode, statusMessage, content), and SOAP faults (soap-env:Client.<code>)."""

import base64
import io
import zipfile

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def cdr_xml(file_name: str, *, code: str = "0", description: str = "", notes=()) -> str:
    """The ApplicationResponse SUNAT signs and zips as R-<file_name>.xml."""
    description = description or f"El comprobante {file_name} ha sido aceptado"
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ar:ApplicationResponse '
        'xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>1.0</cbc:CustomizationID>"
        f"<cbc:ID>{sum(map(ord, file_name))}</cbc:ID><cbc:IssueDate>2026-11-25</cbc:IssueDate>"
        f"<cbc:IssueTime>10:00:00</cbc:IssueTime>{notes_xml}"
        "<cac:SenderParty><cac:PartyIdentification><cbc:ID>20131312955</cbc:ID></cac:PartyIdentification></cac:SenderParty>"
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


def soap_fault(code: str, message: str) -> str:
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Body>'
        f"<soap-env:Fault><faultcode>soap-env:Client.{code}</faultcode><faultstring>{message}</faultstring>"
        "</soap-env:Fault></soap-env:Body></soap-env:Envelope>"
    )
