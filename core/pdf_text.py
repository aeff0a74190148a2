"""Text for fpdf2's core fonts (Helvetica and friends), which speak Latin-1: receipts and the
Libro de Reclamaciones' sheets print through it."""

import unicodedata

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
