"""The month's Registro de Ventas e Ingresos Electrónico (RVIE) as SIRE takes it to replace its
proposal ("reemplazo de la propuesta"): R.S. N.° 112-2021/SUNAT, Anexo 3, as amended by
R.S. N.° 138-2023/SUNAT (docs/sunat.md, "Sales register", says what was followed and chosen).

- The file is named by Tabla 6: LE + RUC + YYYYMM + "00" + book 140400 + "02" (replaces the
  proposal) + operations "1" + content "1" (or "0" for a month without documents) + currency "1"
  (soles) + "2" (generated for SIRE), ".txt".
- One record per document issued in the month (its issue date in Lima), fields 1 to 33 separated
  and closed by "|", records separated by CRLF; the CAR (field 4) is left empty, SUNAT fills it in;
  fields 34 to 40 (the note's type, the document's estado, free transfers...) are SUNAT's and not sent.
- A document SUNAT rejected never took effect (its number is not used again) and is left out; one
  voided by a comunicación de baja or a resumen line 3 is recorded with every amount 0.00, as the
  annex's note 4 asks.
- A nota de crédito is negative; when the document it modifies is of an earlier month its base
  and IGV go to the discount columns (16 and 18) instead of 15 and 17. Every nota carries the
  date, type, series and number of the document it modifies (fields 29 to 32)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.validators import normalize_identity, validate_ruc
from core.site_settings import site_setting
from receipts.models import Receipt, ReceiptKind, SendStatus

from .selectors import voided_receipt_ids

ZERO = Decimal("0.00")
BOOK = "140400"  # Registro de Ventas e Ingresos Electrónico (Tabla 6)
REPLACES_PROPOSAL = "02"  # oportunidad: reemplaza la propuesta
FIELD_COUNT = 33
RECORD_SEPARATOR = "\r\n"
# Texts carry none of these (Tabla 5: they would split or escape a field).
_FORBIDDEN = re.compile(r"[|/\\\r\n\t]+")
_PERIOD = re.compile(r"^(\d{4})-?(\d{2})$")


class RegisterError(ValueError):
    """The register cannot be written as asked (the message says why); nothing was written."""


class PeriodError(RegisterError):
    """A period that is not a month as YYYY-MM."""


@dataclass(frozen=True)
class Period:
    """A tax period: one calendar month (Lima)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        """ "2026-11" or "202611"."""
        match = _PERIOD.match((text or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise PeriodError(_("The period must be a month as YYYY-MM, not %(value)r.") % {"value": text})
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Period":
        return cls(day.year, day.month)

    @property
    def code(self) -> str:
        """SIRE's YYYYMM (field 3)."""
        return f"{self.year:04d}{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def periods_between(since: date, until: date) -> list[Period]:
    """Every month a span of days touches, in order."""
    periods, period = [], Period.of(since)
    while period.first_day <= until:
        periods.append(period)
        period = Period.of(period.last_day + timedelta(days=1))
    return periods


@dataclass(frozen=True)
class Issuer:
    ruc: str
    name: str


def register_issuer() -> Issuer:
    """The store, as the site settings name it today (the register's generator, fields 1 and 2):
    SIRE takes no register without a valid RUC and a name."""
    issuer = Issuer(
        ruc=normalize_identity(str(site_setting("RECEIPTS_ISSUER_RUC"))),
        name=_text(str(site_setting("RECEIPTS_ISSUER_NAME"))),
    )
    try:
        validate_ruc(issuer.ruc)
    except ValidationError:
        raise RegisterError(_("The store's RUC in the site settings is not valid.")) from None
    if not issuer.name:
        raise RegisterError(_("The store's legal name is missing in the site settings."))
    return issuer


@dataclass(frozen=True)
class RegisterRow:
    """One document's record. Amounts are signed as the register writes them."""

    receipt: Receipt
    voided: bool
    taxable: Decimal  # field 15, BI gravada
    taxable_discount: Decimal  # field 16, descuento de la BI (a credit note of an earlier month)
    igv: Decimal  # field 17
    igv_discount: Decimal  # field 18
    total: Decimal  # field 26


def register_receipts(period: Period) -> QuerySet[Receipt]:
    """The documents the register records for `period`: every boleta, factura and nota issued that
    month (Lima), except those SUNAT rejected; oldest first."""
    return (
        Receipt.objects.filter(issue_date__gte=period.first_day, issue_date__lte=period.last_day)
        .exclude(send_status=SendStatus.REJECTED)
        .select_related("original")
        .order_by("issue_date", "kind", "series", "number", "pk")
    )


def _signed_row(receipt: Receipt, *, period: Period, voided: bool) -> RegisterRow:
    if voided:
        return RegisterRow(receipt, True, ZERO, ZERO, ZERO, ZERO, ZERO)
    if receipt.kind != ReceiptKind.CREDIT_NOTE:
        return RegisterRow(receipt, False, receipt.taxable_total, ZERO, receipt.igv_total, ZERO, receipt.total)
    original = receipt.original
    assert original is not None  # a nota has one (receipts_receipt_note_has_original)
    if Period.of(original.issue_date) == period:
        return RegisterRow(receipt, False, -receipt.taxable_total, ZERO, -receipt.igv_total, ZERO, -receipt.total)
    return RegisterRow(receipt, False, ZERO, -receipt.taxable_total, ZERO, -receipt.igv_total, -receipt.total)


def register_rows(period: Period) -> list[RegisterRow]:
    receipts = list(register_receipts(period))
    ids = [receipt.pk for receipt in receipts]
    voided = set(voided_receipt_ids().filter(pk__in=ids).values_list("pk", flat=True))
    return [_signed_row(receipt, period=period, voided=receipt.pk in voided) for receipt in receipts]


def _text(value: str) -> str:
    return " ".join(_FORBIDDEN.sub(" ", value or "").split())


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _buyer(receipt: Receipt) -> list[str]:
    """Fields 11 to 13 as the document itself says them (the XML writes "-" where a boleta names
    no buyer's document, and SIRE compares the register with the documents it received)."""
    document = receipt.buyer_document or "-"
    return [receipt.buyer_document_type, document, _text(receipt.buyer_name) or "-"]


def _modified(receipt: Receipt) -> list[str]:
    """Fields 29 to 32: the document a nota modifies."""
    original = receipt.original
    if not receipt.is_note or original is None:
        return ["", "", "", ""]
    return [_day(original.issue_date), original.kind, original.series, str(original.number)]


def register_record(row: RegisterRow, *, issuer: Issuer, period: Period) -> str:
    """Fields 1 to 33 of Anexo 3, each closed by "|"."""
    receipt = row.receipt
    fields = [
        issuer.ruc,  # 1
        issuer.name,  # 2
        period.code,  # 3
        "",  # 4 CAR: SUNAT fills it in
        _day(receipt.issue_date),  # 5
        "",  # 6 vencimiento: only for servicios públicos (14)
        receipt.kind,  # 7
        receipt.series,  # 8
        str(receipt.number),  # 9, as the document's cbc:ID writes it
        "",  # 10 last number of a range: each document has its own record
        *_buyer(receipt),  # 11-13
        _amount(ZERO),  # 14 exportación
        _amount(row.taxable),  # 15
        _amount(row.taxable_discount),  # 16
        _amount(row.igv),  # 17
        _amount(row.igv_discount),  # 18
        _amount(ZERO),  # 19 exonerado
        _amount(ZERO),  # 20 inafecto
        _amount(ZERO),  # 21 ISC
        _amount(ZERO),  # 22 BI IVAP
        _amount(ZERO),  # 23 IVAP
        _amount(ZERO),  # 24 ICBPER (required for 01, 03, 07, 08: 0.00, the store sells no plastic bags)
        _amount(ZERO),  # 25 otros tributos
        _amount(row.total),  # 26
        receipt.currency,  # 27
        "",  # 28 tipo de cambio: only when not in soles
        *_modified(receipt),  # 29-32
        "",  # 33 ID proyecto (operadores de contratos de colaboración)
    ]
    assert len(fields) == FIELD_COUNT
    return "|".join(fields) + "|"


def register_file_name(*, ruc: str, period: Period, has_documents: bool) -> str:
    content = "1" if has_documents else "0"
    return f"LE{ruc}{period.code}00{BOOK}{REPLACES_PROPOSAL}1{content}12.txt"


@dataclass(frozen=True)
class RegisterFile:
    name: str
    text: str
    rows: list[RegisterRow]

    @property
    def content(self) -> bytes:
        """UTF-8, as SIRE's replacement service takes it."""
        return self.text.encode("utf-8")

    @property
    def totals(self) -> "RegisterTotals":
        return register_totals(self.rows)


def register_file(period: Period) -> RegisterFile:
    """The month's register, named and written as SIRE takes it (an empty file for a month without
    documents, named as such)."""
    issuer = register_issuer()
    rows = register_rows(period)
    text = "".join(register_record(row, issuer=issuer, period=period) + RECORD_SEPARATOR for row in rows)
    return RegisterFile(
        name=register_file_name(ruc=issuer.ruc, period=period, has_documents=bool(rows)), text=text, rows=rows
    )


@dataclass(frozen=True)
class RegisterTotals:
    """The register's sums: its base and IGV with their discount columns, and its total."""

    documents: int
    taxable: Decimal
    igv: Decimal
    total: Decimal


def register_totals(rows: list[RegisterRow]) -> RegisterTotals:
    return RegisterTotals(
        documents=len(rows),
        taxable=sum((row.taxable + row.taxable_discount for row in rows), ZERO),
        igv=sum((row.igv + row.igv_discount for row in rows), ZERO),
        total=sum((row.total for row in rows), ZERO),
    )
