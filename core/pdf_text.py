"""The store's printed documents (receipts, guías de remisión, the Libro de Reclamaciones' sheets):
an A4 document of fpdf2, and text for its core fonts (Helvetica and friends), which speak Latin-1.

fpdf2 (with fontTools) is imported when the first document is drawn, not when Django starts: it was
a fifth of every process' start (each gunicorn and Celery worker, each management command), and most
processes never print (`tests/core/test_settings.py`)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

# Typography people paste into product and carrier names that Latin-1 lacks.
_PLAIN = str.maketrans(
    {
        "−": "-",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "―": "-",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "…": "...",
        "•": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def latin1(text) -> str:
    """fpdf2's core fonts speak Latin-1: Spanish fits; other letters lose their accents (ő → o),
    typography becomes its plain form, and only what has none becomes '?'."""
    text = str(text).translate(_PLAIN)
    if all(ord(char) < 256 for char in text):
        return text
    plain = "".join(char if ord(char) < 256 else unicodedata.normalize("NFKD", char)[0] for char in text)
    return plain.encode("latin-1", "replace").decode("latin-1")


def a4_document(title: str) -> FPDF:
    """An empty A4 document named `title`, breaking pages 15 mm from the bottom."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(latin1(title))
    return pdf


def font_face(**style: Any) -> FontFace:
    """fpdf2's FontFace (a table cell's or heading's emphasis and fill)."""
    from fpdf.fonts import FontFace

    return FontFace(**style)
