"""python manage.py sunat_export --from YYYY-MM-DD --to YYYY-MM-DD --out DIR: every document the
store issued in the span as it was sent (XML, with SUNAT's CDR beside it), and the Registro de
Ventas of each month the span touches (sunat.export)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.forms import EARLIEST_DAY, LATEST_DAY, day_in_range
from sunat.export import ExportError, export_write


def day_option(value: str, option: str) -> date:
    """A Lima day given as YYYY-MM-DD, or CommandError naming the option."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not day_in_range(day):
        raise CommandError(
            _("%(option)s must be a day as YYYY-MM-DD between %(first)s and %(last)s, not %(value)r.")
            % {"option": option, "first": EARLIEST_DAY, "last": LATEST_DAY, "value": value}
        )
    return day


class Command(BaseCommand):
    help = (
        "Write every document issued from --from to --to (Lima days) as it was sent: "
        "RUC-TT-SERIE-NUMERO.xml, RUC-RC-/RUC-RA-YYYYMMDD-N.xml, each CDR beside it as R-<name>.xml, "
        "and the Registro de Ventas (SIRE RVIE) of each month touched, into the new or empty folder --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="First day (Lima).")
        parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="Last day (Lima).")
        parser.add_argument(
            "--out", required=True, metavar="DIR", help="A new or empty folder (created if missing; never overwritten)."
        )

    def handle(self, *args, date_from, date_to, out, verbosity, **options):
        since, until = day_option(date_from, "--from"), day_option(date_to, "--to")
        if since > until:
            raise CommandError(_("--from (%(since)s) is after --to (%(until)s).") % {"since": since, "until": until})
        folder = Path(out).expanduser()
        try:
            counts = export_write(since=since, until=until, out=folder)
        except ExportError as error:
            raise CommandError(str(error)) from None
        if verbosity < 1:
            return
        if not counts.documents:
            self.stdout.write(
                _(
                    "No document was issued from %(since)s to %(until)s; the sales register of each month is written (empty)."
                )
                % {"since": since, "until": until}
            )
        else:
            self.stdout.write(
                ngettext(
                    "%(count)d document and %(answers)d SUNAT answers written to %(path)s.",
                    "%(count)d documents and %(answers)d SUNAT answers written to %(path)s.",
                    counts.documents,
                )
                % {"count": counts.documents, "answers": counts.answers, "path": folder}
            )
        for name in counts.registers:
            self.stdout.write(_("Sales register: %(name)s") % {"name": name})
