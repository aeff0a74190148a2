"""The sheet as a PDF (fpdf2, like the receipts): the consumer's copy and INDECOPI's export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.pdf_text import a4_document, font_face, latin1

from .layout import sheet_heading, sheet_sections
from .models import ANSWER_DEADLINE_NOTE, NOT_A_PREREQUISITE, QUEJA_DEFINITION, RECLAMO_DEFINITION, ComplaintSheet

if TYPE_CHECKING:
    from fpdf import FPDF

LABEL_WIDTH = 55
# Longer values than this go under their label (about 12 lines beside it).
SIDE_BY_SIDE_MAX = 900


def _page(pdf: FPDF, sheet: ComplaintSheet) -> None:
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 8, latin1(_("LIBRO DE RECLAMACIONES")), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(
        0,
        7,
        latin1(_("HOJA DE RECLAMACIÓN N.° %(number)s") % {"number": sheet.number}),
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    pdf.ln(2)
    _rows(pdf, sheet_heading(sheet)[1:])
    for title, rows in sheet_sections(sheet):
        pdf.ln(2)
        pdf.set_fill_color(235, 235, 235)
        pdf.set_font("helvetica", "B", 9)
        pdf.cell(0, 6, latin1(title.upper()), new_x="LMARGIN", new_y="NEXT", fill=True)
        _rows(pdf, rows)
    pdf.ln(3)
    pdf.set_font("helvetica", "", 7.5)
    for note in (
        f"RECLAMO: {RECLAMO_DEFINITION}",
        f"QUEJA: {QUEJA_DEFINITION}",
        NOT_A_PREREQUISITE,
        ANSWER_DEADLINE_NOTE,
    ):
        pdf.multi_cell(0, 4, latin1(note), new_x="LMARGIN", new_y="NEXT")


def _rows(pdf: FPDF, rows: Iterable[tuple[str, str]]) -> None:
    """Label and value side by side; a long text (a detail or an answer may fill more than a page,
    which a table row cannot) under its label, across as many pages as it needs."""
    pending: list[tuple[str, str]] = []
    for label, value in rows:
        if len(value or "") <= SIDE_BY_SIDE_MAX:
            pending.append((label, value))
            continue
        _table(pdf, pending)
        pending = []
        pdf.set_font("helvetica", "B", 9)
        pdf.cell(0, 6, latin1(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 9)
        pdf.multi_cell(0, 5, latin1(value), new_x="LMARGIN", new_y="NEXT")
    _table(pdf, pending)


def _table(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    pdf.set_font("helvetica", "", 9)
    width = pdf.epw
    with pdf.table(
        col_widths=(LABEL_WIDTH, width - LABEL_WIDTH),
        width=width,
        line_height=5,
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        bold = font_face(emphasis="BOLD")
        for label, value in rows:
            row = table.row()
            row.cell(latin1(label), style=bold)
            row.cell(latin1(value or "—"))


def sheet_pdf(sheet: ComplaintSheet) -> bytes:
    pdf = a4_document(_("Complaint sheet %(number)s") % {"number": sheet.number})
    _page(pdf, sheet)
    return bytes(pdf.output())


def sheets_pdf(sheets: Iterable[ComplaintSheet], *, title: str) -> bytes:
    """Every sheet of a period, one after another (each starts a page)."""
    pdf = a4_document(title)
    for sheet in sheets:
        _page(pdf, sheet)
    if pdf.page == 0:
        pdf.add_page()
        pdf.set_font("helvetica", "", 10)
        pdf.cell(0, 8, latin1(_("No complaint sheets were filed in this period.")))
    return bytes(pdf.output())
