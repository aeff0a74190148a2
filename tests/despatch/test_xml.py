"""Every guía the services issue passes SUNAT's own rules (ValidaExprRegGreRemitente-2.0.1.xsl) with
no error and no observation, and the UBL 2.1 DespatchAdvice schema."""

from pathlib import Path

import pytest
from lxml import etree

from despatch import services
from tests.receipts.sunat_xsl import require_stylesheets, sunat_verdicts

pytestmark = pytest.mark.sunat_xsl  # skips (allowed) where SUNAT's stylesheets are not laid out


def _issued(gre_store, gre_transfer, by_carrier, by_own_vehicle):
    sale_by_carrier = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    sale_by_carrier.status = "rejected"  # a second leg's guía below: the first one set aside
    sale_by_carrier.save(update_fields=["status"])
    sale_by_own_vehicle = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_own_vehicle)
    transfer = services.guia_issue_for_transfer(transfer_key=gre_transfer, transport=by_own_vehicle)
    return [sale_by_carrier, sale_by_own_vehicle, transfer]


@pytest.mark.django_db
def test_sunat_accepts_every_guia_with_no_observation(gre_store, gre_transfer, by_carrier, by_own_vehicle):
    guias = _issued(gre_store, gre_transfer, by_carrier, by_own_vehicle)
    verdicts = sunat_verdicts(guias)
    assert len(verdicts) == 3
    assert [str(v) for v in verdicts if not v.clean] == []


class _Renamed:
    def __init__(self, guia, file_name):
        self.kind, self.xml, self.file_name = guia.kind, guia.xml, file_name


@pytest.mark.django_db
def test_the_judge_rejects_a_guia_sent_under_another_number(gre_store, by_carrier):
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    [verdict] = sunat_verdicts([_Renamed(guia, f"{guia.issuer_ruc}-09-{guia.series}-{guia.number + 1}")])
    assert "errorCode 1036" in verdict.error


@pytest.mark.django_db
def test_a_signed_guia_passes_too(gre_store, by_own_vehicle, gre_certificate):
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_own_vehicle)
    assert guia.digest
    [verdict] = sunat_verdicts([guia])
    assert verdict.clean, str(verdict)


def _schema() -> etree.XMLSchema:
    folder = require_stylesheets().parent / "ubl21-xsd" / "maindoc"
    path = next(Path(folder).glob("UBL-DespatchAdvice-2.1.xsd"))
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.django_db
def test_every_signed_guia_is_a_valid_ubl_despatch_advice(
    gre_store, gre_transfer, by_carrier, by_own_vehicle, gre_certificate
):
    schema = _schema()
    for guia in _issued(gre_store, gre_transfer, by_carrier, by_own_vehicle):
        document = etree.fromstring(guia.xml.encode())
        assert schema.validate(document), (guia.full_number, schema.error_log.last_error)


@pytest.mark.django_db
def test_the_judge_reports_an_observation_too(gre_store, by_own_vehicle):
    """A driver's first name under three letters is accepted with observation 4409: "clean" means none."""
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_own_vehicle)
    renamed = _Renamed(guia, guia.file_name)
    renamed.xml = guia.xml.replace("<cbc:FirstName>Juan Carlos</cbc:FirstName>", "<cbc:FirstName>Jo</cbc:FirstName>")
    [verdict] = sunat_verdicts([renamed])
    assert not verdict.error and any("4409" in note for note in verdict.observations)


@pytest.mark.django_db
def test_a_guia_naming_the_sales_boleta_passes_too(gre_store, by_carrier):
    from receipts.services import receipt_issue_for_order

    receipt = receipt_issue_for_order(order_id=gre_store.order.pk)
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    assert (guia.related_document, guia.related_document_type) == (f"{receipt.series}-{receipt.number}", receipt.kind)
    assert "<cac:AdditionalDocumentReference>" in guia.xml
    [verdict] = sunat_verdicts([guia])
    assert verdict.clean, str(verdict)


@pytest.mark.django_db
def test_a_guia_for_a_company_naming_its_factura_passes_too(gre_store, by_own_vehicle):
    from receipts.services import receipt_issue_for_order
    from tests.factories import BUYER_RUC

    order = gre_store.order
    order.customer_document, order.customer_document_type = BUYER_RUC, "ruc"
    order.customer_legal_name = "Comercial Andina S.A.C."
    order.save(update_fields=["customer_document", "customer_document_type", "customer_legal_name"])
    receipt = receipt_issue_for_order(order_id=order.pk)
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_own_vehicle)
    assert (guia.recipient_document_type, guia.related_document_type) == ("6", receipt.kind) == ("6", "01")
    [verdict] = sunat_verdicts([guia])
    assert verdict.clean, str(verdict)
