"""The UBL 2.1 XML of a receipt as SUNAT reads it (Invoice for boleta and factura, CreditNote
for a nota de crédito, DebitNote for a nota de débito), built with lxml in the schema's element order; signed by
receipts.signing. Codes: catálogo 01 (document type), 05 (tax 1000 IGV, VAT; tax 9996 GRA, FRE for
a unit given free), 06 (identity), 07 (affectation 10, gravado – operación onerosa; 15, gravado –
bonificaciones), 09 (credit note reason), 10 (debit note reason), 16 (price type 01; 02, the referential value of a free
unit), 51 (operation type 0101, venta interna), 53 (allowance 00, discount that lowers the IGV base).

A line the shopper paid nothing for (an offer's gift) is no sale SUNAT accepts at a value of 0
(error 3105): it is a bonificación, sent as SUNAT's guide has free transfers: its unit value 0,
its referential unit value (price type 02), a line value and IGV computed on that referential
value under tax 9996, and outside the document's taxed totals (the seller bears that IGV).

Why not a SUNAT library: sunat-py 0.5.0 (jinja templates, XSDs, zeep client) pins lxml<6,
signxml<5 and cryptography<45, which this project's pins exclude; openubl 1.1.0 makes FastAPI
and uvicorn runtime dependencies and pretty-prints the XML after signing it. Both build the
document from templates and sign with signxml, moving ds:Signature into ext:ExtensionContent,
which is what this module and receipts.signing do with lxml directly. The OASIS UBL 2.1 schemas
shipped in sunat-py's wheel are vendored for the tests (tests/receipts/ubl21/)."""

from decimal import Decimal

from lxml import etree

from .models import ZERO, Receipt, ReceiptKind

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "DebitNote": "urn:oasis:names:specification:ubl:schema:xsd:DebitNote-2",
}
# Each note's root, line and quantity elements, its reason's catálogo and name, its totals element.
NOTE_FORMS: dict[str, tuple[str, str, str, int, str]] = {
    ReceiptKind.CREDIT_NOTE: ("CreditNote", "CreditNoteLine", "CreditedQuantity", 9, "Tipo de nota de credito"),
    ReceiptKind.DEBIT_NOTE: ("DebitNote", "DebitNoteLine", "DebitedQuantity", 10, "Tipo de nota de debito"),
}
SIGNATURE_ID = "SignKallpa"
SUNAT = {"listAgencyName": "PE:SUNAT"}
CATALOG = "urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo{:02d}"


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


class _Builder:
    def __init__(self, root_name: str, currency: str):
        self.currency = currency
        nsmap: dict[str | None, str] = {None: ROOT_NS[root_name]}  # None: the default namespace
        nsmap.update(NS.items())
        self.root = etree.Element(f"{{{ROOT_NS[root_name]}}}{root_name}", nsmap=nsmap)

    def add(self, parent, tag: str, text=None, **attributes):
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", {k: str(v) for k, v in attributes.items()})
        if text is not None:
            element.text = str(text)
        return element

    def amount(self, parent, tag: str, value: Decimal, places: int = 2):
        text = f"{Decimal(value):.{places}f}" if places != 2 else _money(value)
        return self.add(parent, tag, text, currencyID=self.currency)


# Tax schemes (catálogo 05): IGV on a sale, and the free transfer of a unit given away.
IGV = ("1000", "IGV", "VAT")
FREE = ("9996", "GRA", "FRE")


def _tax_scheme(b: _Builder, parent, scheme_codes=IGV) -> None:
    code, name, type_code = scheme_codes
    scheme = b.add(parent, "cac:TaxScheme")
    b.add(
        scheme,
        "cbc:ID",
        code,
        schemeName="Codigo de tributos",
        schemeAgencyName="PE:SUNAT",
        schemeURI=CATALOG.format(5),
    )
    b.add(scheme, "cbc:Name", name)
    b.add(scheme, "cbc:TaxTypeCode", type_code)


def _party(
    b: _Builder, parent, *, scheme: str, document: str, name: str, address: str = "", supplier: bool = False
) -> None:
    party = b.add(b.add(parent, "cac:Party"), "cac:PartyIdentification")
    b.add(
        party,
        "cbc:ID",
        document or "-",
        schemeID=scheme,
        schemeName="Documento de Identidad",
        schemeAgencyName="PE:SUNAT",
        schemeURI=CATALOG.format(6),
    )
    party = party.getparent()
    if supplier:
        b.add(b.add(party, "cac:PartyName"), "cbc:Name", name)
    legal = b.add(party, "cac:PartyLegalEntity")
    b.add(legal, "cbc:RegistrationName", name or "-")
    if supplier or address:
        registered = b.add(legal, "cac:RegistrationAddress")
        if supplier:
            b.add(
                registered, "cbc:AddressTypeCode", "0000", listAgencyName="PE:SUNAT", listName="Establecimientos anexos"
            )
        if address:
            b.add(b.add(registered, "cac:AddressLine"), "cbc:Line", address)


def _signature_reference(b: _Builder, receipt: Receipt) -> None:
    signature = b.add(b.root, "cac:Signature")
    b.add(signature, "cbc:ID", SIGNATURE_ID)
    signatory = b.add(signature, "cac:SignatoryParty")
    b.add(b.add(signatory, "cac:PartyIdentification"), "cbc:ID", receipt.issuer_ruc)
    b.add(b.add(signatory, "cac:PartyName"), "cbc:Name", receipt.issuer_name)
    attachment = b.add(b.add(signature, "cac:DigitalSignatureAttachment"), "cac:ExternalReference")
    b.add(attachment, "cbc:URI", f"#{SIGNATURE_ID}")


def _tax_total(
    b: _Builder, parent, *, taxable: Decimal, igv: Decimal, line: bool, free: tuple[Decimal, Decimal] | None = None
) -> None:
    """The TaxTotal of a line or of the document: the IGV of what was sold and, when units were
    given free, the referential value and IGV of those (tax 9996), which the total tax leaves out."""
    total = b.add(parent, "cac:TaxTotal")
    b.amount(total, "cbc:TaxAmount", igv)
    if not (line and free):  # a free line has no sold part
        _tax_subtotal(b, total, taxable=taxable, igv=igv, line=line, scheme=IGV, affectation="10")
    if free:
        _tax_subtotal(b, total, taxable=free[0], igv=free[1], line=line, scheme=FREE, affectation="15")


def _tax_subtotal(b: _Builder, total, *, taxable: Decimal, igv: Decimal, line: bool, scheme, affectation: str) -> None:
    subtotal = b.add(total, "cac:TaxSubtotal")
    b.amount(subtotal, "cbc:TaxableAmount", taxable)
    b.amount(subtotal, "cbc:TaxAmount", igv)
    category = b.add(subtotal, "cac:TaxCategory")
    if line:
        b.add(category, "cbc:Percent", "18.00")
        b.add(
            category,
            "cbc:TaxExemptionReasonCode",
            affectation,
            listAgencyName="PE:SUNAT",
            listName="Afectacion del IGV",
            listURI=CATALOG.format(7),
        )
    _tax_scheme(b, category, scheme)


def _line(b: _Builder, receipt: Receipt, line, *, credit: bool) -> None:  # credit: any nota
    """One line as SUNAT's guide has it: quantity × unit value (without IGV) less the line's
    discount (allowance 00, which lowers the IGV base, with its base and factor) is the line's
    value; the unit price with IGV is what one unit really cost after that discount. A nota de
    crédito's line has no allowance in SUNAT's format: its unit value is the one net of the
    discount, so quantity × unit value is the line's value (error 3271, observation 4288); a
    nota de débito's line is written the same way."""
    _root, line_tag, quantity_tag, _catalog, _name = NOTE_FORMS.get(
        receipt.kind, ("Invoice", "InvoiceLine", "InvoicedQuantity", 0, "")
    )
    element = b.add(b.root, f"cac:{line_tag}")
    b.add(element, "cbc:ID", line.position)
    b.add(
        element,
        f"cbc:{quantity_tag}",
        line.quantity,
        unitCode=line.unit_code,
        unitCodeListID="UN/ECE rec 20",
        unitCodeListAgencyName="United Nations Economic Commission for Europe",
    )
    free = line.is_free and not credit
    b.amount(element, "cbc:LineExtensionAmount", line.free_value if free else line.taxable_amount)
    price = b.add(b.add(element, "cac:PricingReference"), "cac:AlternativeConditionPrice")
    b.amount(price, "cbc:PriceAmount", line.unit_value if free else line.paid_unit_price, places=10)
    b.add(
        price,
        "cbc:PriceTypeCode",
        "02" if free else "01",
        listName="Tipo de Precio",
        listAgencyName="PE:SUNAT",
        listURI=CATALOG.format(16),
    )
    if free:
        _tax_total(b, element, taxable=ZERO, igv=line.free_igv, line=True, free=(line.free_value, line.free_igv))
        _item(b, element, line)
        b.amount(b.add(element, "cac:Price"), "cbc:PriceAmount", ZERO, places=10)  # nothing charged (error 2640)
        return
    if not credit and line.discount > 0 and line.discount_value > 0:
        base, discount = line.gross_value, line.discount_value
        allowance = b.add(element, "cac:AllowanceCharge")
        b.add(allowance, "cbc:ChargeIndicator", "false")
        b.add(
            allowance,
            "cbc:AllowanceChargeReasonCode",
            "00",
            listAgencyName="PE:SUNAT",
            listName="Cargo/descuento",
            listURI=CATALOG.format(53),
        )
        b.add(allowance, "cbc:MultiplierFactorNumeric", f"{(discount / base):.5f}")
        b.amount(allowance, "cbc:Amount", discount)
        b.amount(allowance, "cbc:BaseAmount", base)
    _tax_total(b, element, taxable=line.taxable_amount, igv=line.igv, line=True)
    _item(b, element, line)
    unit_value = (line.taxable_amount / line.quantity) if credit else line.unit_value
    b.amount(b.add(element, "cac:Price"), "cbc:PriceAmount", unit_value, places=10)


def _item(b: _Builder, element, line) -> None:
    item = b.add(element, "cac:Item")
    b.add(item, "cbc:Description", line.description)
    if line.sku:
        b.add(b.add(item, "cac:SellersItemIdentification"), "cbc:ID", line.sku)


def receipt_xml(receipt: Receipt, lines) -> bytes:
    """The unsigned document (an empty ext:ExtensionContent waits for the signature)."""
    credit = receipt.kind in NOTE_FORMS  # a nota: no free transfers, its reason, its original
    root_name, _line_tag, _quantity_tag, reason_catalog, reason_name = NOTE_FORMS.get(
        receipt.kind, ("Invoice", "", "", 0, "")
    )
    lines = list(lines)
    given = [line for line in lines if line.is_free and not credit]
    free = (
        (sum((line.free_value for line in given), ZERO), sum((line.free_igv for line in given), ZERO))
        if given
        else None
    )
    b = _Builder(root_name, receipt.currency)
    root = b.root
    b.add(b.add(b.add(root, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent")
    b.add(root, "cbc:UBLVersionID", "2.1")
    b.add(root, "cbc:CustomizationID", "2.0", schemeAgencyName="PE:SUNAT")
    b.add(root, "cbc:ID", f"{receipt.series}-{receipt.number}")
    b.add(root, "cbc:IssueDate", receipt.issue_date.isoformat())
    b.add(root, "cbc:IssueTime", receipt.issue_time)
    if not credit:
        b.add(
            root,
            "cbc:InvoiceTypeCode",
            receipt.kind,
            listID="0101",
            listAgencyName="PE:SUNAT",
            listName="Tipo de Documento",
            listURI=CATALOG.format(1),
            name="Tipo de Operacion",
        )
    b.add(root, "cbc:Note", receipt.amount_in_words.removeprefix("SON: "), languageLocaleID="1000")
    b.add(
        root,
        "cbc:DocumentCurrencyCode",
        receipt.currency,
        listID="ISO 4217 Alpha",
        listName="Currency",
        listAgencyName="United Nations Economic Commission for Europe",
    )
    if credit:
        original = receipt.original
        assert original is not None  # a nota has one (receipts_receipt_note_has_original)
        response = b.add(root, "cac:DiscrepancyResponse")
        b.add(response, "cbc:ReferenceID", f"{original.series}-{original.number}")
        b.add(
            response,
            "cbc:ResponseCode",
            receipt.reason_code,
            listAgencyName="PE:SUNAT",
            listName=reason_name,
            listURI=CATALOG.format(reason_catalog),
        )
        b.add(response, "cbc:Description", receipt.reason or receipt.reason_label)
        reference = b.add(b.add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        b.add(reference, "cbc:ID", f"{original.series}-{original.number}")
        b.add(
            reference,
            "cbc:DocumentTypeCode",
            original.kind,
            listAgencyName="PE:SUNAT",
            listName="Tipo de Documento",
            listURI=CATALOG.format(1),
        )
    _signature_reference(b, receipt)
    _party(
        b,
        b.add(root, "cac:AccountingSupplierParty"),
        scheme="6",
        document=receipt.issuer_ruc,
        name=receipt.issuer_name,
        address=receipt.issuer_address,
        supplier=True,
    )
    _party(
        b,
        b.add(root, "cac:AccountingCustomerParty"),
        scheme=receipt.buyer_document_type,
        document=receipt.buyer_document,
        name=receipt.buyer_name,
        address=receipt.buyer_address,
    )
    if not credit and receipt.kind == ReceiptKind.FACTURA:
        terms = b.add(root, "cac:PaymentTerms")
        b.add(terms, "cbc:ID", "FormaPago")
        b.add(terms, "cbc:PaymentMeansID", "Contado")
    _tax_total(b, root, taxable=receipt.taxable_total, igv=receipt.igv_total, line=False, free=free)
    # A nota de débito's totals are its RequestedMonetaryTotal (UBL's DebitNote).
    totals = b.add(root, "cac:RequestedMonetaryTotal" if root_name == "DebitNote" else "cac:LegalMonetaryTotal")
    b.amount(totals, "cbc:LineExtensionAmount", receipt.taxable_total)
    b.amount(totals, "cbc:TaxInclusiveAmount", receipt.total)
    b.amount(totals, "cbc:PayableAmount", receipt.total)
    for line in lines:
        _line(b, receipt, line, credit=credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
