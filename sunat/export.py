"""Every document the store issued in a span of days, as it was sent, for an accountant or an
audit (`manage.py sunat_export`):

- each boleta, factura and nota as RUC-TT-SERIE-NUMERO.xml (signed when a certificate was
  configured), each guía de remisión as RUC-09-SERIE-NUMERO.xml, each resumen diario and
  comunicación de baja as RUC-RC-YYYYMMDD-N.xml and RUC-RA-YYYYMMDD-N.xml, each with SUNAT's CDR
  beside it as R-<same name>.xml when there is one;
- the Registro de Ventas (sunat.register) of every month the span touches.

The bytes written are the stored text in UTF-8, the encoding the store signs and sends it in, so
a signature checks on the file as it did on what SUNAT received. Everything is written into a
fresh folder beside the one asked for and renamed into place at the end: a failure leaves no half
export behind."""

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from despatch.selectors import guias_issued_between
from receipts.models import Receipt

from .models import Summary
from .register import RegisterError, periods_between, register_file


@dataclass(frozen=True)
class ExportedFile:
    name: str
    content: bytes


@dataclass
class ExportCounts:
    documents: int = 0
    answers: int = 0
    registers: list[str] = field(default_factory=list)


class ExportError(Exception):
    """The export cannot be written where asked; nothing was written."""


def _with_answer(file_name: str, xml: str, cdr_xml: str) -> Iterator[ExportedFile]:
    yield ExportedFile(f"{file_name}.xml", xml.encode("utf-8"))
    if cdr_xml:
        yield ExportedFile(f"R-{file_name}.xml", cdr_xml.encode("utf-8"))


def _receipts(since: date, until: date) -> Iterable[tuple[str, str, str]]:
    rows = (
        Receipt.objects.filter(issue_date__gte=since, issue_date__lte=until)
        .exclude(xml="")
        .order_by("issue_date", "kind", "series", "number")
    )
    for receipt in rows.only("issuer_ruc", "kind", "series", "number", "xml", "cdr_xml").iterator(chunk_size=200):
        yield receipt.file_name, receipt.xml, receipt.cdr_xml


def _summaries(since: date, until: date) -> Iterable[tuple[str, str, str]]:
    rows = (
        Summary.objects.filter(issue_date__gte=since, issue_date__lte=until)
        .exclude(xml="")
        .order_by("issue_date", "kind", "correlative")
    )
    for summary in rows.iterator(chunk_size=200):
        yield summary.file_name, summary.xml, summary.cdr_xml


def _guias(since: date, until: date) -> Iterable[tuple[str, str, str]]:
    for guia in guias_issued_between(since, until).exclude(xml="").iterator(chunk_size=200):
        yield guia.file_name, guia.xml, guia.cdr_xml


# The kinds of documents exported, each as (file name without .xml, XML, CDR).
DOCUMENT_SOURCES = (_receipts, _summaries, _guias)


def export_documents(*, since: date, until: date) -> Iterator[ExportedFile]:
    """Every document issued from `since` to `until` (Lima days, both included), with its CDR."""
    for source in DOCUMENT_SOURCES:
        for file_name, xml, cdr_xml in source(since, until):
            yield from _with_answer(file_name, xml, cdr_xml)


def export_registers(*, since: date, until: date) -> Iterator[ExportedFile]:
    """The Registro de Ventas of each month the span touches (whole months)."""
    for period in periods_between(since, until):
        register = register_file(period)
        yield ExportedFile(register.name, register.content)


def _fresh_folder(out: Path) -> Path:
    """A new folder beside `out` to write into, or ExportError saying why `out` cannot take the export."""
    if out.exists() and not out.is_dir():
        raise ExportError(_("%(path)s is a file, not a folder.") % {"path": out})
    if out.is_dir() and any(out.iterdir()):
        raise ExportError(
            _("%(path)s is not empty: give an empty or new folder (nothing is overwritten or mixed in).")
            % {"path": out}
        )
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise ExportError(_("Cannot write in %(path)s: permission denied.") % {"path": out})
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    except OSError as error:
        raise ExportError(
            _("Cannot write in %(path)s: %(reason)s.") % {"path": parent, "reason": error.strerror}
        ) from None
    umask = os.umask(0)
    os.umask(umask)
    scratch.chmod(0o777 & ~umask)  # mkdtemp's folder is private; the export is an ordinary folder
    return scratch


def export_write(*, since: date, until: date, out: Path) -> ExportCounts:
    """Write the span's documents, their CDRs and its registers into the folder `out` (new, or
    empty). Raises ExportError, having written nothing, when it cannot."""
    scratch = _fresh_folder(out)
    counts = ExportCounts()
    try:
        for exported in export_documents(since=since, until=until):
            (scratch / exported.name).write_bytes(exported.content)
            if exported.name.startswith("R-"):
                counts.answers += 1
            else:
                counts.documents += 1
        for exported in export_registers(since=since, until=until):
            (scratch / exported.name).write_bytes(exported.content)
            counts.registers.append(exported.name)
        if out.is_dir():
            out.rmdir()  # empty (checked above): the finished folder takes its place
        scratch.rename(out)
    except OSError as error:
        shutil.rmtree(scratch, ignore_errors=True)
        raise ExportError(_("Cannot write %(path)s: %(reason)s.") % {"path": out, "reason": error.strerror}) from None
    except RegisterError as error:
        shutil.rmtree(scratch, ignore_errors=True)
        raise ExportError(str(error)) from None
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return counts
