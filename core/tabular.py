"""Rows out of management commands: an aligned text table (the default), CSV or JSON.

The table is for people and reads as the shop does: amounts of the `money` columns in soles
(S/ 1,234.50), moments in Lima time (2026-11-24 22:30), yes/no. CSV and JSON are for programs:
plain amounts (1234.50) and ISO moments with Lima's offset.

Hand-written rather than a table library: the commands need only left/right aligned
columns, and this keeps the dependency list short.
"""

import csv
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .money import format_money

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Coded:
    """A value with a code, what CSV and JSON write ("pending"), and a label, what the table shows
    ("Pendiente"): a status or kind through its choice's label."""

    code: str
    label: str

    @classmethod
    def choice(cls, instance, field: str) -> "Coded":
        return cls(getattr(instance, field), str(getattr(instance, f"get_{field}_display")()))


def add_format_argument(parser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="Output: table (default), csv or json.")


def write_rows(
    stream, rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str = "table", *, money: Collection[str] = ()
) -> None:
    """columns: (key, header) pairs; numbers are right-aligned in the table; `money`: the keys
    whose values are amounts in soles."""
    keys = [key for key, _header in columns]
    if fmt == "json":
        stream.write(
            json.dumps([{key: _plain(row[key]) for key in keys} for row in rows], ensure_ascii=False, indent=2)
        )
        return
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([[_plain(row[key]) for key in keys] for row in rows])
        return
    headers = [str(header) for _key, header in columns]
    cells = [[_for_people(row[key], money=key in money) for key in keys] for row in rows]
    numeric = [
        all(isinstance(row[key], int | float | Decimal) and not isinstance(row[key], bool) for row in rows)
        if rows
        else False
        for key in keys
    ]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    stream.write(line(headers) + "\n")
    stream.write("  ".join("-" * w for w in widths) + "\n")
    for values in cells:
        stream.write(line(values) + "\n")


def _for_people(value, *, money: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Coded):
        return value.label
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if money:
        return format_money(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _plain(value):
    if isinstance(value, Coded):
        return value.code
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value
