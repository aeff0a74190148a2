"""The UBL 2.1 DespatchAdvice of a guía de remisión remitente as SUNAT's GRE reads it
(CustomizationID 2.0), built with lxml in the schema's element order, as receipts.ubl builds
boletas and facturas; signed by receipts.signing. Codes: catálogo 01 (document type 09; the
related receipt 01 or 03, catálogo 61), 06 (identity), 13 (ubigeo), 18 (modalidad de traslado),
20 (motivo de traslado).

What SUNAT's rules (ValidaExprRegGreRemitente-2.0.1.xsl) shape here:
- a sale (01) names the buyer as recipient (DeliveryCustomerParty), never the store (2555), and
  its arrival carries no establishment code of the store (3411); a transfer (04) names the store
  itself as recipient (2554) and both points carry the store's establishment codes (3365, 3369);
- private transport (02): the vehicle's plate (TransportEquipment, 2566) and the main driver
  (JobTitle "Principal", 3357) with DNI, names and licence (2568–2573); no carrier (3347);
- public transport (01): the carrier's RUC, name and MTC registration (2558, 2563, 4391); no
  plate (3354);
- the start date is not before the issue date (3343, 4386)."""

from decimal import Decimal

from lxml import etree

from receipts.ubl import CATALOG, NS, SIGNATURE_ID

from .models import KIND, DespatchAdvice, DespatchLine, Reason, TransportMode

ROOT_NS = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
SUNAT = "PE:SUNAT"
RELATED_TYPE_NAMES = {"01": "Factura", "03": "Boleta de Venta"}
REASON_TEXT = {Reason.SALE: "Venta", Reason.TRANSFER: "Traslado entre establecimientos de la misma empresa"}


def _qualified(tag: str) -> str:
    """ "cbc:ID" as lxml names it: {namespace}ID."""
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


class _Builder:
    def __init__(self) -> None:
        nsmap: dict[str | None, str] = {None: ROOT_NS}
        nsmap.update(NS.items())
        self.root = etree.Element(f"{{{ROOT_NS}}}DespatchAdvice", nsmap=nsmap)

    def add(self, parent, tag: str, text=None, **attributes):
        element = etree.SubElement(parent, _qualified(tag), {key: str(value) for key, value in attributes.items()})
        element.text = None if text is None else str(text)
        return element

    def identity(self, parent, scheme: str, number: str):
        return self.add(
            parent,
            "cbc:ID",
            number,
            schemeID=scheme,
            schemeName="Documento de Identidad",
            schemeAgencyName=SUNAT,
            schemeURI=CATALOG.format(6),
        )

    def party(self, parent, *, scheme: str, number: str, name: str) -> None:
        party = self.add(parent, "cac:Party")
        self.identity(self.add(party, "cac:PartyIdentification"), scheme, number)
        self.add(self.add(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", name)


def _kg(value: Decimal) -> str:
    return f"{Decimal(value):.3f}"


def _quantity(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _signature_reference(b: _Builder, advice: DespatchAdvice) -> None:
    signature = b.add(b.root, "cac:Signature")
    b.add(signature, "cbc:ID", SIGNATURE_ID)
    signatory = b.add(signature, "cac:SignatoryParty")
    b.add(b.add(signatory, "cac:PartyIdentification"), "cbc:ID", advice.issuer_ruc)
    b.add(b.add(signatory, "cac:PartyName"), "cbc:Name", advice.issuer_name)
    attachment = b.add(b.add(signature, "cac:DigitalSignatureAttachment"), "cac:ExternalReference")
    b.add(attachment, "cbc:URI", f"#{SIGNATURE_ID}")


def _related_document(b: _Builder, advice: DespatchAdvice) -> None:
    if not advice.related_document:
        return
    reference = b.add(b.root, "cac:AdditionalDocumentReference")
    b.add(reference, "cbc:ID", advice.related_document)
    b.add(
        reference,
        "cbc:DocumentTypeCode",
        advice.related_document_type,
        listAgencyName=SUNAT,
        listName="Documento relacionado al transporte",
        listURI=CATALOG.format(61),
    )
    b.add(reference, "cbc:DocumentType", RELATED_TYPE_NAMES.get(advice.related_document_type, ""))
    issuer = b.add(b.add(reference, "cac:IssuerParty"), "cac:PartyIdentification")
    b.identity(issuer, "6", advice.issuer_ruc)


def _address(b: _Builder, parent, tag: str, *, ubigeo: str, line: str, establishment: str, ruc: str) -> None:
    address = b.add(parent, tag)
    b.add(address, "cbc:ID", ubigeo, schemeName="Ubigeos", schemeAgencyName="PE:INEI")
    if establishment:
        b.add(
            address,
            "cbc:AddressTypeCode",
            establishment,
            listID=ruc,
            listAgencyName=SUNAT,
            listName="Establecimientos anexos",
        )
    b.add(b.add(address, "cac:AddressLine"), "cbc:Line", line)


def _stage(b: _Builder, shipment, advice: DespatchAdvice) -> None:
    stage = b.add(shipment, "cac:ShipmentStage")
    b.add(
        stage,
        "cbc:TransportModeCode",
        advice.transport_mode,
        listName="Modalidad de traslado",
        listAgencyName=SUNAT,
        listURI=CATALOG.format(18),
    )
    b.add(b.add(stage, "cac:TransitPeriod"), "cbc:StartDate", advice.start_date.isoformat())
    if advice.transport_mode == TransportMode.PUBLIC:
        carrier = b.add(stage, "cac:CarrierParty")
        b.identity(b.add(carrier, "cac:PartyIdentification"), "6", advice.carrier_ruc)
        legal = b.add(carrier, "cac:PartyLegalEntity")
        b.add(legal, "cbc:RegistrationName", advice.carrier_name)
        b.add(legal, "cbc:CompanyID", advice.carrier_mtc)
        return
    driver = b.add(stage, "cac:DriverPerson")
    b.identity(driver, "1", advice.driver_document)
    b.add(driver, "cbc:FirstName", advice.driver_first_name)
    b.add(driver, "cbc:FamilyName", advice.driver_family_name)
    b.add(driver, "cbc:JobTitle", "Principal")
    b.add(b.add(driver, "cac:IdentityDocumentReference"), "cbc:ID", advice.driver_licence)


def _shipment(b: _Builder, advice: DespatchAdvice) -> None:
    shipment = b.add(b.root, "cac:Shipment")
    b.add(shipment, "cbc:ID", "SUNAT_Envio")
    b.add(
        shipment,
        "cbc:HandlingCode",
        advice.reason,
        listAgencyName=SUNAT,
        listName="Motivo de traslado",
        listURI=CATALOG.format(20),
    )
    b.add(shipment, "cbc:HandlingInstructions", REASON_TEXT[Reason(advice.reason)])
    b.add(shipment, "cbc:GrossWeightMeasure", _kg(advice.gross_weight_kg), unitCode="KGM")
    _stage(b, shipment, advice)
    delivery = b.add(shipment, "cac:Delivery")
    transfer = advice.reason == Reason.TRANSFER
    _address(
        b,
        delivery,
        "cac:DeliveryAddress",
        ubigeo=advice.arrival_ubigeo,
        line=advice.arrival_address,
        establishment=advice.arrival_establishment if transfer else "",
        ruc=advice.issuer_ruc,
    )
    _address(
        b,
        b.add(delivery, "cac:Despatch"),
        "cac:DespatchAddress",
        ubigeo=advice.origin_ubigeo,
        line=advice.origin_address,
        establishment=advice.origin_establishment,
        ruc=advice.issuer_ruc,
    )
    if advice.transport_mode == TransportMode.PRIVATE:
        equipment = b.add(b.add(shipment, "cac:TransportHandlingUnit"), "cac:TransportEquipment")
        b.add(equipment, "cbc:ID", advice.vehicle_plate)


def _line(b: _Builder, line: DespatchLine) -> None:
    element = b.add(b.root, "cac:DespatchLine")
    b.add(element, "cbc:ID", line.position)
    b.add(
        element,
        "cbc:DeliveredQuantity",
        _quantity(line.quantity),
        unitCode=line.unit_code,
        unitCodeListID="UN/ECE rec 20",
        unitCodeListAgencyName="United Nations Economic Commission for Europe",
    )
    b.add(b.add(element, "cac:OrderLineReference"), "cbc:LineID", line.position)
    item = b.add(element, "cac:Item")
    b.add(item, "cbc:Description", line.description)
    if line.sku:
        b.add(b.add(item, "cac:SellersItemIdentification"), "cbc:ID", line.sku[:30])


def despatch_xml(advice: DespatchAdvice, lines) -> bytes:
    """The unsigned document (an empty ext:ExtensionContent waits for the signature)."""
    b = _Builder()
    root = b.root
    b.add(b.add(b.add(root, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent")
    b.add(root, "cbc:UBLVersionID", "2.1")
    b.add(root, "cbc:CustomizationID", "2.0")
    b.add(root, "cbc:ID", f"{advice.series}-{advice.number}")
    b.add(root, "cbc:IssueDate", advice.issue_date.isoformat())
    b.add(root, "cbc:IssueTime", advice.issue_time)
    b.add(
        root,
        "cbc:DespatchAdviceTypeCode",
        KIND,
        listAgencyName=SUNAT,
        listName="Tipo de Documento",
        listURI=CATALOG.format(1),
    )
    _related_document(b, advice)
    _signature_reference(b, advice)
    b.party(b.add(root, "cac:DespatchSupplierParty"), scheme="6", number=advice.issuer_ruc, name=advice.issuer_name)
    b.party(
        b.add(root, "cac:DeliveryCustomerParty"),
        scheme=advice.recipient_document_type,
        number=advice.recipient_document,
        name=advice.recipient_name,
    )
    _shipment(b, advice)
    for line in lines:
        _line(b, line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
