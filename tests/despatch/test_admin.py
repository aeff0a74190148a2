"""Staff issue a guía from the shipments' list (one form for the transport data), see the guías
(list, detail, PDF, CDR) in Spanish, and bad input comes back as a message, never a 500."""

import pytest
from django.urls import reverse

from despatch import services
from despatch.admin import visible_guias
from despatch.models import DespatchAdvice
from tests.factories import SellerFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:shipping_shipment_changelist"
OWN_VEHICLE_FORM = {
    "transport_mode": "02",
    "vehicle_plate": "ABC-123",
    "driver_document": "45678912",
    "driver_first_name": "Juan Carlos",
    "driver_family_name": "Quispe Mamani",
    "driver_licence": "Q45678912",
}


def _post(admin_client, legs, **fields):
    data = {"action": "issue_guia", "_selected_action": [leg.pk for leg in legs], "apply": "1", **fields}
    return admin_client.post(reverse(CHANGELIST), data, follow=True)


def test_the_action_shows_the_form_then_issues_the_guia(admin_client, gre_store):
    page = admin_client.post(reverse(CHANGELIST), {"action": "issue_guia", "_selected_action": [gre_store.leg.pk]})
    assert page.status_code == 200 and "Emitir guía de remisión" in page.content.decode()
    response = _post(admin_client, [gre_store.leg], **OWN_VEHICLE_FORM)
    assert "1 guía de remisión emitida." in response.content.decode()
    guia = DespatchAdvice.objects.get()
    assert (guia.shipment_id, guia.vehicle_plate) == (gre_store.leg.pk, "ABC123")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"vehicle_plate": "A1"}, "placa"),
        ({"driver_document": "12ab"}, "DNI"),
        ({"driver_licence": ""}, "licencia"),
        ({"transport_mode": "09"}, "Escoja una opción válida"),
        ({"transport_mode": "01", "carrier_ruc": "12345678901"}, "RUC"),
        ({"gross_weight_kg": "-3"}, "0.001"),
        ({"start_date": "2020-01-01"}, "antes de hoy"),
    ],
)
def test_bad_input_shows_the_form_again_with_its_message(admin_client, gre_store, changes, message):
    response = _post(admin_client, [gre_store.leg], **{**OWN_VEHICLE_FORM, **changes})
    assert response.status_code == 200 and message in response.content.decode()
    assert not DespatchAdvice.objects.exists()


def test_a_replay_issues_nothing_twice(admin_client, gre_store):
    _post(admin_client, [gre_store.leg], **OWN_VEHICLE_FORM)
    response = _post(admin_client, [gre_store.leg], **OWN_VEHICLE_FORM)
    assert "ya tiene la guía T001-00000001" in response.content.decode()
    assert DespatchAdvice.objects.count() == 1


def test_a_tampered_leg_id_issues_nothing(admin_client, gre_store):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "issue_guia", "_selected_action": ["999999"], "apply": "1", **OWN_VEHICLE_FORM},
        follow=True,
    )
    assert response.status_code == 200 and not DespatchAdvice.objects.exists()


def test_a_sellers_guias_are_only_their_own(rf, gre_store, by_carrier):
    services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    seller = SellerFactory(is_approved=True)
    request = rf.get("/")
    request.user = seller.user
    assert list(visible_guias(request, DespatchAdvice.objects.all())) == []


def test_detail_pdf_and_cdr(admin_client, gre_store, by_carrier):
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    detail = admin_client.get(reverse("admin:despatch_despatchadvice_change", args=[guia.pk]))
    assert detail.status_code == 200 and "T001" in detail.content.decode()
    pdf = admin_client.get(reverse("admin:despatch_despatchadvice_pdf", args=[guia.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert admin_client.get(reverse("admin:despatch_despatchadvice_cdr", args=[guia.pk])).status_code == 404
    DespatchAdvice.objects.filter(pk=guia.pk).update(
        cdr_xml="<ApplicationResponse/>", status="accepted", qr_url="https://e-factura.sunat.gob.pe/qr?h=1"
    )
    cdr = admin_client.get(reverse("admin:despatch_despatchadvice_cdr", args=[guia.pk]))
    assert cdr.status_code == 200 and cdr["Content-Disposition"].endswith(f'R-{guia.file_name}.xml"')
    assert admin_client.get(reverse("admin:despatch_despatchadvice_pdf", args=[guia.pk])).content.startswith(b"%PDF")
    assert admin_client.get(reverse("admin:despatch_despatchadvice_pdf", args=[999999])).status_code == 404


def _guias(count, gre_store, by_carrier):
    for _ in range(count):
        guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
        DespatchAdvice.objects.filter(pk=guia.pk).update(status="rejected")


def test_the_guias_changelist_reads_flat(admin_client, gre_store, by_carrier):
    """The same queries for one guía as for twelve."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:despatch_despatchadvice_changelist")
    counts = []
    for rows in (1, 11):
        _guias(rows, gre_store, by_carrier)
        admin_client.get(url)  # warm sessions and caches
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 12


def test_staff_issue_the_guia_of_a_transfer(admin_client, gre_store, gre_transfer):
    url = reverse("admin:despatch_despatchadvice_transfer")
    page = admin_client.get(url)
    assert page.status_code == 200 and "RUN-ANDES-42 × 3 · LIM-CENTRAL" in page.content.decode()
    assert (
        "Emitir la guía de un traslado"
        in admin_client.get(reverse("admin:despatch_despatchadvice_changelist")).content.decode()
    )
    response = admin_client.post(url, {"transfer": str(gre_transfer), **OWN_VEHICLE_FORM}, follow=True)
    guia = DespatchAdvice.objects.get()
    assert guia.reason == "04" and "Guía T001-00000001 emitida." in response.content.decode()
    again = admin_client.post(url, {"transfer": str(gre_transfer), **OWN_VEHICLE_FORM})
    assert again.status_code == 200 and "Escoja una opción válida" in again.content.decode()  # no longer offered
    tampered = admin_client.post(url, {"transfer": "not-a-key", **OWN_VEHICLE_FORM})
    assert tampered.status_code == 200 and DespatchAdvice.objects.count() == 1


def test_the_form_comes_filled_with_the_legs_carrier(admin_client, gre_store):
    from despatch.models import CarrierRegistration
    from shipping.models import Shipment

    Shipment.objects.filter(pk=gre_store.leg.pk).update(carrier="olva")
    CarrierRegistration.objects.create(
        carrier="olva", ruc="20100686814", legal_name="OLVA COURIER S.A.C.", mtc_registration="1503351CNG"
    )
    page = admin_client.post(reverse(CHANGELIST), {"action": "issue_guia", "_selected_action": [gre_store.leg.pk]})
    html = page.content.decode()
    assert 'value="20100686814"' in html and 'value="1503351CNG"' in html
    assert admin_client.get(reverse("admin:despatch_carrierregistration_changelist")).status_code == 200
