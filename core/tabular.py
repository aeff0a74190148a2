"""Rows out of management commands: an aligned text table (the default), CSV or JSON.

Hand-written rather than a table library: the commands need only left/right aligned
columns, and this keeps the dependency list short.
"""

import csv
import json
from collections.abc import Sequence
from decimal import Decimal

FORMATS = ("table", "csv", "json")


def add_format_argument(parser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="Output: table (default), csv or json.")


def write_rows(stream, rows: Sequence[dict], columns: Sequence[tuple[str, str]], fmt: str = "table") -> None:
    """columns: (key, header) pairs; numbers are right-aligned in the table."""
    keys = [key for key, _ in columns]
    if fmt == "json":
        stream.write(json.dumps([{key: _plain(row[key]) for key in keys} for row in rows], ensure_ascii=False,
                                indent=2))
        return
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([[row[key] for key in keys] for row in rows])
        return
    headers = [str(header) for _, header in columns]
    cells = [["" if row[key] is None else str(row[key]) for key in keys] for row in rows]
    numeric = [all(isinstance(row[key], int | float | Decimal) for row in rows) if rows else False for key in keys]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    stream.write(line(headers) + "\n")
    stream.write("  ".join("-" * w for w in widths) + "\n")
    for values in cells:
        stream.write(line(values) + "\n")


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value
