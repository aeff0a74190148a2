"""The SUNAT validation rules this store's receipts meet, stated in Python so that they run
everywhere (SUNAT's own stylesheets, tests/receipts/sunat_xsl.py, run where they are present).
Each rule carries SUNAT's code: an error rejects the document, an observation (4xxx) is accepted
with a note. Tolerances are SUNAT's (±1 sol on a line)."""

from decimal import Decimal

from lxml import etree

from receipts.ubl import NS

ONE = Decimal("1")


def _amount(element, path: str) -> Decimal:
    return sum((Decimal(node.text) for node in element.findall(path, NS)), Decimal("0"))


def sunat_rule_breaches(xml: str, *, file_name: str) -> list[str]:
    """The rules `xml`, sent as `file_name` (without .zip), breaks; empty when it breaks none."""
    document = etree.fromstring(xml.encode())
    credit = etree.QName(document).localname == "CreditNote"
    breaches = []
    series, number = document.findtext("cbc:ID", namespaces=NS).split("-")
    if file_name.split("-")[2:] != [series, number]:
        breaches.append(f"1036: the file name {file_name} does not carry cbc:ID {series}-{number} as written")
    line_tag, quantity_tag = ("cac:CreditNoteLine", "cbc:CreditedQuantity") if credit else ("cac:InvoiceLine",
                                                                                           "cbc:InvoicedQuantity")
    lines = document.findall(line_tag, NS)
    for position, line in enumerate(lines, start=1):
        quantity = Decimal(line.findtext(quantity_tag, namespaces=NS))
        value = Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS))
        tax = Decimal(line.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS))
        unit_value = Decimal(line.findtext("cac:Price/cbc:PriceAmount", namespaces=NS))
        unit_price = Decimal(line.findtext("cac:PricingReference/cac:AlternativeConditionPrice/cbc:PriceAmount",
                                           namespaces=NS))
        allowances = _amount(line, "cac:AllowanceCharge[cbc:AllowanceChargeReasonCode='00']/cbc:Amount")
        if credit and allowances:
            breaches.append(f"line {position}: a credit note line carries no allowance; its unit value is net")
        if abs(unit_price - (value + tax) / quantity) > ONE:
            breaches.append(f"{'4288' if credit else '3270/4287'} line {position}: unit price {unit_price} is not "
                            f"(value + IGV) / quantity = {(value + tax) / quantity}")
        if abs(value - (unit_value * quantity - allowances)) > ONE:
            breaches.append(f"{'3271/4288' if credit else '3271'} line {position}: value {value} is not quantity × "
                            f"unit value − discounts = {unit_value * quantity - allowances}")
        for allowance in line.findall("cac:AllowanceCharge", NS):
            base = Decimal(allowance.findtext("cbc:BaseAmount", namespaces=NS))
            factor = Decimal(allowance.findtext("cbc:MultiplierFactorNumeric", namespaces=NS))
            amount = Decimal(allowance.findtext("cbc:Amount", namespaces=NS))
            if abs(base * factor - amount) > ONE:
                breaches.append(f"3052 line {position}: allowance {amount} is not base × factor = {base * factor}")
    values = sum((Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS)) for line in lines), Decimal("0"))
    taxes = sum((Decimal(line.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) for line in lines), Decimal("0"))
    totals = document.find("cac:LegalMonetaryTotal", NS)
    if Decimal(totals.findtext("cbc:LineExtensionAmount", namespaces=NS)) != values:
        breaches.append("4309/3277: the document's value is not the sum of its lines' values")
    if Decimal(document.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) != taxes:
        breaches.append("3294/4301: the document's IGV is not the sum of its lines' IGV")
    if Decimal(totals.findtext("cbc:PayableAmount", namespaces=NS)) != values + taxes:
        breaches.append("4312/3279: the amount payable is not value + IGV")
    return breaches
