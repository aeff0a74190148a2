"""The printable guía de remisión (fpdf2, as receipts.pdf) with the QR SUNAT gives it: the CDR of an
accepted GRE carries the address of the guía on SUNAT's site (cbc:DocumentDescription), which the
QR holds. Before SUNAT accepts it the page says so, with no QR: the guía does not back a move yet."""

import io

import segno
from django.utils.translation import gettext as _

from core.pdf_text import a4_document, font_face
from core.pdf_text import latin1 as _latin1

from .models import DespatchAdvice, TransportMode


def _rows(advice: DespatchAdvice) -> list[tuple[str, str]]:
    rows = [
        (_("Issue date"), f"{advice.issue_date:%d/%m/%Y} {advice.issue_time}"),
        (_("Start of the move"), f"{advice.start_date:%d/%m/%Y}"),
        (_("Reason for the move"), f"{advice.reason} {advice.get_reason_display()}"),
        (_("Recipient"), f"{advice.recipient_name} ({advice.recipient_document})"),
        (_("Point of departure"), f"{advice.origin_address} ({advice.origin_ubigeo})"),
        (_("Point of arrival"), f"{advice.arrival_address} ({advice.arrival_ubigeo})"),
        (_("Gross weight"), f"{advice.gross_weight_kg} kg"),
        (_("Transport"), advice.get_transport_mode_display()),
    ]
    if advice.transport_mode == TransportMode.PUBLIC:
        rows.append((_("Carrier"), f"{advice.carrier_name} (RUC {advice.carrier_ruc}, MTC {advice.carrier_mtc})"))
    else:
        driver = f"{advice.driver_first_name} {advice.driver_family_name}"
        rows.append((_("Vehicle"), advice.vehicle_plate))
        rows.append((_("Driver"), f"{driver} (DNI {advice.driver_document}, {_('licence')} {advice.driver_licence})"))
    if advice.related_document:
        rows.append((_("Related receipt"), advice.related_document))
    return rows


def guia_pdf(advice: DespatchAdvice) -> bytes:
    pdf = a4_document(advice.full_number)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(110, 7, _latin1(advice.issuer_name), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(130, 10)
    pdf.set_font("helvetica", "B", 11)
    title = _("ELECTRONIC DESPATCH GUIDE (SENDER)")
    pdf.multi_cell(70, 7, _latin1(f"RUC {advice.issuer_ruc}\n{title}\n{advice.full_number}"), border=1, align="C")
    pdf.set_xy(10, 42)
    pdf.set_font("helvetica", "", 9)
    with pdf.table(col_widths=(45, 145), first_row_as_headings=False, borders_layout="NONE", line_height=5) as table:
        for label, value in _rows(advice):
            table.row([_latin1(label), _latin1(value)], style=font_face(emphasis=None))
    pdf.ln(3)
    widths = (12, 40, 108, 30)
    pdf.set_font("helvetica", "", 8)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        line_height=5,
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT"),
        headings_style=font_face(emphasis="BOLD", fill_color=(235, 235, 235)),
    ) as table:
        table.row([_latin1(text) for text in ("#", _("Code"), _("Description"), _("Quantity"))])
        for line in advice.lines.all():
            table.row(
                [
                    _latin1(text)
                    for text in (
                        str(line.position),
                        line.sku,
                        line.description,
                        f"{line.quantity.normalize():f} {line.unit_code}",
                    )
                ]
            )
    pdf.ln(4)
    y = pdf.get_y()
    if advice.is_valid and advice.qr_url:
        qr = io.BytesIO()
        segno.make(advice.qr_url, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        pdf.image(qr, x=10, y=y, w=32, h=32)
        pdf.set_xy(46, y + 2)
        note = _("Printed representation of the electronic despatch guide, accepted by SUNAT. Check it at %(url)s") % {
            "url": advice.qr_url
        }
    else:
        pdf.set_xy(10, y)
        note = _(
            "Not yet accepted by SUNAT (%(status)s): this guía does not back the move until SUNAT accepts it; "
            "the QR comes with SUNAT's answer."
        ) % {"status": advice.get_status_display()}
    pdf.set_font("helvetica", "", 8)
    pdf.multi_cell(150, 4, _latin1(note))
    return bytes(pdf.output())
