"""Every judge of a receipt at once: the OASIS UBL 2.1 schemas, xmlsec1's signature check, SUNAT's
rules as tests/receipts/sunat_rules.py states them and, where present, SUNAT's own stylesheets."""

import shutil
import subprocess
from pathlib import Path

from lxml import etree

from tests.receipts.sunat_rules import sunat_rule_breaches
from tests.receipts.sunat_xsl import stylesheet_folder, sunat_verdicts

XSD = Path(__file__).parent / "ubl21" / "maindoc"


def judge_all(receipts, certificate_pem: Path) -> None:
    """The schemas, xmlsec1, SUNAT's rules as tests/receipts/sunat_rules.py states them and, where
    present, SUNAT's own stylesheets, over each receipt: all failures at once."""
    schemas = {
        name: etree.XMLSchema(etree.parse(str(XSD / f"UBL-{name}-2.1.xsd")))
        for name in ("Invoice", "CreditNote", "DebitNote")
    }
    roots = {"07": "CreditNote", "08": "DebitNote"}
    failures = []
    for receipt in receipts:
        assert receipt.is_signed, receipt
        schema = schemas[roots.get(receipt.kind, "Invoice")]
        if not schema.validate(etree.fromstring(receipt.xml.encode())):
            failures.append(f"{receipt.file_name}: XSD {schema.error_log}")
    assert shutil.which("xmlsec1"), "xmlsec1 is missing: `make test-deps` installs it"
    for receipt in receipts:
        signed = certificate_pem.parent / f"{receipt.file_name}.xml"
        signed.write_text(receipt.xml, encoding="utf-8")
        check = subprocess.run(
            [
                "xmlsec1",
                "--verify",
                "--pubkey-cert-pem",
                str(certificate_pem),
                "--id-attr:Id",
                "Signature",
                str(signed),
            ],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            failures.append(f"{receipt.file_name}: xmlsec1 {check.stderr[-500:]}")
    for receipt in receipts:
        failures += [
            f"{receipt.file_name}: {breach}" for breach in sunat_rule_breaches(receipt.xml, file_name=receipt.file_name)
        ]
    if stylesheet_folder() is not None:
        failures += [str(verdict) for verdict in sunat_verdicts(receipts) if not verdict.clean]
    assert not failures, "\n".join(failures)
