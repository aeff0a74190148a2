"""The XML of a resumen diario (SummaryDocuments-1, version 1.1: one line per document) and of a
comunicación de baja (VoidedDocuments-1), built with lxml in SUNAT's element order, as
receipts.ubl builds the receipts themselves; signed by receipts.signing (the ds:Signature inside
ext:ExtensionContent, where SUNAT reads it). Both are UBL 2.0 documents with SUNAT's aggregates
(sac:), which is what ValidaExprRegSummary-1.1.0 and ValidaExprRegSummaryVoided-1.0.1 expect
(UBLVersionID 2.0; CustomizationID 1.1 and 1.0).

Codes: catálogo 01 (document type), 05 (tax 1000 IGV, VAT), 06 (identity), 11 (value of the sale:
01 gravado, 05 gratuito), 19 (a summary line's condition: 1 add, 2 modify, 3 void)."""

from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from receipts.models import ZERO, BuyerDocument, Receipt, ReceiptKind, free_transfers_value
from receipts.ubl import NS as UBL_NS
from receipts.ubl import SIGNATURE_ID

from .models import Summary, SummaryKind, SummaryLine

SAC = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"
NS = {**UBL_NS, "sac": SAC}
ROOT: dict[str, tuple[str, str]] = {
    SummaryKind.DAILY: ("SummaryDocuments", "urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1"),
    SummaryKind.VOIDED: ("VoidedDocuments", "urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1"),
}
CUSTOMIZATION: dict[str, str] = {SummaryKind.DAILY: "1.1", SummaryKind.VOIDED: "1.0"}


class _Builder:
    def __init__(self, kind: str):
        name, namespace = ROOT[kind]
        nsmap: dict[str | None, str] = {None: namespace}
        nsmap.update(NS.items())
        self.root = etree.Element(f"{{{namespace}}}{name}", nsmap=nsmap)

    def add(self, parent, tag: str, text: object = None, **attributes: object):
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", {k: str(v) for k, v in attributes.items()})
        if text is not None:
            element.text = str(text)
        return element

    def amount(self, parent, tag: str, value: Decimal, currency: str):
        return self.add(parent, tag, f"{Decimal(value):.2f}", currencyID=currency)


def _header(b: _Builder, summary: Summary) -> None:
    root = b.root
    b.add(b.add(b.add(root, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent")
    b.add(root, "cbc:UBLVersionID", "2.0")
    b.add(root, "cbc:CustomizationID", CUSTOMIZATION[summary.kind])
    b.add(root, "cbc:ID", summary.identifier)
    b.add(root, "cbc:ReferenceDate", summary.reference_date.isoformat())
    b.add(root, "cbc:IssueDate", summary.issue_date.isoformat())
    signature = b.add(root, "cac:Signature")
    b.add(signature, "cbc:ID", SIGNATURE_ID)
    signatory = b.add(signature, "cac:SignatoryParty")
    b.add(b.add(signatory, "cac:PartyIdentification"), "cbc:ID", summary.issuer_ruc)
    b.add(b.add(signatory, "cac:PartyName"), "cbc:Name", summary.issuer_name)
    attachment = b.add(b.add(signature, "cac:DigitalSignatureAttachment"), "cac:ExternalReference")
    b.add(attachment, "cbc:URI", f"#{SIGNATURE_ID}")
    supplier = b.add(root, "cac:AccountingSupplierParty")
    b.add(supplier, "cbc:CustomerAssignedAccountID", summary.issuer_ruc)
    b.add(supplier, "cbc:AdditionalAccountID", "6")
    b.add(b.add(b.add(supplier, "cac:Party"), "cac:PartyLegalEntity"), "cbc:RegistrationName", summary.issuer_name)


def _daily_line(b: _Builder, line: SummaryLine, receipt: Receipt) -> None:
    """One boleta or nota of the day: who bought (when known), the document it modifies (a nota),
    its condition, its total, its taxed value (and the value of units given free) and its IGV."""
    currency = receipt.currency
    element = b.add(b.root, "sac:SummaryDocumentsLine")
    b.add(element, "cbc:LineID", line.position)
    b.add(element, "cbc:DocumentTypeCode", receipt.kind)
    b.add(element, "cbc:ID", f"{receipt.series}-{receipt.number}")
    # A boleta to an anonymous buyer (up to S/ 700, which checkout enforces) names nobody.
    if receipt.buyer_document_type != BuyerDocument.NONE and receipt.buyer_document:
        customer = b.add(element, "cac:AccountingCustomerParty")
        b.add(customer, "cbc:CustomerAssignedAccountID", receipt.buyer_document)
        b.add(customer, "cbc:AdditionalAccountID", receipt.buyer_document_type)
    original = receipt.original
    if original is not None:
        reference = b.add(b.add(element, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        b.add(reference, "cbc:ID", f"{original.series}-{original.number}")
        b.add(reference, "cbc:DocumentTypeCode", original.kind)
    b.add(b.add(element, "cac:Status"), "cbc:ConditionCode", line.condition)
    b.amount(element, "sac:TotalAmount", receipt.total, currency)
    payment = b.add(element, "sac:BillingPayment")
    b.amount(payment, "cbc:PaidAmount", receipt.taxable_total, currency)
    b.add(payment, "cbc:InstructionID", "01")
    free = free_transfers_value(receipt, receipt.lines.all()) if receipt.kind != ReceiptKind.CREDIT_NOTE else ZERO
    if free > 0:
        given = b.add(element, "sac:BillingPayment")
        b.amount(given, "cbc:PaidAmount", free, currency)
        b.add(given, "cbc:InstructionID", "05")
    tax = b.add(element, "cac:TaxTotal")
    b.amount(tax, "cbc:TaxAmount", receipt.igv_total, currency)
    subtotal = b.add(tax, "cac:TaxSubtotal")
    b.amount(subtotal, "cbc:TaxAmount", receipt.igv_total, currency)
    scheme = b.add(b.add(subtotal, "cac:TaxCategory"), "cac:TaxScheme")
    b.add(scheme, "cbc:ID", "1000")
    b.add(scheme, "cbc:Name", "IGV")
    b.add(scheme, "cbc:TaxTypeCode", "VAT")


def _voided_line(b: _Builder, line: SummaryLine, receipt: Receipt) -> None:
    element = b.add(b.root, "sac:VoidedDocumentsLine")
    b.add(element, "cbc:LineID", line.position)
    b.add(element, "cbc:DocumentTypeCode", receipt.kind)
    b.add(element, "sac:DocumentSerialID", receipt.series)
    b.add(element, "sac:DocumentNumberID", receipt.number)
    b.add(element, "sac:VoidReasonDescription", line.reason)


def summary_xml(summary: Summary, lines: Iterable[SummaryLine]) -> bytes:
    """The unsigned document (an empty ext:ExtensionContent waits for the signature). Each line's
    receipt (with its original and lines) is read through the line."""
    b = _Builder(summary.kind)
    _header(b, summary)
    add_line = _daily_line if summary.kind == SummaryKind.DAILY else _voided_line
    for line in lines:
        add_line(b, line, line.receipt)
    return etree.tostring(b.root, xml_declaration=True, encoding="UTF-8")
