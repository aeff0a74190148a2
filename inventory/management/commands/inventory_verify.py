"""python manage.py inventory_verify [--format table|csv|json]: exit 0 when the ledger,
on-hand figures and reservations agree, 1 listing every mismatch otherwise."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from inventory.verify import CHECKS

COLUMNS = [
    ("check", gettext_lazy("Check")),
    ("subject", gettext_lazy("Subject")),
    ("expected", gettext_lazy("Expected")),
    ("found", gettext_lazy("Found")),
]


class Command(BaseCommand):
    help = "Replay the movements ledger against on-hand stock, reservations, transfers and purchase receipts."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, format, verbosity, **options):
        mismatches = []
        for _label, check in tqdm(
            CHECKS, desc=_("Checks"), unit=_("check"), file=sys.stderr, disable=verbosity < 1 or not sys.stderr.isatty()
        ):
            mismatches.extend(check())
        if mismatches or format != "table":
            write_rows(self.stdout, mismatches, COLUMNS, format)
        if mismatches:
            raise CommandError(
                ngettext(
                    "%(count)d mismatch between the ledger and the stock figures.",
                    "%(count)d mismatches between the ledger and the stock figures.",
                    len(mismatches),
                )
                % {"count": len(mismatches)}
            )
        if format == "table":
            self.stdout.write(
                self.style.SUCCESS(_("Inventory consistent: %(count)d checks passed.") % {"count": len(CHECKS)})
            )
