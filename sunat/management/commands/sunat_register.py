"""python manage.py sunat_register [--period YYYY-MM] [--out DIR]: the month's Registro de Ventas
e Ingresos in SIRE's format for replacing its proposal (sunat.register); the previous month by
default, written to standard output unless --out names a folder to write the file into."""

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.money import format_money
from sunat.register import Period, RegisterError, register_file
from sunat.selectors import lima_today


class Command(BaseCommand):
    help = (
        "The month's Registro de Ventas e Ingresos (SIRE RVIE, replacement of the proposal): one record per "
        "document issued that month; to standard output, or as its SUNAT file name into --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", metavar="YYYY-MM", help="The month (Lima); by default the previous one.")
        parser.add_argument(
            "--out", metavar="DIR", help="Write the file into this folder (an existing file of that name is replaced)."
        )

    def handle(self, *args, period, out, verbosity, **options):
        try:
            month = Period.parse(period) if period else Period.of(lima_today().replace(day=1) - timedelta(days=1))
            register = register_file(month)
        except RegisterError as error:
            raise CommandError(str(error)) from None
        if not out:
            self.stdout.write(register.text, ending="")
            return
        path = Path(out).expanduser() / register.name
        try:
            path.write_bytes(register.content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s.") % {"path": path, "reason": error.strerror}
            ) from None
        if verbosity >= 1:
            totals = register.totals
            self.stdout.write(
                _("%(path)s: %(count)d documents, base %(taxable)s, IGV %(igv)s, total %(total)s.")
                % {
                    "path": path,
                    "count": totals.documents,
                    "taxable": format_money(totals.taxable),
                    "igv": format_money(totals.igv),
                    "total": format_money(totals.total),
                }
            )
