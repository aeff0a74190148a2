"""The SUNAT validation rules this store's receipts meet, stated in Python so that they run
everywhere (SUNAT's own stylesheets, tests/receipts/sunat_xsl.py, run where they are present).
Each rule carries SUNAT's code: an error rejects the document, an observation (4xxx) is accepted
with a note. Tolerances are SUNAT's (±1 sol on a line). A line given free (tax 9996) is judged as
SUNAT judges free transfers and left out of the document's sold totals."""

from decimal import Decimal

from lxml import etree

from receipts.ubl import NS

ONE = Decimal("1")
FREE_SCHEME = "cac:TaxCategory/cac:TaxScheme/cbc:ID='9996'"


def _amount(element, path: str) -> Decimal:
    return sum((Decimal(node.text) for node in element.xpath(path, namespaces=NS)), Decimal("0"))


def _is_free(line) -> bool:
    return _amount(line, f"cac:TaxTotal/cac:TaxSubtotal[{FREE_SCHEME}]/cbc:TaxableAmount") > 0


def _line_amounts(line, quantity_tag: str) -> dict:
    price = "cac:PricingReference/cac:AlternativeConditionPrice/"
    return {
        "quantity": Decimal(line.findtext(quantity_tag, namespaces=NS)),
        "value": Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS)),
        "tax": Decimal(line.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)),
        "unit_value": Decimal(line.findtext("cac:Price/cbc:PriceAmount", namespaces=NS)),
        "unit_price": Decimal(line.findtext(price + "cbc:PriceAmount", namespaces=NS)),
        "price_type": line.findtext(price + "cbc:PriceTypeCode", namespaces=NS),
        "allowances": _amount(line, "cac:AllowanceCharge[cbc:AllowanceChargeReasonCode='00']/cbc:Amount"),
    }


def _free_line_breaches(line, position: int, a: dict) -> list[str]:
    """A unit given free (tax 9996): valued at its referential unit value, charged nothing."""
    breaches = []
    if a["unit_value"] > 0:
        breaches.append(f"2640 line {position}: a free line's unit value must be 0, not {a['unit_value']}")
    if a["price_type"] != "02":
        breaches.append(f"3234 line {position}: a free line's price is referential (type 02), not {a['price_type']}")
    if abs(a["value"] - a["unit_price"] * a["quantity"]) > ONE:
        breaches.append(
            f"3271 line {position}: value {a['value']} is not quantity × referential value "
            f"= {a['unit_price'] * a['quantity']}"
        )
    affectation = "".join(
        line.xpath(
            f"cac:TaxTotal/cac:TaxSubtotal[{FREE_SCHEME}]/cac:TaxCategory/cbc:TaxExemptionReasonCode/text()",
            namespaces=NS,
        )
    )
    if affectation == "15" and a["value"] > Decimal("0.06") and a["tax"] == 0:
        breaches.append(f"3111 line {position}: a taxed bonificación states its IGV")
    return breaches


def _sold_line_breaches(line, position: int, a: dict, *, credit: bool) -> list[str]:
    breaches = []
    quantity, value, tax, unit_value, unit_price = (
        a[k] for k in ("quantity", "value", "tax", "unit_value", "unit_price")
    )
    if a["price_type"] == "02" and unit_price > 0:
        breaches.append(f"3224 line {position}: a referential price (type 02) on a line that is not free")
    if credit and a["allowances"]:
        breaches.append(f"line {position}: a credit note line carries no allowance; its unit value is net")
    if abs(unit_price - (value + tax) / quantity) > ONE:
        breaches.append(
            f"{'4288' if credit else '3270/4287'} line {position}: unit price {unit_price} is not "
            f"(value + IGV) / quantity = {(value + tax) / quantity}"
        )
    if abs(value - (unit_value * quantity - a["allowances"])) > ONE:
        breaches.append(
            f"{'3271/4288' if credit else '3271'} line {position}: value {value} is not quantity × "
            f"unit value − discounts = {unit_value * quantity - a['allowances']}"
        )
    for allowance in line.findall("cac:AllowanceCharge", NS):
        base = Decimal(allowance.findtext("cbc:BaseAmount", namespaces=NS))
        factor = Decimal(allowance.findtext("cbc:MultiplierFactorNumeric", namespaces=NS))
        amount = Decimal(allowance.findtext("cbc:Amount", namespaces=NS))
        if abs(base * factor - amount) > ONE:
            breaches.append(f"3052 line {position}: allowance {amount} is not base × factor = {base * factor}")
    return breaches


def sunat_rule_breaches(xml: str, *, file_name: str) -> list[str]:
    """The rules `xml`, sent as `file_name` (without .zip), breaks; empty when it breaks none."""
    document = etree.fromstring(xml.encode())
    root = etree.QName(document).localname
    credit = root in ("CreditNote", "DebitNote")  # a nota: its lines carry no allowance
    breaches = []
    series, number = document.findtext("cbc:ID", namespaces=NS).split("-")
    if file_name.split("-")[2:] != [series, number]:
        breaches.append(f"1036: the file name {file_name} does not carry cbc:ID {series}-{number} as written")
    line_tag, quantity_tag = {
        "CreditNote": ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
        "DebitNote": ("cac:DebitNoteLine", "cbc:DebitedQuantity"),
    }.get(root, ("cac:InvoiceLine", "cbc:InvoicedQuantity"))
    lines = document.findall(line_tag, NS)
    sold = []
    for position, line in enumerate(lines, start=1):
        amounts = _line_amounts(line, quantity_tag)
        if _is_free(line):
            breaches += _free_line_breaches(line, position, amounts)
        else:
            sold.append(line)
            breaches += _sold_line_breaches(line, position, amounts, credit=credit)
    # The document's value and tax are those of what was sold: free lines stay out of both.
    values = sum((Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=NS)) for line in sold), Decimal("0"))
    taxes = sum((Decimal(line.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) for line in sold), Decimal("0"))
    if (
        len(sold) < len(lines)
        and _amount(document, f"cac:TaxTotal/cac:TaxSubtotal[{FREE_SCHEME}]/cbc:TaxableAmount") <= 0
    ):
        breaches.append("2641: free lines need the document's total of free transfers (tax 9996)")
    # A nota de débito's totals are its RequestedMonetaryTotal (UBL's DebitNote).
    totals = document.find("cac:RequestedMonetaryTotal" if root == "DebitNote" else "cac:LegalMonetaryTotal", NS)
    if Decimal(totals.findtext("cbc:LineExtensionAmount", namespaces=NS)) != values:
        breaches.append("4309/3277: the document's value is not the sum of its lines' values")
    if Decimal(document.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) != taxes:
        breaches.append("3294/4301: the document's IGV is not the sum of its lines' IGV")
    if Decimal(totals.findtext("cbc:PayableAmount", namespaces=NS)) != values + taxes:
        breaches.append("4312/3279: the amount payable is not value + IGV")
    return breaches
