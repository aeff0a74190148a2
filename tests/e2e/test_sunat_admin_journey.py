"""SUNAT's admin in Chromium, at 1280 and 390 px: staff open "Lo que SUNAT no ha aceptado" and find
the factura SUNAT rejected (its code and text), re-issue it under a new number in one action, issue a
nota de débito on another factura, and void a third by a comunicación de baja. SUNAT is faked at the
HTTP boundary by a real local billService (demo/fake_sunat.py's SimulatedSunat, SUNAT's shapes):
the store's own sending services post to it, the tasks run after each commit. Every page is in
Spanish and nothing sticks out sideways."""

import pytest

from demo.fake_sunat import SimulatedSunat, Verdict
from receipts.models import Receipt, ReceiptKind, SendStatus
from receipts.services import receipt_issue_for_order, receipt_send
from sunat.models import Summary, SummaryKind, SummaryStatus
from tests.e2e.helpers import DESKTOP, PHONE, admin_action, screenshot, sign_in
from tests.factories import BUYER_RUC, UserFactory, make_certificate, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db(transaction=True)
REJECTION = Verdict(code="2022", text="RegistrationName - El dato ingresado no cumple con el estandar")
# What these pages say in English when a translation is missing.
ENGLISH = (
    "What SUNAT has not accepted",
    "Days left",
    "Overdue",
    "Rejected",
    "re-issued",
    "Re-issue",
    "Debit note",
    "debit note",
    "Amount (with IGV)",
    "SUNAT reason",
    "Void receipt",
    "How it is voided",
    "Voiding notice",
    "goes to SUNAT",
    "Accepted",
    "Send again",
)


@pytest.fixture
def sunat_world(tmp_path, settings):
    """Three facturas SUNAT has answered (the first rejected), signed, and staff to deal with them;
    SUNAT's billService up for what staff issue next."""
    settings.SUNAT_CERT_PATH, _pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PASSWORD, settings.SUNAT_SEND_URL = "", ""
    facturas = []
    for _ in range(3):
        order = make_order(document_type="ruc", document=BUYER_RUC)
        pay(order)
        facturas.append(receipt_issue_for_order(order_id=order.pk, notify=False))
    with SimulatedSunat({facturas[0].file_name: REJECTION}) as simulated:
        settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = (
            simulated.url,
            "20601234565MODDATOS",
            "moddatos",
        )
        for factura in facturas:
            receipt_send(receipt_id=factura.pk)
        staff = UserFactory(email="contabilidad@kallpa.pe", is_staff=True, is_superuser=True)
        yield {"facturas": facturas, "staff": staff, "sunat": simulated}


def looks_right(page, name: str) -> None:
    """Spanish, nothing clipped sideways, and a picture to look at."""
    screenshot(page, name)
    text = page.locator("body").inner_text()
    assert [english for english in ENGLISH if english in text] == [], name
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), name


def run_receipt_action(page, receipt: Receipt, action: str) -> None:
    page.goto(f"/admin/receipts/receipt/?q={receipt.order.number}")
    page.locator(f"input[name=_selected_action][value='{receipt.pk}']").check()
    admin_action(page, action)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_staff_reissue_a_rejection_charge_a_debit_note_and_void_a_factura(new_page, sunat_world, viewport):
    rejected, charged, voided = sunat_world["facturas"]
    assert [f.send_status for f in Receipt.objects.order_by("pk")] == [
        SendStatus.REJECTED,
        SendStatus.ACCEPTED,
        SendStatus.ACCEPTED,
    ]
    page = new_page(viewport)
    sign_in(page, "/admin/login/", sunat_world["staff"].email, field="username")

    # What SUNAT has not accepted: the rejection, its code and SUNAT's text, reached from the list.
    page.goto("/admin/receipts/receipt/")
    page.get_by_role("link", name="Lo que SUNAT no ha aceptado").click()
    page.wait_for_url("**/not-accepted/")
    table = page.locator("table.receipts-not-accepted").inner_text()
    assert rejected.full_number in table and "2022" in table and "RegistrationName" in table
    assert charged.full_number not in table and "Rechazado" in table
    looks_right(page, "admin-sunat-not-accepted")

    # Re-issued in one action under a new number; SUNAT accepts the new one; the list empties.
    run_receipt_action(page, rejected, "reissue")
    message = page.locator(".messagelist").inner_text()
    reissue = Receipt.objects.get(reissue_of=rejected)
    assert f"{rejected.full_number} reemitido como {reissue.full_number}" in message
    reissue.refresh_from_db()
    assert reissue.number > voided.number and reissue.send_status == SendStatus.ACCEPTED
    looks_right(page, "admin-sunat-reissued")
    page.goto(f"/admin/receipts/receipt/{rejected.pk}/change/")
    assert reissue.full_number in page.locator("#content").inner_text()  # the rejected one links its re-issue
    page.goto("/admin/receipts/receipt/not-accepted/")
    assert rejected.full_number not in page.locator("#content").inner_text()
    looks_right(page, "admin-sunat-all-accepted")

    # A nota de débito on a factura, from the factura's own page.
    page.goto(f"/admin/receipts/receipt/{charged.pk}/change/")
    page.get_by_role("link", name="Emitir nota de débito").click()
    page.wait_for_url("**/debit-note/")
    page.fill("input[name=amount]", "18.00")
    page.select_option("select[name=reason_code]", "03")
    page.fill("input[name=reason]", "Envío a provincia (Arequipa) cobrado después de la venta")
    looks_right(page, "admin-sunat-debit-note-form")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/change/")
    note = Receipt.objects.get(kind=ReceiptKind.DEBIT_NOTE)
    assert f"Nota de débito {note.full_number} emitida." in page.locator(".messagelist").inner_text()
    assert (note.series, note.original_id, str(note.total)) == ("FD01", charged.pk, "18.00")
    note.refresh_from_db()
    assert note.send_status == SendStatus.ACCEPTED and note.issued_by == sunat_world["staff"]
    looks_right(page, "admin-sunat-debit-note")

    # Voided by a comunicación de baja: the page says which way and why, one action does it.
    run_receipt_action(page, voided, "void_receipt")
    page.wait_for_url("**/void/")
    assert "Comunicación de baja" in page.locator("#content").inner_text()
    page.locator("input[name=purpose][value=sale]").check()  # the sale is cancelled: a baja, no re-issue
    page.fill("[name=reason]", "El cliente anuló la compra antes del despacho")
    looks_right(page, "admin-sunat-void-form")
    page.locator("input[type=submit]").click()
    page.wait_for_url(lambda url: "/void/" not in url)
    baja = Summary.objects.get(kind=SummaryKind.VOIDED)
    assert (
        f"{voided.full_number} anulado: {baja.identifier} se envía a SUNAT."
        in page.locator(".messagelist").inner_text()
    )
    looks_right(page, "admin-sunat-voided")
    baja.refresh_from_db()  # sent after commit, its ticket polled: SUNAT's answer
    assert baja.status == SummaryStatus.ACCEPTED and list(baja.lines.values_list("receipt_id", flat=True)) == [
        voided.pk
    ]
    assert [operation for operation, _key in sunat_world["sunat"].calls].count("sendSummary") == 1
