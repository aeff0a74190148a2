"""The UBL 2.1 XML: valid against OASIS UBL 2.1 schemas (Invoice, CreditNote), signed with the
store's certificate (PEM or PFX from the environment), the signature inside ext:UBLExtensions,
verified by signxml; any change after signing breaks it."""

from decimal import Decimal
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree
from signxml.exceptions import InvalidSignature

from receipts import signing
from receipts.models import Receipt
from receipts.services import credit_note_issue, receipt_issue_for_order, receipt_sign
from receipts.ubl import NS
from tests.factories import BUYER_RUC, make_certificate, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db
XSD = Path(__file__).parent / "ubl21" / "maindoc"


@pytest.fixture(scope="module")
def schemas():
    return {name: etree.XMLSchema(etree.parse(str(XSD / f"UBL-{name}-2.1.xsd"))) for name in ("Invoice", "CreditNote")}


@pytest.fixture
def certificate(tmp_path, settings):
    path, cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, ""
    return cert_pem


def _issue(**order_fields) -> Receipt:
    order = make_order(**order_fields)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def _valid(schemas, name: str, xml: str) -> etree._Element:
    document = etree.fromstring(xml.encode())
    schema = schemas[name]
    assert schema.validate(document), schema.error_log
    return document


def test_a_signed_factura_is_valid_ubl_and_its_signature_verifies(schemas, certificate):
    receipt = _issue(
        prices=("1299.90", "59.90"),
        quantities=(1, 3),
        discounts=("100.00", "0.00"),
        order_discount="25.50",
        document_type="ruc",
        document=BUYER_RUC,
    )
    document = _valid(schemas, "Invoice", receipt.xml)
    signature = document.find("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/ds:Signature", NS)
    assert signature is not None and signature.get("Id") == "SignKallpa"
    assert receipt.digest == signature.findtext("ds:SignedInfo/ds:Reference/ds:DigestValue", namespaces=NS)
    signing.xml_verify(receipt.xml.encode(), cert_pem=certificate)
    assert document.findtext("cbc:ID", namespaces=NS) == f"F001-{receipt.number}"
    assert document.find("cbc:InvoiceTypeCode", NS).text == "01"
    assert document.find("cac:AccountingCustomerParty//cbc:ID", NS).get("schemeID") == "6"
    assert document.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == f"{receipt.total:.2f}"
    assert document.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == f"{receipt.igv_total:.2f}"
    lines = document.findall("cac:InvoiceLine", NS)
    assert [line.find("cbc:InvoicedQuantity", NS).get("unitCode") for line in lines] == ["NIU", "NIU", "ZZ"]
    assert {line.findtext(".//cbc:TaxExemptionReasonCode", namespaces=NS) for line in lines} == {"10"}
    assert {line.findtext(".//cac:TaxScheme/cbc:ID", namespaces=NS) for line in lines} == {"1000"}
    assert (
        sum(Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS)) for line in lines) == receipt.taxable_total
    )
    assert lines[0].find("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", NS).text == "00"


def test_a_boleta_and_its_credit_note_are_valid_ubl(schemas, certificate):
    receipt = _issue()
    _valid(schemas, "Invoice", receipt.xml)
    note = credit_note_issue(receipt=receipt, amount="30.00", reason_code="07", reason="Devolución de un ítem")
    document = _valid(schemas, "CreditNote", note.xml)
    signing.xml_verify(note.xml.encode(), cert_pem=certificate)
    assert document.findtext("cac:DiscrepancyResponse/cbc:ResponseCode", namespaces=NS) == "07"
    assert (
        document.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS)
        == f"B001-{receipt.number}"
    )
    assert (
        document.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:DocumentTypeCode", namespaces=NS)
        == "03"
    )
    assert document.findtext("cbc:ID", namespaces=NS).startswith("BC01-")


def test_a_changed_document_fails_verification(certificate, tmp_path_factory):
    receipt = _issue()
    tampered = receipt.xml.replace(f">{receipt.total:.2f}<", ">1.00<")
    assert tampered != receipt.xml
    with pytest.raises(InvalidSignature):
        signing.xml_verify(tampered.encode(), cert_pem=certificate)
    _path, other_cert = make_certificate(tmp_path_factory.mktemp("other"))  # another key entirely
    with pytest.raises(InvalidSignature):
        signing.xml_verify(receipt.xml.encode(), cert_pem=other_cert)


def test_a_pfx_certificate_with_its_password_signs(tmp_path, settings):
    path, cert_pem = make_certificate(tmp_path, pfx_password="s3creto")
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, "s3creto"
    receipt = _issue()
    signing.xml_verify(receipt.xml.encode(), cert_pem=cert_pem)
    settings.SUNAT_CERT_PASSWORD = "wrong"
    with pytest.raises(signing.CertificateMissing):
        signing.certificate_load()


def test_the_key_is_read_once_and_again_when_the_certificate_is_renewed(tmp_path, settings, monkeypatch):
    """Reading the key checks it (27 ms of CPU against 0.25 ms to sign): once per process, until the
    file, its path or its password changes."""
    path, _cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, ""
    reads = []
    read = signing._read_certificate
    monkeypatch.setattr(signing, "_read_certificate", lambda *args: reads.append(args) or read(*args))

    first = signing.certificate_load()
    assert signing.certificate_load() is first and len(reads) == 1

    renewed = tmp_path / "renewed"
    renewed.mkdir()
    new_path, new_cert_pem = make_certificate(renewed)
    Path(new_path).replace(path)  # the new certificate put in place of the old one
    assert signing.certificate_load().cert_pem == new_cert_pem and len(reads) == 2
    receipt = _issue()
    signing.xml_verify(receipt.xml.encode(), cert_pem=new_cert_pem)
    assert len(reads) == 2


def test_a_pfx_with_a_certificate_but_no_key_is_refused_as_missing(tmp_path, settings):
    """A PFX may hold a certificate alone: that is no certificate to sign with (not a crash)."""
    _path, cert_pem = make_certificate(tmp_path)
    cert = x509.load_pem_x509_certificate(cert_pem)
    path = tmp_path / "only-cert.pfx"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"kallpa", None, cert, None, serialization.NoEncryption()))
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = str(path), ""
    with pytest.raises(signing.CertificateMissing):
        signing.certificate_load()


def test_without_a_certificate_the_receipt_is_issued_unsigned_and_signed_later(schemas, tmp_path, settings):
    settings.SUNAT_CERT_PATH = ""
    receipt = _issue()
    assert receipt.digest == "" and "Signature>" not in receipt.xml.split("</ext:UBLExtensions>")[0]
    path, cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH = path
    signed = receipt_sign(receipt_id=receipt.pk)
    assert signed.digest
    signing.xml_verify(signed.xml.encode(), cert_pem=cert_pem)
    _valid(schemas, "Invoice", signed.xml)


def test_an_unreadable_certificate_leaves_the_receipt_unsigned(tmp_path, settings):
    (tmp_path / "broken.pem").write_text("not a certificate")
    settings.SUNAT_CERT_PATH = str(tmp_path / "broken.pem")
    receipt = _issue()
    assert receipt.digest == "" and receipt.xml
