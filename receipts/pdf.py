"""The printable PDF of a receipt (fpdf2, pure Python) with SUNAT's QR (segno)."""

import io

import segno
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.money import ZERO, format_money
from core.pdf_text import a4_document, font_face
from core.pdf_text import latin1 as _latin1

from .models import Receipt, free_transfers_value


def document_title(receipt: Receipt) -> str:
    return {
        "01": _("ELECTRONIC INVOICE (FACTURA)"),
        "03": _("ELECTRONIC RECEIPT (BOLETA)"),
        "07": _("ELECTRONIC CREDIT NOTE"),
        "08": _("ELECTRONIC DEBIT NOTE"),
    }[receipt.kind]


def receipt_pdf(receipt: Receipt) -> bytes:
    pdf = a4_document(receipt.full_number)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(110, 7, _latin1(receipt.issuer_name), new_x="LEFT", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    pdf.multi_cell(110, 5, _latin1(receipt.issuer_address), new_x="LEFT", new_y="NEXT")
    # the framed box SUNAT receipts carry: RUC, document type, number
    pdf.set_xy(130, 10)
    pdf.set_font("helvetica", "B", 11)
    pdf.multi_cell(
        70,
        7,
        _latin1(f"RUC {receipt.issuer_ruc}\n{document_title(receipt)}\n{receipt.full_number}"),
        border=1,
        align="C",
    )
    pdf.set_xy(10, 42)
    pdf.set_font("helvetica", "", 9)
    rows = [
        (_("Issue date"), f"{receipt.issue_date:%d/%m/%Y} {receipt.issue_time}"),
        (_("Customer"), receipt.buyer_name or "-"),
        (receipt.get_buyer_document_type_display(), receipt.buyer_document or "-"),
        (_("Address"), receipt.buyer_address or "-"),
        (_("Order"), receipt.order.number),
        (_("Currency"), _("Soles (PEN)")),
    ]
    if receipt.original is not None:
        rows.append(
            (
                _("Refers to"),
                f"{receipt.original.full_number} · {receipt.reason_code} {receipt.reason or receipt.reason_label}",
            )
        )
    pdf.set_font("helvetica", "B", 9)
    label_width = max(pdf.get_string_width(_latin1(label)) for label, _value in rows) + 3
    for label, value in rows:
        pdf.set_font("helvetica", "B", 9)
        pdf.cell(label_width, 5, _latin1(label))
        pdf.set_font("helvetica", "", 9)
        pdf.multi_cell(0, 5, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    # Each row reads as SUNAT's arithmetic: quantity × unit value − discount = value (all without
    # IGV); value + IGV = amount. Every amount in soles, as the totals below and the shop write them.
    widths = (10, 13, 44, 26, 23, 25, 23, 26)
    headers = (
        _("Qty"),
        _("Unit"),
        _("Description"),
        _("Unit value"),
        _("Discount"),
        pgettext("receipt line", "Value"),
        _("IGV"),
        _("Amount"),
    )
    pdf.set_font("helvetica", "", 8)
    align = ("RIGHT", "CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        line_height=5,
        text_align=align,
        headings_style=font_face(emphasis="BOLD", fill_color=(235, 235, 235)),
    ) as table:
        table.row([_latin1(header) for header in headers])
        lines = list(receipt.lines.all())
        free_value = free_transfers_value(receipt, lines)
        for line in lines:
            if line.is_free and not receipt.is_credit_note:
                # A unit given free: its referential value, charged nothing (SUNAT's free transfer).
                description = f"{line.description} ({_('free')})"
                table.row(
                    [
                        _latin1(value)
                        for value in (str(line.quantity), line.unit_code, description, *[format_money(ZERO)] * 5)
                    ]
                )
                continue
            table.row(
                [
                    _latin1(value)
                    for value in (
                        str(line.quantity),
                        line.unit_code,
                        line.description,
                        line.unit_value_printed,
                        *map(format_money, (line.discount_value, line.taxable_amount, line.igv, line.total)),
                    )
                ]
            )
    pdf.ln(3)
    y = pdf.get_y()
    totals = [
        (_("Taxable amount"), receipt.taxable_total),
        (_("IGV (18%)"), receipt.igv_total),
        (_("Total"), receipt.total),
    ]
    if free_value:
        totals.insert(0, (_("Free transfers (value)"), free_value))
    if receipt.discount_total:
        totals.insert(0, (_("Discounts (included, with IGV)"), receipt.discount_total))
    for label, amount in totals:
        pdf.set_x(120)
        pdf.set_font("helvetica", "B" if label == _("Total") else "", 9)
        pdf.cell(50, 6, _latin1(label), border=1)
        pdf.cell(30, 6, _latin1(format_money(amount)), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(10, y)
    pdf.set_font("helvetica", "B", 9)
    pdf.multi_cell(105, 5, _latin1(receipt.amount_in_words), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), y + 6 * len(totals)) + 4)
    qr = io.BytesIO()
    segno.make(receipt.qr_text(), error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    y = pdf.get_y()
    pdf.image(qr, x=10, y=y, w=32, h=32)
    pdf.set_xy(46, y + 2)
    pdf.set_font("helvetica", "", 8)
    note = _("Printed representation of the electronic %(document)s. Hash: %(hash)s. Check it at www.sunat.gob.pe.") % {
        "document": document_title(receipt).lower(),
        "hash": receipt.digest or _("(not signed yet)"),
    }
    pdf.multi_cell(150, 4, _latin1(note))
    return bytes(pdf.output())
