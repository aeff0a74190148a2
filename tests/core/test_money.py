from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import format_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1799.99"), "S/ 1,799.99"),
        (Decimal("1799.995"), "S/ 1,800.00"),  # half-up, as on a receipt
        (Decimal("0"), "S/ 0.00"),
        (5, "S/ 5.00"),
        ("1234567.5", "S/ 1,234,567.50"),
        (Decimal("-15.5"), "-S/ 15.50"),
        (None, ""),
        ("not money", ""),
    ],
)
def test_format_money(value, expected):
    assert format_money(value) == expected


def test_filter_in_a_template():
    rendered = Template("{% load money %}{{ price|money }}").render(Context({"price": Decimal("1799.99")}))
    assert rendered == "S/ 1,799.99"
