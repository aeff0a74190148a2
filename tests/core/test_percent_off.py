"""One format for every discount badge: "−25 %", a real minus sign (U+2212) and a no-break space
(U+00A0) so the sign and the number never wrap apart; cards, the buy box, the cart and kits alike."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from core.money import format_percent_off

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (25, "\u221225\u00a0%"),
        (Decimal("8.00"), "\u22128\u00a0%"),
        (Decimal("12.50"), "\u221212.5\u00a0%"),
        ("10", "\u221210\u00a0%"),
        (0, ""),
        (None, ""),
        ("", ""),
        ("abc", ""),
    ],
)
def test_a_discount_is_written_one_way(value, shown):
    assert format_percent_off(value) == shown


def test_the_template_filter_is_the_same_function():
    html = Template("{% load money %}<b>{{ p|percent_off }}</b>").render(Context({"p": 25}))
    assert html == "<b>\u221225\u00a0%</b>"


def test_no_template_writes_a_discount_badge_of_its_own():
    """A badge that writes its own sign ("-{{ p }}&nbsp;%", "-{{ p }}% as a kit") drifts from the others."""
    own_format = re.compile(r"[-−]\{\{[^}]*\}\}\s*(&nbsp;)?%|[-−]\{\{ *percent *\}\}")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if own_format.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
