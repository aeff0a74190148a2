"""python manage.py inventory_verify [--format table|csv|json]: exit 0 when the ledger,
on-hand figures and reservations agree, 1 listing every mismatch otherwise."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from inventory.verify import CHECKS

COLUMNS = [("check", "Check"), ("subject", "Subject"), ("expected", "Expected"), ("found", "Found")]


class Command(BaseCommand):
    help = "Replay the movements ledger against on-hand stock, reservations, transfers and purchase receipts."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, format, verbosity, **options):
        mismatches = []
        for _label, check in tqdm(CHECKS, desc="Checks", unit="check", file=sys.stderr,
                                  disable=verbosity < 1 or not sys.stderr.isatty()):
            mismatches.extend(check())
        if mismatches or format != "table":
            write_rows(self.stdout, mismatches, COLUMNS, format)
        if mismatches:
            raise CommandError(f"{len(mismatches)} mismatches between the ledger and the stock figures.")
        if format == "table":
            self.stdout.write(self.style.SUCCESS(f"Inventory consistent: {len(CHECKS)} checks passed."))
