import base64
import io
import zipfile
from datetime import timedelta

import pytest
from constance import config
from django.conf import settings as django_settings

from receipts.models import Receipt
from receipts.services import receipt_issue_for_order
from tests.factories import BUYER_DNI, BUYER_RUC, make_certificate, pay
from tests.factories import make_priced_order as make_order

SUNAT_URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"


@pytest.fixture
def by_summary():
    """The store reports boletas in the resumen diario. Set and put back by assignment, not
    override_config, which reads the value it restores: in a process where a browser journey's
    Playwright loop runs (transactional tests share it), constance hands that read back as an
    awaitable proxy it then cannot save."""
    config.SUNAT_BOLETAS_SENDING = "summary"
    yield
    config.SUNAT_BOLETAS_SENDING = django_settings.CONSTANCE_CONFIG["SUNAT_BOLETAS_SENDING"][0]


@pytest.fixture
def sunat_service(tmp_path, settings):
    """Signing and SUNAT's beta billService configured (SUNAT itself faked with `responses`)."""
    settings.SUNAT_CERT_PATH, cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PASSWORD = ""
    settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = (
        SUNAT_URL,
        "20601234565MODDATOS",
        "moddatos",
    )
    pem = tmp_path / "summary-cert.pem"
    pem.write_bytes(cert_pem)
    return pem


@pytest.fixture
def issue_paid():
    """A paid order's receipt (a boleta with the buyer's DNI, or a factura), issued `days_ago` (Lima)."""

    def issue(*, factura: bool = False, days_ago: int = 1, prices=("199.90",)) -> Receipt:
        order = (
            make_order(document_type="ruc", document=BUYER_RUC, prices=prices)
            if factura
            else make_order(document_type="dni", document=BUYER_DNI, prices=prices)
        )
        pay(order)
        receipt = receipt_issue_for_order(order_id=order.pk)
        if days_ago:
            Receipt.objects.filter(pk=receipt.pk).update(
                issue_date=receipt.issue_date - timedelta(days=days_ago),
                issued_at=receipt.issued_at - timedelta(days=days_ago),
            )
            receipt.refresh_from_db()
        return receipt

    return issue


def cdr_zip(
    file_name: str, *, code: str = "0", description: str = "El Resumen diario ha sido aceptado", notes=()
) -> str:
    """SUNAT's CDR: a zipped ApplicationResponse (R-<file>.xml), in base64."""
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    cdr = (
        '<?xml version="1.0" encoding="UTF-8"?><ar:ApplicationResponse '
        'xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>1.0</cbc:CustomizationID>"
        f"<cbc:ID>{file_name.split('-', 1)[1]}</cbc:ID>{notes_xml}"
        f"<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{file_name.split('-', 1)[1]}</cbc:ReferenceID>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode><cbc:Description>{description}</cbc:Description>"
        "</cac:Response></cac:DocumentResponse></ar:ApplicationResponse>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"R-{file_name}.xml", cdr)
    return base64.b64encode(buffer.getvalue()).decode()


def _envelope(body: str) -> str:
    return (
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
        f"<soap-env:Header/><soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    )


@pytest.fixture
def sunat_answers():
    """SUNAT's answers as they come over the wire: a ticket, a ticket's status, a fault."""

    class Answers:
        @staticmethod
        def ticket(number: str = "1502889024345") -> str:
            return _envelope(
                f'<br:sendSummaryResponse xmlns:br="http://service.sunat.gob.pe"><ticket>{number}</ticket>'
                "</br:sendSummaryResponse>"
            )

        @staticmethod
        def status(status_code: str, file_name: str = "", **cdr) -> str:
            content = f"<content>{cdr_zip(file_name, **cdr)}</content>" if file_name else ""
            return _envelope(
                '<br:getStatusResponse xmlns:br="http://service.sunat.gob.pe"><status>'
                f"<statusCode>{status_code}</statusCode>{content}</status></br:getStatusResponse>"
            )

        @staticmethod
        def fault(code: str, message: str) -> str:
            return _envelope(
                f"<soap-env:Fault><faultcode>soap-env:Client.{code}</faultcode>"
                f"<faultstring>{message}</faultstring></soap-env:Fault>"
            )

    return Answers
